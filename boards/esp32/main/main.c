/*
 * main.c: the ESP32 board's main task. Brings up the partitions, WAMR and
 * the core, NimBLE, then loops: events from the queue (board.h) go to
 * boards/common one at a time, the badge ticks every second, and the radio's
 * send queues are kept moving.
 *
 * A refused app image is a clear error state: the reason is printed once,
 * the badge does not start, and the RPC keeps answering (HELLO) so the
 * desk tool can see the board.
 */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "sdkconfig.h"

#include "board.h"
#include "pb_badge.h"
#include "pb_core.h"
#include "pb_rpc.h"
#include "port.h"

#define QUEUE_DEPTH 24 /* 24 x 262 bytes, static: 4 frames on each of 3 links, with room for adverts and serial */

static StaticQueue_t queue_state;
static uint8_t queue_storage[QUEUE_DEPTH * sizeof(struct board_event)];
static QueueHandle_t queue;
static struct board_event ev; /* the one being handled: static, not on the main task's stack */

void board_post(const struct board_event *e, int wait)
{
  xQueueSend(queue, e, wait ? portMAX_DELAY : 0);
}

static void say(const char *line)
{
  port_serial_write((const uint8_t *)line, strlen(line));
}

static void handle(const struct board_event *e)
{
  switch (e->kind) {
  case EV_SERIAL: pb_rpc_feed(e->data, e->len); break;
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
  default: break;
  }
}

void app_main(void)
{
  char line[128];
  queue = xQueueCreateStatic(QUEUE_DEPTH, sizeof(struct board_event), queue_storage, &queue_state);

  /* The Bluetooth controller keeps its PHY calibration in NVS. */
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    nvs_flash_erase();
    err = nvs_flash_init();
  }
  if (err != ESP_OK) printf("picobadge-esp32: NVS did not start (%s); Bluetooth may not either\n", esp_err_to_name(err));

  if (port_esp32_init() < 0 || wamr_heap_init() < 0) {
    for (;;) vTaskDelay(portMAX_DELAY); /* the line saying why is out; nothing can run */
  }
  /* From here on the console UART is the RPC's: the IDF's own log only for errors. */
  esp_log_level_set("*", ESP_LOG_ERROR);
  pb_rpc_init(CONFIG_PICOBADGE_BOARD_NAME);

  int image_ok = 0;
  if (pb_core_init() != PB_CORE_OK) {
    snprintf(line, sizeof line, "picobadge-esp32: %s\r\n", pb_core_error());
    say(line);
  } else if (pb_core_load_app() != PB_CORE_OK) {
    snprintf(line, sizeof line, "picobadge-esp32: %s\r\n", pb_core_error());
    say(line);
  } else {
    image_ok = 1;
    if (pb_core_error()[0]) { /* the app runs, but its version could not be kept as the floor (docs/ABI.md, "Rollback") */
      snprintf(line, sizeof line, "picobadge-esp32: %s\r\n", pb_core_error());
      say(line);
    }
  }

  /* The radio also makes esp_fill_random a true RNG (RF noise), before the badge first asks for entropy. */
  if (radio_init() < 0) say("picobadge-esp32: Bluetooth did not start; the RPC still answers\r\n");
  else if (image_ok) {
    int rc = pb_badge_start(0);
    if (rc < 0) {
      snprintf(line, sizeof line, "picobadge-esp32: the badge did not start (%d); the RPC still answers\r\n", rc);
      say(line);
    }
  }
  snprintf(line, sizeof line, "picobadge-esp32: booted, RPC ready (%s)\r\n", CONFIG_PICOBADGE_BOARD_NAME);
  say(line);

  int64_t next_tick = port_now_ms() + 1000;
  int sending = 0;
  for (;;) {
    TickType_t wait;
    if (sending) wait = pdMS_TO_TICKS(10); /* frames wait for the stack's buffers */
    else if (pb_badge_running()) {
      int64_t ms = next_tick - port_now_ms();
      wait = ms <= 0 ? 0 : pdMS_TO_TICKS(ms);
    } else wait = portMAX_DELAY;
    if (xQueueReceive(queue, &ev, wait) == pdTRUE) handle(&ev);
    sending = radio_poll();
    if (pb_badge_running() && port_now_ms() >= next_tick) {
      pb_badge_tick();
      next_tick += 1000;
      if (next_tick < port_now_ms()) next_tick = port_now_ms() + 1000; /* a stall is not caught up */
      sending = radio_poll();
    }
  }
}
