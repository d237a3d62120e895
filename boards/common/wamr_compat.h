/*
 * wamr_compat.h: every difference between the WAMR releases boards/common
 * builds against, and nothing else. Two are known and tested:
 *
 *   - December 2020 (the sources vendored by crates.io's wamr-sys 0.1.1,
 *     what CI fetches): wasm_runtime_lookup_function takes a third argument
 *     (a signature; NULL accepts any), there is no LoadArgs, and the pool's
 *     high-water mark is only in the ems allocator's gc_heap_stats.
 *   - 2.x (2.4 checked): lookup takes two arguments and
 *     wasm_runtime_get_mem_alloc_info reports the high-water mark.
 *
 * 2.x's wasm_export.h defines LOAD_ARGS_OPTION_DEFINED next to LoadArgs;
 * the 2020 header has neither. That one macro tells them apart, so no build
 * system has to.
 */
#ifndef PICOBADGE_WAMR_COMPAT_H
#define PICOBADGE_WAMR_COMPAT_H

#include <stdint.h>
#include "wasm_export.h"

#if defined(LOAD_ARGS_OPTION_DEFINED)
#define PB_WAMR_2X 1
#else
#define PB_WAMR_2X 0
#endif

static inline wasm_function_inst_t pb_wamr_lookup(wasm_module_inst_t inst, const char *name)
{
#if PB_WAMR_2X
  return wasm_runtime_lookup_function(inst, name);
#else
  return wasm_runtime_lookup_function(inst, name, NULL);
#endif
}

#if !PB_WAMR_2X
/* The 2020 ems allocator (core/shared/mem-alloc/ems/ems_gc.h, not an installed
 * header): stats[2] is GC_STAT_HIGHMARK. Its heap structure sits at the
 * 8-byte-aligned start of the pool handed to wasm_runtime_full_init
 * (gc_init_with_pool), so the pool's address finds it. */
extern void *gc_heap_stats(void *heap, uint32_t *stats, int size);
#endif

/* The pool's high-water mark in bytes since wasm_runtime_full_init, or -1. */
static inline int64_t pb_wamr_pool_high_water(void *pool)
{
#if PB_WAMR_2X
  mem_alloc_info_t info;
  (void)pool;
  if (!wasm_runtime_get_mem_alloc_info(&info)) return -1;
  return (int64_t)info.highmark_size;
#else
  uint32_t stats[3] = { 0, 0, 0 };
  void *heap = (void *)(((uintptr_t)pool + 7) & ~(uintptr_t)7);
  gc_heap_stats(heap, stats, 3);
  return (int64_t)stats[2];
#endif
}

#endif /* PICOBADGE_WAMR_COMPAT_H */
