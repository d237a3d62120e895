/* port_fuzz.c: port.h in RAM for the fuzz targets (see port_fuzz.h). */
#include "port_fuzz.h"
#include "port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTOR 4096u
#define WORD 4u
#define MAX_LINKS 65536u

static uint8_t flash[FUZZ_FLASH_SIZE];
static uint8_t snapshot[FUZZ_FLASH_SIZE];
static int64_t now_ms;
static const uint8_t *app_image;
static uint32_t app_len;
static uint8_t event_key[32];
/* 0: not up; else the link's ATT MTU. Indexed by handle (the core's handles are u16). */
static uint16_t link_mtu[MAX_LINKS];
static size_t serial_bytes;
/* Handles the badge asked to disconnect, not yet taken by the harness (a ring; a repeat is harmless). */
#define PENDING 64u
static uint16_t pending[PENDING];
static unsigned pending_head, pending_count;

static void bug(const char *what) {
  fprintf(stderr, "port_fuzz: %s\n", what);
  abort();
}

void port_fuzz_set_app(const uint8_t *image, uint32_t len, const uint8_t key[32]) {
  app_image = image;
  app_len = len;
  memcpy(event_key, key, 32);
}

void port_fuzz_set_time(int64_t local) {
  if (local < now_ms) bug("the harness moved time backwards");
  now_ms = local;
}

void port_fuzz_snapshot(void) { memcpy(snapshot, flash, sizeof flash); }

void port_fuzz_restore(void) {
  memcpy(flash, snapshot, sizeof flash);
  now_ms = 0;
  serial_bytes = 0;
  port_fuzz_forget_links();
}

void port_fuzz_link(uint16_t handle, uint16_t mtu, int up) { link_mtu[handle] = up ? mtu : 0; }
void port_fuzz_forget_links(void) {
  memset(link_mtu, 0, sizeof link_mtu);
  pending_head = pending_count = 0;
}

int port_fuzz_take_disconnect(uint16_t *handle) {
  if (pending_count == 0) return 0;
  *handle = pending[pending_head];
  pending_head = (pending_head + 1) % PENDING;
  pending_count--;
  return 1;
}
size_t port_fuzz_serial_bytes(void) { return serial_bytes; }

int64_t port_now_ms(void) { return now_ms; }

/* Deterministic, so a crash replays from its input alone. */
int port_entropy(uint8_t *buf, size_t len) {
  for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(0xa5 ^ (i * 29));
  return 0;
}

void port_flash_geometry(struct port_flash_geometry *out) {
  out->sector_size = SECTOR;
  out->word_size = WORD;
  out->region_size = FUZZ_FLASH_SIZE;
}

static int in_region(uint32_t addr, uint32_t len) { return addr <= FUZZ_FLASH_SIZE && len <= FUZZ_FLASH_SIZE - addr; }

int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len) {
  if (!in_region(addr, len)) return -1;
  memcpy(buf, flash + addr, len);
  return 0;
}

/* The store must never ask to set a bit back to 1 or to write unaligned: NOR parts cannot. */
int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len) {
  if (!in_region(addr, len) || addr % WORD || len % WORD) bug("flash program out of the region or unaligned");
  for (uint32_t i = 0; i < len; i++) {
    if (buf[i] & (uint8_t)~flash[addr + i]) bug("flash program sets a 0 bit back to 1 without an erase");
    flash[addr + i] &= buf[i];
  }
  return 0;
}

int port_flash_erase(uint32_t addr) {
  if (addr % SECTOR || addr >= FUZZ_FLASH_SIZE) bug("flash erase not on a sector of the region");
  memset(flash + addr, 0xff, SECTOR);
  return 0;
}

uint32_t port_app_size(void) { return app_len; }

int port_app_read(uint32_t offset, uint8_t *buf, uint32_t len) {
  if (offset > app_len || len > app_len - offset) return -1;
  memcpy(buf, app_image + offset, len);
  return 0;
}

const uint8_t *port_event_key(void) { return event_key; }

/* The app version floor in RAM: one load per run, so nothing to keep. */
static uint32_t version_floor;
int port_version_floor_read(uint32_t *floor) { *floor = version_floor; return 0; }
int port_version_floor_write(uint32_t floor) { version_floor = floor; return 0; }

void port_serial_write(const uint8_t *buf, size_t len) {
  (void)buf;
  serial_bytes += len;
}

int port_radio_advertise(const uint8_t *data, size_t len) {
  (void)data;
  if (len > 31) bug("an advertisement over 31 bytes");
  return 0;
}

int port_radio_connect(const uint8_t addr[6]) {
  (void)addr;
  return 0;
}

/* The connection ends now: no frame may go on it after this. */
int port_radio_disconnect(uint16_t handle) {
  link_mtu[handle] = 0;
  if (pending_count < PENDING) {
    pending[(pending_head + pending_count) % PENDING] = handle;
    pending_count++;
  }
  return 0;
}

int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len) {
  (void)frame;
  if (link_mtu[handle] == 0) bug("a frame on a link that is not up");
  if (len > (size_t)link_mtu[handle] - 3) bug("a frame longer than the link's MTU allows");
  return 0;
}

void port_radio_enable(int on) { (void)on; }

void port_show_stored(const uint8_t owner[32], uint32_t height) {
  (void)owner;
  (void)height;
}
