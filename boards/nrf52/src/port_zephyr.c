/*
 * port_zephyr.c: port.h on the nRF52840 under Zephyr, all but the radio
 * (radio_zephyr.c): the flash map's storage partition as the badge's flash
 * region, picobadge_partition as the app image (memory-mapped: an AOT image
 * runs from it in place, PB_APP_XIP), the event key from Kconfig, the
 * hardware RNG, the uptime clock, and the RPC's UART (the chosen
 * picobadge,rpc-uart: UART0 on the DK, USB CDC ACM on the Feather).
 * The app version floor (docs/ABI.md, "Rollback") is the last 4 KiB page
 * of picobadge_partition, a boards/common/floor_log.c sector: the image
 * holds at most the partition less that page (host/flash/nrf52.ts refuses a
 * larger one), so writing an image never reaches the floor, and the badge's
 * flash region stays the core's alone.
 *
 * Invariants:
 *   - Every flash access is bounds-checked here against its partition, so
 *     the core cannot reach the firmware, the app image or the bootloader.
 *   - The nRF52840's flash programs by clearing bits in 4-byte words and
 *     erases 4 KiB pages: port.h's NOR rules as they are.
 *   - rx_ring is written only by the UART interrupt and read only by the
 *     main thread (port_nrf52_serial_poll), each under irq_lock for the
 *     ring's indices.
 */
#include <stdio.h>
#include <string.h>

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/entropy.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>
#include <zephyr/storage/flash_map.h>
#include <zephyr/sys/ring_buffer.h>

#include "board.h"
#include "pb_rpc.h"
#include "pb_floor_log.h"
#include "pb_hex.h"
#include "pb_console.h"
#include "port.h"

#define SECTOR 4096u
#define WORD 4u

static const struct flash_area *region;
static const struct flash_area *app;
static uint8_t event_key[32];
static const struct device *const uart = DEVICE_DT_GET(DT_CHOSEN(picobadge_rpc_uart));
static const struct device *const rng = DEVICE_DT_GET(DT_CHOSEN(zephyr_entropy));
RING_BUF_DECLARE(rx_ring, 4096); /* one RPC frame (4 KiB decoded) while the main thread is busy */

/* ---- the flash region ----------------------------------------------------------------- */

void port_flash_geometry(struct port_flash_geometry *out)
{
  out->sector_size = SECTOR;
  out->word_size = WORD;
  out->region_size = region ? (uint32_t)(region->fa_size / SECTOR * SECTOR) : 0;
}

static int in_region(uint32_t addr, uint32_t len) { return region && (uint64_t)addr + len <= region->fa_size; }

int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len)) return -1;
  return flash_area_read(region, (off_t)addr, buf, len) == 0 ? 0 : -1;
}

int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len)
{
  if (!in_region(addr, len) || addr % WORD || len % WORD) return -1;
  return flash_area_write(region, (off_t)addr, buf, len) == 0 ? 0 : -1;
}

int port_flash_erase(uint32_t addr)
{
  if (!in_region(addr, SECTOR) || addr % SECTOR) return -1;
  return flash_area_erase(region, (off_t)addr, SECTOR) == 0 ? 0 : -1;
}

/* ---- the app image and the event key --------------------------------------------------- */

/* The app partition less its last page, the version floor's. */
uint32_t port_app_size(void) { return app && app->fa_size > 2 * SECTOR ? (uint32_t)app->fa_size - SECTOR : 0; }

int port_app_read(uint32_t offset, uint8_t *buf, uint32_t len)
{
  if (!app || (uint64_t)offset + len > port_app_size()) return -1;
  return flash_area_read(app, (off_t)offset, buf, len) == 0 ? 0 : -1;
}

/* ---- the app version floor: the partition's last page ------------------------------------- */

static int floor_rd(uint32_t off, uint8_t *buf, uint32_t len)
{
  if (!port_app_size() || (uint64_t)off + len > SECTOR) return -1;
  return flash_area_read(app, (off_t)(port_app_size() + off), buf, len) == 0 ? 0 : -1;
}

static int floor_pg(uint32_t off, const uint8_t *buf, uint32_t len)
{
  if (!port_app_size() || (uint64_t)off + len > SECTOR || off % WORD || len % WORD) return -1;
  return flash_area_write(app, (off_t)(port_app_size() + off), buf, len) == 0 ? 0 : -1;
}

