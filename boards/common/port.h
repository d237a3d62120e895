/*
 * port.h: what a board implements for boards/common (one file of glue per
 * board: boards/native/port_native.c, later boards/esp32, boards/nrf52).
 *
 * Threading: boards/common is not reentrant. The board calls every pb_*
 * function from one task (its main loop); radio and serial callbacks that
 * arrive on other tasks are queued by the board and delivered from there.
 * Every port_* function below is called only from that task.
 *
 * Every buffer comes with its length. Results: 0 (or a count) for success,
 * negative for failure, unless a function says otherwise.
 */
#ifndef PICOBADGE_PORT_H
#define PICOBADGE_PORT_H

#include <stddef.h>
#include <stdint.h>

/* ---- clock --------------------------------------------------------------------------- */
/* Monotonic milliseconds since this boot; never goes backwards while running. */
int64_t port_now_ms(void);

/* ---- entropy ------------------------------------------------------------------------- */
/* Fills buf with len bytes from a CSPRNG (the hardware RNG). 0, or < 0 when there is none. */
int port_entropy(uint8_t *buf, size_t len);

/* ---- the badge's flash region (docs/ABI.md, "Flash region") --------------------------- */
/* NOR rules: erase sets a sector to 0xFF; program only clears bits, word-aligned. */
struct port_flash_geometry {
  uint32_t sector_size; /* a power of two, 512 .. 4096 */
  uint32_t word_size;   /* 1, 2, 4 or 8 */
  uint32_t region_size; /* a multiple of sector_size, at least 4 sectors */
};
void port_flash_geometry(struct port_flash_geometry *out);
int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len);
int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len);
int port_flash_erase(uint32_t addr);

/* ---- the app image partition (docs/ABI.md, "App image") ------------------------------- */
/* Size of the partition in bytes (the image may be shorter; its header says how long). */
uint32_t port_app_size(void);
int port_app_read(uint32_t offset, uint8_t *buf, uint32_t len);
#ifdef PB_APP_XIP
/* A board whose app partition is memory-mapped (internal flash) builds with PB_APP_XIP and returns its first
 * byte here (port_app_size() bytes readable), or NULL: then an AOT image runs in place (core.c). */
const uint8_t *port_app_mapped(void);
#endif
/* The event's public key (32 bytes), provisioned in the firmware: app images must carry its signature. */
const uint8_t *port_event_key(void);

/* ---- the app version floor (docs/ABI.md, "Rollback"; boards/common/floor.c) ------------ */
/* The highest app version this badge has run, kept across power cuts and restarts, outside the badge's
 * flash region (that belongs to the core's store). Never written: *floor = 0 and 0. < 0 when the stored
 * value cannot be read or is damaged: then no image runs (fail closed). */
int port_version_floor_read(uint32_t *floor);
/* Stores floor (boards/common calls it only with a value above the last read). A power cut during the
 * write must leave the old value or the new one, never another (a temporary file and rename, a two-copy
 * scheme, or storage that commits atomically: NVS, Zephyr settings). 0, or < 0 and the old value stays. */
int port_version_floor_write(uint32_t floor);

/* ---- serial (the console and the board RPC of docs/RPC.md) ---------------------------- */
/* Writes all len bytes (blocking as needed). */
void port_serial_write(const uint8_t *buf, size_t len);

/* ---- radio (Bluetooth LE; docs/SYNC.md) ---------------------------------------------- */
/* Advertise these bytes (<= 31, AD structures), connectable, from now on, replacing any before. */
int port_radio_advertise(const uint8_t *data, size_t len);
/* Connect as central to the 6-byte address. The outcome comes back as pb_badge_link_up (or nothing: the badge gives up after 5 s). */
int port_radio_connect(const uint8_t addr[6]);
/* End the connection; the board reports pb_badge_link_down when it is gone. */
int port_radio_disconnect(uint16_t handle);
/* Send one frame (<= MTU - 3) on the link, in order: a GATT write as central, a notification as peripheral.
 * When every frame handed over for a link has gone out, the board calls pb_badge_link_ready. */
int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len);
/* Stop or start the radio (scanning and advertising): a board in test mode (docs/RPC.md) is silent. */
void port_radio_enable(int on);

/* ---- display ------------------------------------------------------------------------- */
/* A chain grew (STORED): the board may show "new card from ..."; may do nothing. */
void port_show_stored(const uint8_t owner[32], uint32_t height);

#endif /* PICOBADGE_PORT_H */
