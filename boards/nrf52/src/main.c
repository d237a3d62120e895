/*
 * main.c: the nRF52 board's main thread. Brings up the partitions, WAMR and
 * the core, Bluetooth, then loops: events from the queue (board.h) go to
 * boards/common one at a time, serial bytes to the RPC, the badge ticks
 * every second, and the radio's send queues are kept moving.
 *
 * A refused app image is a clear error state: the reason is printed once,
 * the badge does not start, and the RPC keeps answering (HELLO).
 */
#include <stdio.h>
#include <string.h>

#include <zephyr/kernel.h>

#include "board.h"
#include "pb_badge.h"
#include "pb_core.h"
#include "pb_rpc.h"
#include "port.h"

K_MSGQ_DEFINE(events, sizeof(struct board_event), 16, 4);
static struct board_event ev; /* the one being handled: static, not on the main stack */

void board_post(const struct board_event *e, int wait)
{
  (void)k_msgq_put(&events, e, wait ? K_FOREVER : K_NO_WAIT);
}

static void say(const char *line) { port_serial_write((const uint8_t *)line, strlen(line)); }

static void handle(const struct board_event *e)
{
  switch (e->kind) {
  case EV_ADVERT: pb_badge_advert(e->addr, e->data, e->len); break;
  case EV_LINK_UP:
    radio_link_opened(e);
    pb_badge_link_up(e->handle, e->mtu, e->central, e->addr);
    break;
  case EV_LINK_DOWN:
    radio_link_closed(e->handle);
    pb_badge_link_down(e->handle);
    break;
  case EV_FRAME: pb_badge_frame(e->handle, e->data, e->len); break;
  default: break; /* EV_WAKE: the loop polls below */
  }
}

int main(void)
{
  char line[128];
  if (port_nrf52_init() < 0) return 0; /* the line saying why is out */
  pb_rpc_init(CONFIG_PICOBADGE_BOARD_NAME);

  int image_ok = 0;
  if (pb_core_init() != PB_CORE_OK || pb_core_load_app() != PB_CORE_OK) {
    snprintf(line, sizeof line, "picobadge-nrf52: %s\r\n", pb_core_error());
    say(line);
  } else {
    image_ok = 1;
    if (pb_core_error()[0]) { /* the app runs, but its version could not be kept as the floor (docs/ABI.md, "Rollback") */
      snprintf(line, sizeof line, "picobadge-nrf52: %s\r\n", pb_core_error());
      say(line);
    }
  }
  if (radio_init() < 0) say("picobadge-nrf52: Bluetooth did not start; the RPC still answers\r\n");
  else if (image_ok) {
    int rc = pb_badge_start(0);
    if (rc < 0) {
      snprintf(line, sizeof line, "picobadge-nrf52: the badge did not start (%d); the RPC still answers\r\n", rc);
      say(line);
    }
  }
  snprintf(line, sizeof line, "picobadge-nrf52: booted, RPC ready (%s)\r\n", CONFIG_PICOBADGE_BOARD_NAME);
  say(line);

  int64_t next_tick = k_uptime_get() + 1000;
  int sending = 0;
  for (;;) {
    k_timeout_t wait = K_FOREVER;
    if (sending) wait = K_MSEC(10);
    else if (pb_badge_running()) {
      int64_t ms = next_tick - k_uptime_get();
      wait = ms <= 0 ? K_NO_WAIT : K_MSEC(ms);
    }
    if (k_msgq_get(&events, &ev, wait) == 0) handle(&ev);
    port_nrf52_serial_poll();
    sending = radio_poll();
    if (pb_badge_running() && k_uptime_get() >= next_tick) {
      pb_badge_tick();
      next_tick += 1000;
      if (next_tick < k_uptime_get()) next_tick = k_uptime_get() + 1000; /* a stall is not caught up */
      sending = radio_poll();
    }
  }
  return 0;
}
