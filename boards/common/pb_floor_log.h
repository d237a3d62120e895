/*
 * pb_floor_log.h: the app version floor kept in one NOR sector of its own,
 * for boards without atomic key-value storage (mps2's simulated flash, the
 * nRF52840's internal flash): port_version_floor_read/_write over these.
 * floor_log.c says how a power cut is survived.
 */
#ifndef PICOBADGE_PB_FLOOR_LOG_H
#define PICOBADGE_PB_FLOOR_LOG_H

#include <stdint.h>

/* One sector (size a multiple of 8, at most 4096) with NOR rules: erase sets it to 0xFF, a program of
 * 4-byte-aligned words only clears bits. Each returns 0 or < 0. */
struct pb_floor_sector {
  uint32_t size;
  int (*read)(uint32_t off, uint8_t *buf, uint32_t len);
  int (*program)(uint32_t off, const uint8_t *buf, uint32_t len);
  int (*erase)(void);
};

/* The floor (0 in an erased sector), or < 0: unreadable, or all zeros (a sector nobody erased). */
int pb_floor_log_read(const struct pb_floor_sector *s, uint32_t *floor);
/* Appends floor (erasing the sector first when full). 0 or < 0. */
int pb_floor_log_write(const struct pb_floor_sector *s, uint32_t floor);

#endif /* PICOBADGE_PB_FLOOR_LOG_H */
