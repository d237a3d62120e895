/*
 * test_console.c: console.c alone, its serial port a buffer. Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_console.h"
#include "port.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static char out[256];
static size_t out_len;

void port_serial_write(const uint8_t *buf, size_t len)
{
  if (out_len + len > sizeof out) len = sizeof out - out_len;
  memcpy(out + out_len, buf, len);
  out_len += len;
}

static const char *said(void) { out[out_len < sizeof out ? out_len : sizeof out - 1] = 0; return out; }

int main(void)
{
  uint8_t owner[32] = { 0x1a, 0x2b, 0x3c, 0x4d, 0xff };
  out_len = 0;
  pb_console_stored(owner, 1);
  CHECK(strcmp(said(), "badge: new card from 1a2b3c4d, 1 block\r\n") == 0);
  out_len = 0;
  pb_console_stored(owner, 2);
  CHECK(strcmp(said(), "badge: new card from 1a2b3c4d, 2 blocks\r\n") == 0);
  out_len = 0;
  pb_console_stored(owner, 4294967295u); /* the longest line still fits and ends with its newline */
  CHECK(strcmp(said(), "badge: new card from 1a2b3c4d, 4294967295 blocks\r\n") == 0);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
