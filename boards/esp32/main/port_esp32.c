/*
 * port_esp32.c: port.h on the ESP32, all but the radio (radio_nimble.c):
 * the badge's flash region and the app image in partitions of their own
 * (partitions.csv), the event key from Kconfig, the hardware RNG, esp_timer,
 * and the console UART that carries the board RPC.
 *
 * Invariants:
 *   - The flash region is the `badge` partition (type 0x40, subtype 0x01),
 *     the app image the `picobadge` partition (0x40, 0x00); both are found
 *     once at start and every access is bounds-checked against them here,
 *     so the core cannot reach the firmware or the partition table.
 *   - SPI NOR programs by clearing bits, as port.h's flash rules say; the
 *     word size (4) is ours, kept so the same region could be encrypted.
 */
#include <stdio.h>
#include <string.h>

#include "driver/uart.h"
#include "esp_partition.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sdkconfig.h"

#include "board.h"
#include "pb_hex.h"
#include "pb_console.h"
#include "port.h"

#define SECTOR 4096u
#define WORD 4u
#define APP_TYPE 0x40
#define APP_SUBTYPE 0x00
#define REGION_SUBTYPE 0x01
#define CONSOLE UART_NUM_0
#define CONSOLE_RX_BUFFER 4096 /* one RPC frame (4 KiB decoded) can sit here while the main task is busy */

static const esp_partition_t *region;
static const esp_partition_t *app;
static uint8_t event_key[32];

/* ---- the flash region ----------------------------------------------------------------- */

void port_flash_geometry(struct port_flash_geometry *out)
{
  out->sector_size = SECTOR;
  out->word_size = WORD;
  out->region_size = region ? (uint32_t)(region->size / SECTOR * SECTOR) : 0;
}

static int in_region(uint32_t addr, uint32_t len)
{
  return region && (uint64_t)addr + len <= region->size;
}

int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len)) return -1;
  return esp_partition_read(region, addr, buf, len) == ESP_OK ? 0 : -1;
}

int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len) || addr % WORD || len % WORD) return -1;
  return esp_partition_write(region, addr, buf, len) == ESP_OK ? 0 : -1;
}

int port_flash_erase(uint32_t addr)
{
  if (!in_region(addr, SECTOR) || addr % SECTOR) return -1;
  return esp_partition_erase_range(region, addr, SECTOR) == ESP_OK ? 0 : -1;
}

/* ---- the app image and the event key --------------------------------------------------- */

uint32_t port_app_size(void) { return app ? (uint32_t)app->size : 0; }

int port_app_read(uint32_t offset, uint8_t *buf, uint32_t len)
{
  if (!app || (uint64_t)offset + len > app->size) return -1;
  return esp_partition_read(app, offset, buf, len) == ESP_OK ? 0 : -1;
}

const uint8_t *port_event_key(void) { return event_key; }

/* CONFIG_PICOBADGE_EVENT_KEY into event_key (main/CMakeLists.txt already refused anything but 64 hex digits). */
static int parse_key(const char *hex)
{
  if (strlen(hex) != 64) return -1;
  return pb_hex_key(hex, event_key);
}

/* ---- clock, entropy, display ------------------------------------------------------------- */

int64_t port_now_ms(void) { return esp_timer_get_time() / 1000; }

/* The RNG is a true RNG while the radio runs (main.c starts Bluetooth before the badge). */
int port_entropy(uint8_t *buf, size_t len)
{
  esp_fill_random(buf, len);
  return 0;
}

void port_show_stored(const uint8_t owner[32], uint32_t height) { pb_console_stored(owner, height); }

/* ---- serial: UART0, the console, shared by the board RPC (SLIP frames) and console lines ----- */

void port_serial_write(const uint8_t *buf, size_t len)
{
  while (len) {
    int n = uart_write_bytes(CONSOLE, (const char *)buf, len);
    if (n <= 0) return;
    buf += n;
    len -= (size_t)n;
  }
}

/* Reads the console and posts what arrives; frames are reassembled by the RPC in the main task. */
static void serial_reader(void *arg)
{
  static struct board_event e;
  (void)arg;
  for (;;) {
    int n = uart_read_bytes(CONSOLE, e.data, sizeof e.data, pdMS_TO_TICKS(20));
    if (n > 0) {
      e.kind = EV_SERIAL;
      e.len = (uint16_t)n;
      board_post(&e, 1); /* bytes of a request are never dropped: the reader waits for the main task */
    }
  }
}

int port_esp32_init(void)
{
  static StaticTask_t reader_state;
  static StackType_t reader_stack[3072 / sizeof(StackType_t)];
  if (uart_driver_install(CONSOLE, CONSOLE_RX_BUFFER, 0, 0, NULL, 0) != ESP_OK) {
    printf("picobadge-esp32: cannot take the console UART for the RPC\n");
    return -1;
  }
  xTaskCreateStatic(serial_reader, "pb_serial", sizeof reader_stack / sizeof reader_stack[0], NULL, 5, reader_stack, &reader_state);

  region = esp_partition_find_first((esp_partition_type_t)APP_TYPE, (esp_partition_subtype_t)REGION_SUBTYPE, "badge");
  app = esp_partition_find_first((esp_partition_type_t)APP_TYPE, (esp_partition_subtype_t)APP_SUBTYPE, "picobadge");
  if (!region || region->size < 4 * SECTOR || region->address % SECTOR) {
    printf("picobadge-esp32: no usable \"badge\" partition (type 0x40, subtype 0x01, at least 16 KiB, sector-aligned): flash the table of boards/esp32/partitions.csv\n");
    return -1;
  }
  if (!app) {
    printf("picobadge-esp32: no \"picobadge\" partition (type 0x40, subtype 0x00) for the app image: flash the table of boards/esp32/partitions.csv\n");
    return -1;
  }
  if (parse_key(CONFIG_PICOBADGE_EVENT_KEY) < 0) {
    printf("picobadge-esp32: CONFIG_PICOBADGE_EVENT_KEY is not 64 hex digits\n");
    return -1;
  }
  return 0;
}
