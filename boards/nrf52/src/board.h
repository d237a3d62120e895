/*
 * board.h: the nRF52 board's one event queue. Bluetooth callbacks (on
 * Zephyr's Bluetooth threads) post here; the main thread (main.c) takes
 * events off and makes every pb_* call (boards/common/port.h: common is not
 * reentrant). The UART's interrupt fills a ring the main thread drains.
 */
#ifndef PICOBADGE_NRF52_BOARD_H
#define PICOBADGE_NRF52_BOARD_H

#include <stdint.h>

#include "picobadge_gatt.h"

#define BOARD_FRAME_MAX (PICOBADGE_ATT_MTU - 3) /* 244 */

enum board_event_kind {
  EV_WAKE = 1,  /* something for radio_poll or the serial ring */
  EV_ADVERT,    /* addr, data */
  EV_LINK_UP,   /* handle, mtu, central, addr, value_handle */
  EV_LINK_DOWN, /* handle */
  EV_FRAME      /* handle, data */
};

struct board_event {
  uint8_t kind;
  uint8_t central;
  uint16_t handle;
  uint16_t mtu;
  uint16_t len;
  uint16_t value_handle;
  uint8_t addr[6];
  uint8_t data[BOARD_FRAME_MAX];
};

/* From a Bluetooth thread: frames and link changes wait for room; adverts and wakes are dropped when it is full. */
void board_post(const struct board_event *ev, int wait);

int port_nrf52_init(void);        /* port_zephyr.c: partitions, key, UART. 0 or < 0 (one line said why) */
void port_nrf52_serial_poll(void); /* port_zephyr.c: the bytes the UART received, to pb_rpc_feed */
int radio_init(void);             /* radio_zephyr.c */
void radio_link_opened(const struct board_event *ev);
void radio_link_closed(uint16_t handle);
int radio_poll(void);             /* 1 while frames wait for the stack's buffers */

#endif
