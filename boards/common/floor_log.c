/*
 * floor_log.c: the app version floor in one NOR sector (pb_floor_log.h;
 * docs/ABI.md, "Rollback").
 *
 * The sector is a log of 8-byte records, each the floor (u32 LE) and its
 * complement, appended into the first erased slot. The floor is the last
 * whole record before the first erased slot.
 *
 * Invariants (what a power cut leaves):
 *   - A cut while a record is programmed leaves its first word without its
 *     complement (or partly cleared bits): it does not pair and is passed
 *     over, so the floor is the record before it, and the next write goes
 *     into the slot after it (it is not erased).
 *   - When the log is full the sector is erased and the record written
 *     first: a cut between the two leaves an erased sector, floor 0. That is
 *     the one window where a cut lowers the floor, once in size/8 raises
 *     (512 for 4 KiB); the floor is only raised by a new image, so it opens
 *     at most once an update cycle per few hundred updates.
 *   - All zeros is not a state the log can reach (every record pairs with
 *     its complement): it is a sector nobody erased (QEMU's RAM at start),
 *     and reads fail: no image runs.
 */
#include "pb_floor_log.h"

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The first erased slot (size/8 when full), or < 0; the last whole record's floor before it in *floor. */
static int32_t scan(const struct pb_floor_sector *s, uint32_t *floor)
{
  uint8_t rec[8];
  int zeros = 1;
  uint32_t slots = s->size / 8, i;
  *floor = 0;
  for (i = 0; i < slots; i++) {
    if (s->read(i * 8, rec, 8) < 0) return -1;
    uint32_t v = le32(rec), c = le32(rec + 4);
    if (v || c) zeros = 0;
    if (v == 0xffffffffu && c == 0xffffffffu) break;
    if (c == ~v) *floor = v;
  }
  if (zeros) return -1;
  return (int32_t)i;
}

int pb_floor_log_read(const struct pb_floor_sector *s, uint32_t *floor)
{
  uint32_t f;
  if (scan(s, &f) < 0) return -1;
  *floor = f;
  return 0;
}

int pb_floor_log_write(const struct pb_floor_sector *s, uint32_t floor)
{
  uint32_t f;
  int32_t i = scan(s, &f);
  if (i < 0) return -1;
  if ((uint32_t)i == s->size / 8) {
    if (s->erase() < 0) return -1;
    i = 0;
  }
  uint8_t rec[8];
  for (int k = 0; k < 4; k++) { rec[k] = (uint8_t)(floor >> (8 * k)); rec[4 + k] = (uint8_t)(~floor >> (8 * k)); }
  return s->program((uint32_t)i * 8, rec, 8);
}
