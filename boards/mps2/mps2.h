/*
 * mps2.h: the mps2 board's own pieces (QEMU's `-M mps2-an386`, a Cortex-M4F
 * with ARM's CMSDK peripherals), shared by its files and nothing else.
 *
 * Peripherals used (addresses from the AN386 application note; QEMU's
 * hw/arm/mps2.c maps the same):
 *   0x40000000  CMSDK APB timer 0: a 32-bit down counter at the 25 MHz system clock
 *   0x40004000  CMSDK APB UART 0: QEMU's first serial port (-serial pty)
 */
#ifndef PB_MPS2_H
#define PB_MPS2_H

#include <stddef.h>
#include <stdint.h>

#define MPS2_SYSCLK_HZ 25000000u

/* uart.c: polled UART 0, no interrupts. */
void mps2_uart_init(void);
void mps2_uart_putc(uint8_t c);
/* The next received byte, or -1 when none is waiting. */
int mps2_uart_getc(void);
void mps2_uart_puts(const char *s);

/* clock.c: timer 0, free-running; ticks are 1/25,000,000 s (40 instructions under -icount shift=0). */
void mps2_clock_init(void);
uint64_t mps2_clock_ticks(void);
uint64_t mps2_clock_us(void);

/* startup.c: the C stack, painted at reset so its high-water mark can be read. */
uint8_t *mps2_stack_limit(void);
uint32_t mps2_stack_size(void);
uint32_t mps2_stack_high_water(void);

/* nor_flash.c: 1 when the badge's flash region reads as all zeros (nothing loaded it erased). */
int mps2_flash_blank_zero(void);

#endif /* PB_MPS2_H */
