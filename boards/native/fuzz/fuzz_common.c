/* fuzz_common.c: one badge for the fuzz targets (see fuzz_common.h). */
#include "fuzz_common.h"
#include "port_fuzz.h"
#include "pb_hex.h"
#include "port.h"
#include "pb_core.h"
#include "pb_badge.h"
#include "pb_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t image[80 * 1024];

static void die(const char *what) {
  fprintf(stderr, "fuzz: %s\n", what);
  exit(2);
}

void fuzz_setup(void) {
  const char *path = getenv("PICOBADGE_FUZZ_APP");
  const char *hex = getenv("PICOBADGE_FUZZ_KEY");
  if (!path || !hex) die("set PICOBADGE_FUZZ_APP (a signed app image) and PICOBADGE_FUZZ_KEY (its event key, hex); scripts/native.mjs does");
  uint8_t key[32];
  if (strlen(hex) != 64) die("PICOBADGE_FUZZ_KEY: 64 hex digits");
  if (pb_hex_key(hex, key) < 0) die("PICOBADGE_FUZZ_KEY: not hex");
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open PICOBADGE_FUZZ_APP");
  size_t n = fread(image, 1, sizeof image, f);
  fclose(f);
  port_fuzz_set_app(image, (uint32_t)n, key);
  /* Erased flash, then one start makes the identity; that state is what every input starts from. */
  for (uint32_t a = 0; a < FUZZ_FLASH_SIZE; a += 4096) port_flash_erase(a);
  if (pb_core_init() != PB_CORE_OK) die("pb_core_init failed");
  if (pb_core_load_app() != PB_CORE_OK) { fprintf(stderr, "fuzz: %s\n", pb_core_error()); exit(2); }
  if (pb_badge_start(0) < 0) die("pb_badge_start failed");
  pb_badge_stop();
  port_fuzz_snapshot();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_setup();
  return 0;
}

void fuzz_reset(void) {
  port_fuzz_restore();
  if (pb_core_restart() != PB_CORE_OK) die("pb_core_restart failed");
  pb_rpc_init("fuzz");
  if (pb_badge_start(0) < 0) die("pb_badge_start failed after a reset");
}

uint8_t fuzz_u8(struct fuzz_input *in) {
  if (in->left == 0) return 0;
  in->left--;
  return *in->p++;
}

uint16_t fuzz_u16(struct fuzz_input *in) {
  uint16_t lo = fuzz_u8(in);
  return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

size_t fuzz_bytes(struct fuzz_input *in, size_t max, const uint8_t **out) {
  size_t n = max < in->left ? max : in->left;
  *out = in->p;
  in->p += n;
  in->left -= n;
  return n;
}
