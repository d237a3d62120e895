/*
 * pb_core.h: the core (build/core.wasm) under WAMR, for the rest of
 * boards/common. One runtime, one static pool, one instance at a time: the
 * resident verifier (build/verifier.wasm, linked into the firmware) runs
 * first, is freed, and only then is the app image loaded.
 *
 * Memory: pb_core_init hands WAMR one static pool (PB_WAMR_POOL bytes);
 * nothing calls malloc after that. The app image is copied into a static
 * buffer (PB_APP_MAX bytes) because WAMR's loader keeps pointers into it
 * (and the 2020 classic interpreter rewrites it): PB_APP_SLOTS of them (2 by
 * default, so a new image never overwrites the running app's; 1 on a board
 * that loads its app only at boot).
 */
#ifndef PICOBADGE_PB_CORE_H
#define PICOBADGE_PB_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifndef PB_WAMR_POOL
#define PB_WAMR_POOL (384 * 1024) /* a board sets its own: docs/ABI.md, "Firmware memory budget" */
#endif
#ifndef PB_APP_MAX
#define PB_APP_MAX (64 * 1024)
#endif
#ifndef PB_WASM_STACK
#define PB_WASM_STACK (6 * 1024) /* the interpreter's stack: classic overflowed at 2.5 KiB before HELLO proofs; a PROOF's signature in badge_frame needs more than 4 KiB, ran at 5 KiB (tests/sim-native.test.ts) */
#endif

enum pb_core_status {
  PB_CORE_OK = 0,
  PB_CORE_NO_EXPORT = -1001, /* no export by that name */
  PB_CORE_ARGC = -1002,      /* wrong argument count */
  PB_CORE_TRAP = -1003,      /* the core trapped; the instance was dropped and made again */
  PB_CORE_NOT_LOADED = -1004,
  PB_CORE_LOAD = -1005,      /* the module did not load or instantiate (message in pb_core_error) */
  PB_CORE_IMAGE = -1006      /* the app image failed its check (code in pb_core_image_code) */
};

/*
 * A board whose RAM has no single block of PB_WAMR_POOL bytes (the ESP32:
 * static DRAM ends at 160 KB and its heap comes in pieces) builds with
 * PB_CORE_BOARD_ALLOCATOR; WAMR then allocates through these instead of the
 * static pool. They must not reach the system allocator after start: the
 * board carves them out of memory it took once, before pb_core_init.
 */
#ifdef PB_CORE_BOARD_ALLOCATOR
void *pb_board_wamr_malloc(unsigned int size);
void *pb_board_wamr_realloc(void *ptr, unsigned int size);
void pb_board_wamr_free(void *ptr);
int64_t pb_board_wamr_high_water(void); /* bytes, or -1 */
#endif

/* Starts WAMR on its static pool and registers the env natives. Once per boot. */
int pb_core_init(void);

/*
 * Checks the app image in the app partition with the resident verifier,
 * against port_event_key() and the badge's version floor, then loads and
 * instantiates its module and raises the floor to its version. On failure
 * nothing of the image has run; the previous instance (if any) is kept.
 */
int pb_core_load_app(void);
/* The image check's code when pb_core_load_app returned PB_CORE_IMAGE (docs/ABI.md -80 .. -86; -86: rollback, the
 * image is older than the badge's version floor, pb_floor.h). After PB_CORE_OK, pb_core_error() is empty, or says
 * that the floor could not be raised (the app runs anyway). */
int pb_core_image_code(void);
/* The running app's version (its image header's), 0 when none runs. */
uint32_t pb_core_app_version(void);
/* A human line saying why the last load or call failed. */
const char *pb_core_error(void);

/* Drops the instance and makes a fresh one from the loaded, already verified module, as after a trap
 * (fresh linear memory; the flash region keeps what was written). PB_CORE_OK or a pb_core_status. */
int pb_core_restart(void);

/* Calls an export by name with i64 arguments (each converted to the export's parameter type).
 * PB_CORE_OK and *result, or a pb_core_status. After a trap the instance is made again (fresh memory). */
int pb_core_call(const char *name, const int64_t *args, uint32_t argc, int64_t *result);

/* The parameter count of an export of picobadge_abi.h, or PB_CORE_NO_EXPORT (lets the RPC refuse a call before it writes). */
int pb_core_arity(const char *name);

/* The core's I/O window: its address in linear memory, its size, and a native pointer to it. */
uint32_t pb_core_io(void);
uint32_t pb_core_io_cap(void);
uint8_t *pb_core_window(void);
uint32_t pb_core_memory_used(void);

/* RAM accounting for the README: the pool's high-water mark (bytes), or -1 when this WAMR cannot tell. */
int64_t pb_core_pool_high_water(void);

#endif /* PICOBADGE_PB_CORE_H */
