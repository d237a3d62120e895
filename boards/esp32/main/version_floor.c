/*
 * version_floor.c: port.h's app version floor on the ESP32 (docs/ABI.md,
 * "Rollback"): NVS, namespace "picobadge", key "app_floor" (u32). NVS is
 * started by main.c before anything loads the app. An NVS entry is written
 * and committed atomically (the old value stays until the new one is
 * complete), so a power cut leaves the old floor or the new one. No entry:
 * 0 (a new badge). NVS lives in its own partition, not in the badge's flash
 * region (the core's store).
 *
 * Known limit: main.c erases NVS when it has no free pages or comes from a
 * newer IDF (as ESP-IDF's examples do, for the Bluetooth controller's PHY
 * calibration); that erase resets the floor to 0. Nothing a peer can send
 * causes it; a physical attacker who can erase NVS can also reflash the
 * firmware, which the floor does not protect against.
 */
#include "nvs.h"
#include "port.h"

#define NAMESPACE "picobadge"
#define KEY "app_floor"

int port_version_floor_read(uint32_t *floor)
{
  nvs_handle_t h;
  esp_err_t err = nvs_open(NAMESPACE, NVS_READONLY, &h);
  if (err == ESP_ERR_NVS_NOT_FOUND) { *floor = 0; return 0; } /* the namespace is made by the first write */
  if (err != ESP_OK) return -1;
  uint32_t v = 0;
  err = nvs_get_u32(h, KEY, &v);
  nvs_close(h);
  if (err == ESP_ERR_NVS_NOT_FOUND) { *floor = 0; return 0; }
  if (err != ESP_OK) return -1;
  *floor = v;
  return 0;
}

int port_version_floor_write(uint32_t floor)
{
  nvs_handle_t h;
  if (nvs_open(NAMESPACE, NVS_READWRITE, &h) != ESP_OK) return -1;
  esp_err_t err = nvs_set_u32(h, KEY, floor);
  if (err == ESP_OK) err = nvs_commit(h);
  nvs_close(h);
  return err == ESP_OK ? 0 : -1;
}