static int floor_er(void)
{
  if (!port_app_size()) return -1;
  return flash_area_erase(app, (off_t)port_app_size(), SECTOR) == 0 ? 0 : -1;
}

static const struct pb_floor_sector floor_sector = { SECTOR, floor_rd, floor_pg, floor_er };

int port_version_floor_read(uint32_t *floor) { return pb_floor_log_read(&floor_sector, floor); }
int port_version_floor_write(uint32_t floor) { return pb_floor_log_write(&floor_sector, floor); }

/* The nRF52840's internal flash is mapped at its own addresses from 0. */
const uint8_t *port_app_mapped(void)
{
  return app ? (const uint8_t *)(uintptr_t)(DT_REG_ADDR(DT_NODELABEL(flash0)) + app->fa_off) : NULL;
}

const uint8_t *port_event_key(void) { return event_key; }

static int parse_key(const char *hex)
{
  if (strlen(hex) != 64) return -1;
  return pb_hex_key(hex, event_key);
}

/* ---- clock, entropy, display ------------------------------------------------------------- */

int64_t port_now_ms(void) { return k_uptime_get(); }

int port_entropy(uint8_t *buf, size_t len)
{
  while (len) {
    uint16_t n = len > 256 ? 256 : (uint16_t)len;
    if (entropy_get_entropy(rng, buf, n) != 0) return -1;
    buf += n;
    len -= n;
  }
  return 0;
}

void port_show_stored(const uint8_t owner[32], uint32_t height) { pb_console_stored(owner, height); }

/* ---- serial -------------------------------------------------------------------------------- */

void port_serial_write(const uint8_t *buf, size_t len)
{
  for (size_t i = 0; i < len; i++) uart_poll_out(uart, buf[i]);
}

static void uart_isr(const struct device *dev, void *user)
{
  (void)user;
  int woke = 0;
  while (uart_irq_update(dev) && uart_irq_rx_ready(dev)) {
    uint8_t chunk[32];
    int n = uart_fifo_read(dev, chunk, sizeof chunk);
    if (n <= 0) break;
    woke |= ring_buf_is_empty(&rx_ring);
    ring_buf_put(&rx_ring, chunk, (uint32_t)n); /* a full ring drops bytes: the RPC's CRC refuses the frame, the host retries */
  }
  if (woke) {
    static const struct board_event wake = { .kind = EV_WAKE };
    board_post(&wake, 0);
  }
}

void port_nrf52_serial_poll(void)
{
  uint8_t chunk[128];
  for (;;) {
    unsigned int key = irq_lock();
    uint32_t n = ring_buf_get(&rx_ring, chunk, sizeof chunk);
    irq_unlock(key);
    if (n == 0) return;
    pb_rpc_feed(chunk, n);
  }
}

int port_nrf52_init(void)
{
  if (!device_is_ready(uart)) return -1; /* no way to say so: the RPC's port is the console */
  uart_irq_callback_user_data_set(uart, uart_isr, NULL);
  uart_irq_rx_enable(uart);
  if (flash_area_open(FIXED_PARTITION_ID(storage_partition), &region) != 0 || region->fa_size < 4 * SECTOR) {
    static const char msg[] = "picobadge-nrf52: no usable storage_partition for the badge's flash region (boards/nrf52/boards/*.overlay)\r\n";
    port_serial_write((const uint8_t *)msg, sizeof msg - 1);
    return -1;
  }
  if (flash_area_open(FIXED_PARTITION_ID(picobadge_partition), &app) != 0) {
    static const char msg[] = "picobadge-nrf52: no picobadge_partition for the app image (boards/nrf52/boards/*.overlay)\r\n";
    port_serial_write((const uint8_t *)msg, sizeof msg - 1);
    return -1;
  }
  if (!device_is_ready(rng) || parse_key(CONFIG_PICOBADGE_EVENT_KEY) < 0) {
    static const char msg[] = "picobadge-nrf52: no entropy device, or CONFIG_PICOBADGE_EVENT_KEY is not 64 hex digits\r\n";
    port_serial_write((const uint8_t *)msg, sizeof msg - 1);
    return -1;
  }
  return 0;
}
