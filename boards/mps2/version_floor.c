/*
 * version_floor.c: port.h's app version floor on the mps2 board (docs/ABI.md,
 * "Rollback"): boards/common/floor_log.c on one 4 KiB NOR sector of its
 * own, VERSION_FLOOR in mps2.ld (the last sector of the code bank, outside
 * the badge's flash region, which is the core's store). The runner loads it
 * erased (host/m4/board.ts) or a saved one; one that reads all zeros was
 * never loaded, and no image runs (as main.c stops for such a badge region).
 * In QEMU the bank is RAM: the NOR rules are kept here, as nor_flash.c does.
 */
#include <string.h>

#include "pb_floor_log.h"
#include "port.h"

#define SECTOR 4096u

extern uint8_t __version_floor_start[];

static int rd(uint32_t off, uint8_t *buf, uint32_t len)
{
  if ((uint64_t)off + len > SECTOR) return -1;
  memcpy(buf, __version_floor_start + off, len);
  return 0;
}

static int pg(uint32_t off, const uint8_t *buf, uint32_t len)
{
  if ((uint64_t)off + len > SECTOR || off % 4 || len % 4) return -1;
  volatile uint8_t *cell = __version_floor_start + off;
  for (uint32_t i = 0; i < len; i++) cell[i] &= buf[i]; /* NOR: a program only clears bits */
  return 0;
}

static int er(void)
{
  memset(__version_floor_start, 0xff, SECTOR);
  return 0;
}

static const struct pb_floor_sector sector = { SECTOR, rd, pg, er };

int port_version_floor_read(uint32_t *floor) { return pb_floor_log_read(&sector, floor); }
int port_version_floor_write(uint32_t floor) { return pb_floor_log_write(&sector, floor); }
