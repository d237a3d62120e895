/*
 * board.h: the ESP32 board's one event queue. NimBLE's host task and the
 * serial reader post here; the main task (main.c) takes events off and
 * makes every pb_* call (boards/common/port.h: common is not reentrant).
 */
#ifndef PICOBADGE_ESP32_BOARD_H
#define PICOBADGE_ESP32_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "picobadge_gatt.h"

#define BOARD_FRAME_MAX (PICOBADGE_ATT_MTU - 3) /* 244 */

enum board_event_kind {
  EV_SERIAL = 1, /* data: bytes read from the console UART */
  EV_ADVERT,     /* addr, data: a picobadge advertisement heard */
  EV_LINK_UP,    /* handle, mtu, central, addr: a link ready for frames both ways */
  EV_LINK_DOWN,  /* handle */
  EV_FRAME       /* handle, data: one frame received */
};

struct board_event {
  uint8_t kind;
  uint8_t central;
  uint16_t handle;
  uint16_t mtu;
  uint16_t len;
  uint16_t value_handle; /* EV_LINK_UP as central: the peer's sync characteristic */
  uint8_t addr[6];
  uint8_t data[BOARD_FRAME_MAX];
};

/* Posts from another task. A frame or a link change waits for room (the link layer holds the rest back); an advert
 * or serial bytes with wait = 0 are dropped when the queue is full (a scanner hears the next one; the RPC retries). */
void board_post(const struct board_event *ev, int wait);

/* port_esp32.c: partitions, key, UART. Once, before pb_core_init. 0 or < 0 (one line said why). */
int port_esp32_init(void);
/* radio_nimble.c: NimBLE up and synced, the GATT service registered. 0 or < 0. */
int radio_init(void);
/* radio_nimble.c, from the main task: a link up or down (before pb_badge_link_*), and the send queues' upkeep. */
void radio_link_opened(const struct board_event *ev);
void radio_link_closed(uint16_t handle);
/* Retries frames the stack had no room for; calls pb_badge_link_ready for links whose frames all went out.
 * Returns 1 while frames wait (the loop then polls again soon). */
int radio_poll(void);
/* wamr_heap.c: takes WAMR's two blocks from the heap, once. 0 or < 0. */
int wamr_heap_init(void);

#endif
