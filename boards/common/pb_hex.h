/*
 * pb_hex.h: 64 hex digits into a 32-byte key (the event key a board is
 * provisioned with, as text: Kconfig, a command line, a file).
 */
#ifndef PICOBADGE_PB_HEX_H
#define PICOBADGE_PB_HEX_H

#include <stdint.h>

/* Reads the 64 characters at hex (either case) into out. 0, or -1 at the first one that is not a
 * hex digit (out is then partly written: the caller keeps no key from a -1). The caller checks the length. */
int pb_hex_key(const char hex[64], uint8_t out[32]);

#endif /* PICOBADGE_PB_HEX_H */
