/*
 * mps2_platform.c: the functions of WAMR's platform_api_vmcore.h on the
 * mps2 board (see platform_internal.h for what they promise).
 *
 * Invariant: nothing here allocates. os_malloc and os_realloc return NULL:
 * with Alloc_With_Pool WAMR takes every byte from boards/common's pool, so a
 * call that reaches os_malloc is a bug to be seen (a refused load), never a
 * quiet heap growing into the stack.
 */
#include "platform_api_vmcore.h"
#include "platform_api_extension.h"
#include "mps2.h"

int bh_platform_init(void) { return 0; }
void bh_platform_destroy(void) {}

void *os_malloc(unsigned size) { (void)size; return NULL; }
void *os_realloc(void *ptr, unsigned size) { (void)ptr; (void)size; return NULL; }
void os_free(void *ptr) { (void)ptr; }

/* WAMR's messages (load errors, warnings) go to the console, CR LF ended lines.
 * 128 bytes a message: longer ones are cut, never written past the buffer. */
int os_vprintf(const char *format, va_list ap)
{
  char line[128];
  int n = vsnprintf(line, sizeof line, format, ap);
  if (n < 0) return n;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  for (size_t i = 0; i < len; i++) {
    if (line[i] == '\n') mps2_uart_putc('\r');
    mps2_uart_putc((uint8_t)line[i]);
  }
  return n;
}

int os_printf(const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  int n = os_vprintf(format, ap);
  va_end(ap);
  return n;
}

uint64 os_time_get_boot_microsecond(void) { return mps2_clock_us(); }

static korp_thread the_task;
korp_tid os_self_thread(void) { return &the_task; }

/* The lowest address the C stack may reach (startup.c paints and checks it). */
uint8 *os_thread_get_stack_boundary(void) { return mps2_stack_limit(); }

int os_mutex_init(korp_mutex *m) { *m = 0; return BHT_OK; }
int os_recursive_mutex_init(korp_mutex *m) { *m = 0; return BHT_OK; }
int os_mutex_destroy(korp_mutex *m) { (void)m; return BHT_OK; }
int os_mutex_lock(korp_mutex *m) { (void)m; return BHT_OK; }
int os_mutex_unlock(korp_mutex *m) { (void)m; return BHT_OK; }

/* No JIT or AOT code is made at run time (classic interpreter): mapping is pool memory. */
void *os_mmap(void *hint, size_t size, int prot, int flags)
{
  (void)hint; (void)prot; (void)flags;
  if ((uint64)size >= UINT32_MAX) return NULL;
  return BH_MALLOC((uint32)size);
}
void os_munmap(void *addr, size_t size) { (void)size; BH_FREE(addr); }
int os_mprotect(void *addr, size_t size, int prot) { (void)addr; (void)size; (void)prot; return 0; }
void os_dcache_flush(void) {}
