// `picobadge ports`: which board a USB serial device probably is.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { guessBoard, sysfsPorts } from '../host/flash/boards.js'
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

  it('lists ports from sysfs, with their USB ids, where there is no udevadm (containers, WSL)', () => {
    const sys = mkdtempSync(join(tmpdir(), 'sysfs-'))
    const usb = join(sys, 'devices/pci0000:00/usb1/1-1'), iface = join(usb, '1-1:1.0'), tty = join(sys, 'class/tty')
    mkdirSync(join(iface, 'ttyUSB0'), { recursive: true })
    for (const [f, v] of [['idVendor', '10c4'], ['idProduct', 'ea60'], ['manufacturer', 'Silicon Labs'], ['serial', '0001']]) writeFileSync(join(usb, f), v + '\n')
    for (const n of ['ttyUSB0', 'tty1', 'ptmx']) mkdirSync(join(tty, n), { recursive: true })
    symlinkSync(iface, join(tty, 'ttyUSB0', 'device'))
    expect(sysfsPorts(tty)).toEqual([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', manufacturer: 'Silicon Labs', serialNumber: '0001' }])
    expect(() => sysfsPorts(join(sys, 'nothing'))).toThrow(/no udevadm, and .* is not readable; look for \/dev\/ttyUSB\*/)
  })

  it('the command works without udevadm on the PATH: no uncaught spawn error', () => {
    const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
    const r = spawnSync(process.execPath, [cli, 'ports'], { encoding: 'utf8', env: { ...process.env, PATH: mkdtempSync(join(tmpdir(), 'nopath-')) } })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^(no serial ports|\/dev\/)/)
  })
})
