/*
 * clock.c: the monotonic clock of port.h from CMSDK APB timer 0, a 32-bit
 * down counter at the 25 MHz system clock, free-running from 0xFFFFFFFF.
 *
 * Invariant: `total` only grows. Each read adds the ticks since the last
 * read, modulo 2^32, so the clock is right as long as it is read at least
 * once per wrap (171 s); the main loop reads it every pass and no call into
 * the core runs that long. No interrupt is used: nothing runs behind the
 * main task's back, and -icount measurements count only the work itself.
 */
#include "mps2.h"
#include "port.h"

#define TIMER0_BASE 0x40000000u
#define TIMER_CTRL (*(volatile uint32_t *)(TIMER0_BASE + 0x00))
#define TIMER_VALUE (*(volatile uint32_t *)(TIMER0_BASE + 0x04))
#define TIMER_RELOAD (*(volatile uint32_t *)(TIMER0_BASE + 0x08))

static uint32_t last;
static uint64_t total;

void mps2_clock_init(void)
{
  TIMER_CTRL = 0;
  TIMER_RELOAD = 0xffffffffu;
  TIMER_VALUE = 0xffffffffu;
  TIMER_CTRL = 1; /* enable; no interrupt, no external input */
  last = TIMER_VALUE;
  total = 0;
}

uint64_t mps2_clock_ticks(void)
{
  uint32_t now = TIMER_VALUE;
  total += (uint32_t)(last - now); /* a down counter: elapsed = before - after, mod 2^32 */
  last = now;
  return total;
}

uint64_t mps2_clock_us(void) { return mps2_clock_ticks() / (MPS2_SYSCLK_HZ / 1000000u); }

int64_t port_now_ms(void) { return (int64_t)(mps2_clock_ticks() / (MPS2_SYSCLK_HZ / 1000u)); }
