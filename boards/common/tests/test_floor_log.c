/*
 * test_floor_log.c: floor_log.c on a RAM NOR sector with NOR rules: erased
 * reads 0, records append and the last one counts, a record torn by a power
 * cut is passed over (the floor before it stays, the next write goes after
 * it), a full log wraps with an erase, an all-zeros sector (never erased)
 * and a failing read refuse.
 * Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_floor_log.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define SIZE 64u /* 8 slots: the wrap comes soon */
static uint8_t nor[SIZE];
static int erases, fail_reads, cut_after_bytes = -1;

static int rd(uint32_t off, uint8_t *buf, uint32_t len) { if (fail_reads) return -1; memcpy(buf, nor + off, len); return 0; }
static int pg(uint32_t off, const uint8_t *buf, uint32_t len)
{
  if (off % 4 || len % 4 || off + len > SIZE) return -1;
  for (uint32_t i = 0; i < len; i++) {
    if (cut_after_bytes == 0) return -1; /* the power went: the rest is not written */
    if (cut_after_bytes > 0) cut_after_bytes--;
    nor[off + i] &= buf[i];
  }
  return 0;
}
static int er(void) { erases++; memset(nor, 0xff, SIZE); return 0; }

static const struct pb_floor_sector sector = { SIZE, rd, pg, er };

static uint32_t floor_now(void) { uint32_t f = 12345; return pb_floor_log_read(&sector, &f) == 0 ? f : 0xdeadbeefu; }

int main(void)
{
  uint32_t f = 1;
  memset(nor, 0, SIZE); /* never erased (QEMU's RAM) */
  CHECK(pb_floor_log_read(&sector, &f) < 0 && f == 1);
  CHECK(pb_floor_log_write(&sector, 3) < 0);

  memset(nor, 0xff, SIZE);
  CHECK(floor_now() == 0);
  CHECK(pb_floor_log_write(&sector, 5) == 0 && floor_now() == 5);
  CHECK(pb_floor_log_write(&sector, 7) == 0 && floor_now() == 7);
  CHECK(pb_floor_log_write(&sector, 0) == 0 && floor_now() == 0); /* the log stores what it is given; floor.c only raises */
  CHECK(pb_floor_log_write(&sector, 9) == 0 && floor_now() == 9);

  /* A cut after the floor word, before its complement: torn, passed over. */
  cut_after_bytes = 4;
  CHECK(pb_floor_log_write(&sector, 11) < 0);
  cut_after_bytes = -1;
  CHECK(floor_now() == 9);
  /* A cut two bytes into the record. */
  cut_after_bytes = 2;
  CHECK(pb_floor_log_write(&sector, 0x01020304) < 0);
  cut_after_bytes = -1;
  CHECK(floor_now() == 9);
  CHECK(pb_floor_log_write(&sector, 12) == 0 && floor_now() == 12); /* into the next slot */
  CHECK(erases == 0);

  /* 7 of 8 slots used: one more fills it, the next wraps with one erase. */
  CHECK(pb_floor_log_write(&sector, 13) == 0 && floor_now() == 13 && erases == 0);
  CHECK(pb_floor_log_write(&sector, 14) == 0 && floor_now() == 14 && erases == 1);
  CHECK(pb_floor_log_write(&sector, 0xffffffffu) == 0 && floor_now() == 0xffffffffu); /* (max, 0) is a record, not erased */
  CHECK(pb_floor_log_write(&sector, 15) == 0 && floor_now() == 15);

  fail_reads = 1;
  CHECK(pb_floor_log_read(&sector, &f) < 0);
  fail_reads = 0;

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
