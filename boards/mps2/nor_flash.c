/*
 * nor_flash.c: the badge's flash region (port.h, docs/ABI.md "Flash
 * region") on the mps2 board: 256 KiB, 4 KiB sectors, 4-byte words.
 *
 * Where it is: the linker script's BADGE_FLASH region, in the code bank
 * (QEMU's SSRAM1 at 0x00000000, standing in for the nRF52840's 1 MiB of
 * flash) right after the code, as the storage partition sits after the
 * code in an nRF52840's flash. It is not part of the firmware's 192 KiB of
 * RAM. In QEMU the bank is RAM underneath, so this file enforces the NOR
 * rules a real chip would: a program only clears bits (the cell becomes
 * old AND new) and is word-aligned; an erase is one aligned sector set to
 * 0xFF. Nothing else in the firmware writes to the region.
 *
 * QEMU starts the region as zeros; the runner (host/m4/board.ts) loads an
 * erased chip (0xFF) or a saved one into it with -device loader. A region
 * that reads all zeros means nobody did: the board refuses to start.
 */
#include <string.h>

#include "mps2.h"
#include "port.h"

#define SECTOR 4096u
#define WORD 4u

extern uint8_t __badge_flash_start[];
extern uint8_t __badge_flash_end[];

static uint32_t region_size(void) { return (uint32_t)(__badge_flash_end - __badge_flash_start); }

static int in_region(uint32_t addr, uint32_t len) { return (uint64_t)addr + len <= region_size(); }

void port_flash_geometry(struct port_flash_geometry *out)
{
  out->sector_size = SECTOR;
  out->word_size = WORD;
  out->region_size = region_size();
}

int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len)) return -1;
  memcpy(buf, __badge_flash_start + addr, len);
  return 0;
}

int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len) || addr % WORD || len % WORD) return -1;
  volatile uint8_t *cell = __badge_flash_start + addr;
  for (uint32_t i = 0; i < len; i++) cell[i] &= buf[i]; /* NOR: a program only clears bits */
  return 0;
}

int port_flash_erase(uint32_t addr)
{
  if (!in_region(addr, SECTOR) || addr % SECTOR) return -1;
  memset(__badge_flash_start + addr, 0xff, SECTOR);
  return 0;
}

int mps2_flash_blank_zero(void)
{
  const uint32_t *w = (const uint32_t *)(void *)__badge_flash_start;
  for (uint32_t i = 0; i < region_size() / 4; i++)
    if (w[i] != 0) return 0;
  return 1;
}
