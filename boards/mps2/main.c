/*
 * main.c: the mps2 board's one task. Starts WAMR on its pool, checks and
 * loads the app image from the code region, starts the badge (no radio:
 * it only ticks), then polls the UART for the board RPC and ticks every
 * second while the badge runs. The first RPC request puts it in test mode.
 *
 * Built twice (CMakeLists.txt): picobadge-mps2.elf, and
 * picobadge-mps2-report.elf with PB_MPS2_REPORT, which after every request
 * prints one console line with what it cost (timer ticks; 40 instructions a
 * tick under -icount shift=0) and the RAM in use (bench/m4.mjs reads it).
 *
 * A refused image or a failed start prints one line and stops the board:
 * nothing of a refused image has run.
 */
#include <stdio.h>
#include <string.h>

#include "mps2.h"
#include "pb_badge.h"
#include "pb_core.h"
#include "pb_rpc.h"
#include "port.h"

#ifndef PB_MPS2_NAME
#define PB_MPS2_NAME "picobadge-mps2 (classic)"
#endif

static void say(const char *s)
{
  mps2_uart_puts("picobadge-mps2: ");
  mps2_uart_puts(s);
  mps2_uart_puts("\r\n");
}

__attribute__((noreturn)) static void stop(const char *why)
{
  say(why);
  say("stopped");
  for (;;) __asm__ volatile("wfi");
}

#ifdef PB_MPS2_REPORT
/* One line after a request: ticks spent in pb_rpc_feed, and the RAM high-water marks so far. */
static void report(uint64_t ticks)
{
  char line[160];
  int n = snprintf(line, sizeof line, "mps2-report: ticks=%lu pool_high=%ld pool=%u stack_high=%lu stack=%lu linear_used=%lu\r\n",
                   (unsigned long)ticks, (long)pb_core_pool_high_water(), (unsigned)PB_WAMR_POOL,
                   (unsigned long)mps2_stack_high_water(), (unsigned long)mps2_stack_size(),
                   (unsigned long)pb_core_memory_used());
  if (n > 0) port_serial_write((const uint8_t *)line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
#endif

int main(void)
{
  mps2_uart_init();
  mps2_clock_init();
  if (mps2_flash_blank_zero())
    stop("the badge's flash region reads all zeros: load an erased chip into it (-device loader,file=erased.bin,addr=0xc0000,force-raw=on)");
  if (pb_core_init() != PB_CORE_OK) stop(pb_core_error());
  int rc = pb_core_load_app();
  if (rc != PB_CORE_OK) stop(pb_core_error()); /* a refused image: nothing of it ran */
  if (pb_core_error()[0]) say(pb_core_error()); /* it runs, but its version could not be kept as the floor */
  pb_rpc_init(PB_MPS2_NAME);
  if (pb_badge_start(0) < 0) say("the badge did not start; the RPC still answers");
  say("booted, RPC ready (" PB_MPS2_NAME ")");

  int64_t next_tick = port_now_ms() + 1000;
  for (;;) {
    /* Drain what the UART holds, then hand it to the RPC in one piece. */
    uint8_t buf[256];
    size_t n = 0;
    int c;
    while (n < sizeof buf && (c = mps2_uart_getc()) >= 0) buf[n++] = (uint8_t)c;
    if (n) {
#ifdef PB_MPS2_REPORT
      uint64_t t0 = mps2_clock_ticks();
      pb_rpc_feed(buf, n);
      uint64_t dt = mps2_clock_ticks() - t0;
      /* Only a feed holding a SLIP END (C0) can have ended a frame and run a request. */
      if (memchr(buf, 0xc0, n)) report(dt);
#else
      pb_rpc_feed(buf, n);
#endif
    }
    if (pb_badge_running() && port_now_ms() >= next_tick) {
      pb_badge_tick();
      next_tick += 1000;
      if (next_tick < port_now_ms()) next_tick = port_now_ms() + 1000; /* a stall is not caught up */
    }
  }
}
