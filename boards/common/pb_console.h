/*
 * pb_console.h: the lines a badge prints on its serial console for its user,
 * in one place so every board says them alike. They go out through
 * port_serial_write, between the RPC's SLIP frames (docs/RPC.md).
 */
#ifndef PB_CONSOLE_H
#define PB_CONSOLE_H

#include <stdint.h>

/* "badge: new card from 1a2b3c4d, 2 blocks": a chain of `owner` reached `height` (a port's port_show_stored). */
void pb_console_stored(const uint8_t owner[32], uint32_t height);

#endif
