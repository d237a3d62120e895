/*
 * floor.c: the app version floor (pb_floor.h; docs/ABI.md, "Rollback").
 *
 * Invariants:
 *   - The stored floor only goes up: pb_floor_raise writes only a version
 *     above the floor it was given, and core.c gives it the floor it read
 *     before the check, and a version the verifier accepted against it.
 *   - It is raised only for an image that verified and instantiated, and
 *     before any badge call runs that app. A power cut between the check and
 *     the write leaves the old floor, under which the same image verifies
 *     again at the next boot and is written then: the cut lets nothing run
 *     that the old floor did not already let run.
 *   - A floor that cannot be read stops every image (fail closed: a board
 *     whose storage lies must not be walked back). A write that fails keeps
 *     the old floor and lets the verified image run (it is not older than
 *     the floor): a worn cell must not brick a badge; the next boot retries.
 */
#include "pb_floor.h"

#include "picobadge_abi.h"
#include "port.h"

uint32_t pb_image_version(const uint8_t *header)
{
  const uint8_t *p = header + PICOBADGE_IMAGE_APP_VERSION;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int pb_floor_read(uint32_t *floor)
{
  uint32_t f = 0;
  if (port_version_floor_read(&f) < 0) return -1;
  *floor = f;
  return 0;
}

int pb_floor_raise(uint32_t floor, uint32_t version)
{
  if (version <= floor) return 0;
  return port_version_floor_write(version) < 0 ? -1 : 1;
}

/* Appends s to out at *n, keeping room for the terminator. */
static void put(char *out, size_t cap, size_t *n, const char *s)
{
  while (*s && *n + 1 < cap) out[(*n)++] = *s++;
}

static void put_u32(char *out, size_t cap, size_t *n, uint32_t v)
{
  char digits[11];
  size_t k = sizeof digits - 1;
  digits[k] = 0;
  do { digits[--k] = (char)('0' + v % 10); v /= 10; } while (v);
  put(out, cap, n, digits + k);
}

void pb_floor_refusal(char *out, size_t cap, uint32_t version, uint32_t floor)
{
  size_t n = 0;
  if (!cap) return;
  put(out, cap, &n, "image version ");
  put_u32(out, cap, &n, version);
  put(out, cap, &n, " is older than this badge's ");
  put_u32(out, cap, &n, floor);
  put(out, cap, &n, ": refused (rollback)");
  out[n] = 0;
}
