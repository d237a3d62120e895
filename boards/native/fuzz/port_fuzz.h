/*
 * port_fuzz.h: port.h in RAM for the fuzz targets. Flash is an array that
 * follows NOR rules, the clock is whatever the input says, and the radio
 * checks what the badge asks of it against what the harness told it: a
 * frame on a link that is not up, or longer than its MTU allows, or an
 * advertisement over 31 bytes, is a bug in boards/common or the core, and
 * aborts (the fuzzer's crash).
 */
#ifndef PICOBADGE_PORT_FUZZ_H
#define PICOBADGE_PORT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_FLASH_SIZE (256u * 1024u)

/* The app image to load and the event key it is signed with (read by port_app_* and port_event_key). */
void port_fuzz_set_app(const uint8_t *image, uint32_t len, const uint8_t key[32]);
void port_fuzz_set_time(int64_t local);
/* Saves the flash as it is now; port_fuzz_restore puts it back (each input starts from the same badge). */
void port_fuzz_snapshot(void);
void port_fuzz_restore(void);
/* What the harness told the badge about links: up with an MTU, or down. */
void port_fuzz_link(uint16_t handle, uint16_t mtu, int up);
void port_fuzz_forget_links(void);
/* A link the badge asked to end (port_radio_disconnect), oldest first: 1 and *handle, or 0 when none.
 * The harness ends it as a host does: the link is down from then on, and it tells the badge so. */
int port_fuzz_take_disconnect(uint16_t *handle);
/* Bytes the board wrote to its serial port since the last reset. */
size_t port_fuzz_serial_bytes(void);

#endif /* PICOBADGE_PORT_FUZZ_H */
