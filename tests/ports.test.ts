// `picobadge ports`: which board a USB serial device probably is.

import { describe, it, expect } from 'vitest'
import { guessBoard } from '../host/flash/boards.js'
import { renderPorts } from '../host/commands/ports.js'

describe('picobadge ports', () => {
  it('recognises the USB-UART bridges of ESP32 boards, Espressif\'s USB-JTAG-serial, and nRF52840 bootloaders', () => {
    const cases: Array<[string, string, string]> = [
      ['10C4', 'EA60', 'esp32'], ['1a86', '7523', 'esp32'], ['1a86', '55d4', 'esp32'], ['0403', '6001', 'esp32'],
      ['303a', '1001', 'esp32'], ['303a', '0002', 'esp32'], ['239a', '0029', 'nrf52'], ['239a', '8029', 'nrf52'],
      ['1915', '521f', 'nrf52'], ['1366', '1015', 'nrf52'], ['2341', '0043', 'unknown']
    ]
    for (const [v, p, board] of cases) expect(guessBoard({ path: '/dev/x', vendorId: v, productId: p }).board, `${v}:${p}`).toBe(board)
    expect(guessBoard({ path: '/dev/x', vendorId: '239a', productId: '0029' }).what).toMatch(/UF2 bootloader/)
    expect(guessBoard({ path: '/dev/x', vendorId: '239a', productId: '8029' }).what).toMatch(/double-tap reset/)
    expect(guessBoard({ path: '/dev/ttyS0' }).board).toBe('unknown')
  })

  it('prints one line a port, and says what to check when there is none', () => {
    expect(renderPorts([])).toMatch(/no serial ports/)
    const out = renderPorts([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', serialNumber: '0001' }, { path: '/dev/ttyACM0', vendorId: '239a', productId: '0029' }])
    expect(out.split('\n').filter(Boolean)).toHaveLength(2)
    expect(out).toMatch(/\/dev\/ttyUSB0 +10c4:ea60 +esp32 +ESP32 board \(Silicon Labs CP210x USB-UART\) \(serial 0001\)/)
  })
})
