/*
 * test_floor.c: floor.c against a fake stored floor: the header's version
 * read little-endian, the floor raised only upwards and only when higher
 * (equal writes nothing), a failed write reported with the stored floor
 * unchanged, an unreadable floor reported, the refusal line.
 * Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_floor.h"
#include "picobadge_abi.h"
#include "port.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static uint32_t stored;
static int writes, fail_write, fail_read;

int port_version_floor_read(uint32_t *floor) { if (fail_read) return -1; *floor = stored; return 0; }
int port_version_floor_write(uint32_t floor) { writes++; if (fail_write) return -1; stored = floor; return 0; }

int main(void)
{
  uint8_t header[PICOBADGE_IMAGE_HEADER];
  memset(header, 0xee, sizeof header);
  header[12] = 0x78; header[13] = 0x56; header[14] = 0x34; header[15] = 0x92;
  CHECK(pb_image_version(header) == 0x92345678u);

  uint32_t f = 99;
  CHECK(pb_floor_read(&f) == 0 && f == 0); /* a new badge */

  CHECK(pb_floor_raise(0, 7) == 1 && stored == 7 && writes == 1);
  CHECK(pb_floor_read(&f) == 0 && f == 7);
  CHECK(pb_floor_raise(7, 7) == 0 && writes == 1);   /* equal: a re-flash writes nothing */
  CHECK(pb_floor_raise(7, 5) == 0 && stored == 7 && writes == 1); /* never down, whatever the caller says */
  CHECK(pb_floor_raise(7, 0xffffffffu) == 1 && stored == 0xffffffffu); /* unsigned: the top is the top */
  CHECK(pb_floor_raise(0xffffffffu, 0x80000000u) == 0 && stored == 0xffffffffu);

  stored = 7; writes = 0; fail_write = 1;
  CHECK(pb_floor_raise(7, 9) < 0 && stored == 7 && writes == 1); /* the old floor stays */
  fail_write = 0;

  fail_read = 1; f = 123;
  CHECK(pb_floor_read(&f) < 0 && f == 123);
  fail_read = 0;

  char line[96];
  pb_floor_refusal(line, sizeof line, 5, 7);
  CHECK(strcmp(line, "image version 5 is older than this badge's 7: refused (rollback)") == 0);
  pb_floor_refusal(line, sizeof line, 0, 4294967295u);
  CHECK(strcmp(line, "image version 0 is older than this badge's 4294967295: refused (rollback)") == 0);
  pb_floor_refusal(line, 10, 5, 7); /* cut short, still terminated */
  CHECK(strcmp(line, "image ver") == 0);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
