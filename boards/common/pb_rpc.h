/*
 * pb_rpc.h: the board RPC of docs/RPC.md, served on the serial port. The
 * board hands every byte it reads from its serial port to pb_rpc_feed;
 * replies go out through port_serial_write. The first HELLO or CALL puts
 * the board in test mode (pb_badge_stop) until it restarts; IDENTITY,
 * ENROL, BEACON and STATUS reach the running badge and leave it running. They call
 * the badge runner (pb_badge.h), so pb_rpc_feed must run on the one task
 * that drives the badge, as every board here does (its event loop).
 */
#ifndef PICOBADGE_PB_RPC_H
#define PICOBADGE_PB_RPC_H

#include <stddef.h>
#include <stdint.h>

void pb_rpc_init(const char *board_name);
void pb_rpc_feed(const uint8_t *bytes, size_t len);
/* 1 once a HELLO or CALL has arrived: the board is in test mode (the badge stopped) until it restarts. */
int pb_rpc_test_mode(void);
/* CRC-32 (IEEE, as zlib) of n bytes, continuing crc (0 to start). */
uint32_t pb_rpc_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif /* PICOBADGE_PB_RPC_H */
