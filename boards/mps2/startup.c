/*
 * startup.c: reset and faults for the Cortex-M4F of mps2-an386. The vector
 * table, .data copied from the code region, .bss zeroed, the FPU turned on
 * (the firmware is built for the hard-float ABI), the C stack painted so its
 * high-water mark can be read, then main. No interrupt is enabled: the
 * board polls (clock.c, uart.c).
 *
 * Symbols from mps2.ld: __data_load, __data_start, __data_end, __bss_start,
 * __bss_end, __stack_limit, __stack_top.
 */
#include <stdint.h>

#include "mps2.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
extern int main(void);

#define STACK_PAINT 0x5a5aa5a5u
#define SCB_CPACR (*(volatile uint32_t *)0xe000ed88u)
#define SCB_CFSR (*(volatile uint32_t *)0xe000ed28u)
#define SCB_HFSR (*(volatile uint32_t *)0xe000ed2cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xe000ed34u)
#define SCB_BFAR (*(volatile uint32_t *)0xe000ed38u)

static void hex32(uint32_t v)
{
  static const char digits[] = "0123456789abcdef";
  for (int s = 28; s >= 0; s -= 4) mps2_uart_putc((uint8_t)digits[(v >> s) & 0xf]);
}

/* A fault is a firmware bug: one line on the console, then the board stops (the host sees silence). */
static void fault(const char *what)
{
  mps2_uart_init();
  mps2_uart_puts("\r\npicobadge-mps2: ");
  mps2_uart_puts(what);
  mps2_uart_puts(" CFSR=");
  hex32(SCB_CFSR);
  mps2_uart_puts(" HFSR=");
  hex32(SCB_HFSR);
  mps2_uart_puts(" BFAR=");
  hex32(SCB_BFAR);
  mps2_uart_puts(": the board stopped\r\n");
  for (;;) __asm__ volatile("wfi");
}

void HardFault_Handler(void) { fault("hard fault"); }
void MemManage_Handler(void) { fault("memory management fault"); }
void BusFault_Handler(void) { fault("bus fault"); }
void UsageFault_Handler(void) { fault("usage fault"); }
void Unexpected_Handler(void) { fault("unexpected interrupt"); }

__attribute__((noreturn)) void Reset_Handler(void)
{
  uint32_t *p;
  const uint32_t *s;
  for (p = __data_start, s = __data_load; p < __data_end;) *p++ = *s++;
  for (p = __bss_start; p < __bss_end;) *p++ = 0;
  SCB_CPACR |= 0xfu << 20; /* CP10 and CP11: full access to the FPU */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  /* Paint the stack below this frame: the deepest unpainted word is the high-water mark. */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (p = __stack_limit; p < sp - 16;) *p++ = STACK_PAINT;
  main();
  fault("main returned");
  for (;;) {}
}

uint8_t *mps2_stack_limit(void) { return (uint8_t *)__stack_limit; }
uint32_t mps2_stack_size(void) { return (uint32_t)((uint8_t *)__stack_top - (uint8_t *)__stack_limit); }

uint32_t mps2_stack_high_water(void)
{
  const uint32_t *p = __stack_limit;
  while (p < __stack_top && *p == STACK_PAINT) p++;
  return (uint32_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}

/* The Cortex-M vector table: the initial stack pointer, then the handlers. */
typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector vectors[16 + 32] = {
  (vector)(uintptr_t)__stack_top,
  Reset_Handler,
  Unexpected_Handler, /* NMI */
  HardFault_Handler,
  MemManage_Handler,
  BusFault_Handler,
  UsageFault_Handler,
  0, 0, 0, 0,
  Unexpected_Handler, /* SVCall */
  Unexpected_Handler, /* debug monitor */
  0,
  Unexpected_Handler, /* PendSV */
  Unexpected_Handler, /* SysTick */
  [16 ... 47] = Unexpected_Handler,
};
