/*
 * uart.c: CMSDK APB UART 0, polled: the serial port of port.h (the console
 * and the board RPC of docs/RPC.md).
 *
 * Polling loses nothing: QEMU's CMSDK UART holds one received byte and
 * stops reading its chardev while that byte waits, so a host that writes
 * while the core computes is held back by the pty, not dropped.
 */
#include "mps2.h"
#include "port.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10))

#define STATE_TX_FULL 1u
#define STATE_RX_FULL 2u
#define CTRL_TX_EN 1u
#define CTRL_RX_EN 2u

void mps2_uart_init(void)
{
  UART_BAUDDIV = MPS2_SYSCLK_HZ / 115200u; /* QEMU ignores the rate but wants a divider >= 16 */
  UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
}

void mps2_uart_putc(uint8_t c)
{
  while (UART_STATE & STATE_TX_FULL) {}
  UART_DATA = c;
}

int mps2_uart_getc(void)
{
  if (!(UART_STATE & STATE_RX_FULL)) return -1;
  return (int)(UART_DATA & 0xffu);
}

void mps2_uart_puts(const char *s)
{
  while (*s) mps2_uart_putc((uint8_t)*s++);
}

void port_serial_write(const uint8_t *buf, size_t len)
{
  for (size_t i = 0; i < len; i++) mps2_uart_putc(buf[i]);
}
