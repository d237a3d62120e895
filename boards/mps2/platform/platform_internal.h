/*
 * platform_internal.h: WAMR's platform layer for the mps2 board (bare
 * metal, one task, no OS). WAMR's core/shared/platform/include headers
 * include this file by name; boards/mps2/CMakeLists.txt puts this folder
 * on the include path in place of one of WAMR's own platform folders, so
 * the fetched WAMR tree is used as it is.
 *
 * What it promises WAMR: no threads (a mutex is a no-op, there is one
 * task), no malloc (os_malloc refuses; WAMR allocates from the pool that
 * boards/common/core.c hands to wasm_runtime_full_init), os_printf to the
 * board's UART, time from the board's clock.
 */
#ifndef PB_MPS2_PLATFORM_INTERNAL_H
#define PB_MPS2_PLATFORM_INTERNAL_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BH_PLATFORM_PB_MPS2
#define BH_PLATFORM_PB_MPS2
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * 1024)
#define BH_THREAD_DEFAULT_PRIORITY 0

/* One task: a thread id is a constant, a mutex a counter nobody waits on. */
typedef int korp_thread;
typedef korp_thread *korp_tid;
typedef int korp_mutex;
typedef int korp_cond;

int os_printf(const char *format, ...);
int os_vprintf(const char *format, va_list ap);

#endif /* PB_MPS2_PLATFORM_INTERNAL_H */
