/*
 * sim_entropy.c: SIMULATED entropy. QEMU's mps2-an386 has no random number
 * generator, so this board makes its bytes with a xorshift generator seeded
 * from the timer at the first request: different between runs, but
 * predictable to anyone who knows roughly when the board started.
 *
 * NEVER USE THIS FOR REAL KEYS. A badge identity made on this board is a
 * test identity. Real boards read their hardware RNG (nRF52840: the RNG
 * peripheral through Zephyr's entropy driver; ESP32: esp_fill_random).
 */
#include "mps2.h"
#include "port.h"

static uint64_t state;

static uint64_t next(void)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

int port_entropy(uint8_t *buf, size_t len)
{
  if (state == 0) state = 0x9e3779b97f4a7c15ull ^ (mps2_clock_ticks() * 0xbf58476d1ce4e5b9ull);
  if (state == 0) state = 1;
  for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(next() >> 24);
  return 0;
}
