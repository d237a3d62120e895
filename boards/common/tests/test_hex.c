/*
 * test_hex.c: hex.c alone. Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_hex.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

int main(void)
{
  uint8_t key[32];
  const char *lower = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  CHECK(pb_hex_key(lower, key) == 0);
  CHECK(key[0] == 0x00 && key[1] == 0x11 && key[9] == 0x99 && key[10] == 0xaa && key[15] == 0xff && key[31] == 0xf0);
  char upper[65];
  for (int i = 0; i < 64; i++) upper[i] = (char)(lower[i] >= 'a' ? lower[i] - 32 : lower[i]);
  upper[64] = 0;
  uint8_t again[32];
  CHECK(pb_hex_key(upper, again) == 0);
  CHECK(memcmp(key, again, 32) == 0);
  /* Every position refuses a character that is not a hex digit, on either side of the digit ranges. */
  const char bad[] = { 'g', 'G', '/', ':', '@', '`', ' ', 0 };
  for (int at = 0; at < 64; at++) {
    for (size_t b = 0; b < sizeof bad; b++) {
      char s[65];
      memcpy(s, lower, 65);
      s[at] = bad[b];
      CHECK(pb_hex_key(s, key) == -1);
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
