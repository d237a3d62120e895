// Which board is on a serial port, guessed from its USB vendor and product
// ids: the bridges ESP32 boards carry, Espressif's own USB-JTAG-serial,
// and the nRF52840 bootloaders badge makers meet.

import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join, dirname, delimiter } from 'node:path'
import { PortError } from '../rpc/transport.js'

export interface PortInfo { path: string, vendorId?: string, productId?: string, manufacturer?: string, serialNumber?: string }
export type BoardGuess = { board: 'esp32' | 'nrf52' | 'unknown', what: string }

const ID: Record<string, BoardGuess> = {
  '10c4:ea60': { board: 'esp32', what: 'ESP32 board (Silicon Labs CP210x USB-UART)' },
  '1a86:7523': { board: 'esp32', what: 'ESP32 board (WCH CH340 USB-UART)' },
  '1a86:55d4': { board: 'esp32', what: 'ESP32 board (WCH CH9102 USB-UART)' },
  '0403:6001': { board: 'esp32', what: 'ESP32 board (FTDI FT232R USB-UART)' },
  '0403:6015': { board: 'esp32', what: 'ESP32 board (FTDI FT231X USB-UART)' },
  '303a:1001': { board: 'esp32', what: 'ESP32-S3 / C3 (Espressif USB-JTAG-serial)' },
  '1915:521f': { board: 'nrf52', what: 'nRF52840 Dongle in its bootloader (Nordic)' },
  '1366:1015': { board: 'nrf52', what: 'nRF52840 DK (SEGGER J-Link)' },
  '1366:1051': { board: 'nrf52', what: 'nRF52840 DK (SEGGER J-Link)' }
}

/** A guess at the board behind a port. */
export function guessBoard (p: PortInfo): BoardGuess {
  const v = (p.vendorId ?? '').toLowerCase().padStart(4, '0')
  const d = (p.productId ?? '').toLowerCase().padStart(4, '0')
  const known = ID[`${v}:${d}`]
  if (known) return known
  if (v === '303a') return { board: 'esp32', what: `Espressif device (product ${d})` }
  if (v === '239a') {
    // Adafruit: bootloader product ids have the high byte clear, applications set 0x80.
    const pid = parseInt(d, 16)
    return { board: 'nrf52', what: (pid & 0x8000) ? `Adafruit board running an application (product ${d}); double-tap reset for its bootloader` : `Adafruit nRF52 board in its UF2 bootloader (product ${d})` }
  }
  return { board: 'unknown', what: p.manufacturer ? `${p.manufacturer} device` : 'unknown device' }
}

/** Whether a program is on the PATH (serialport's Linux listing spawns udevadm without an error handler: a missing one crashes the process). */
function onPath (program: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some(d => d !== '' && existsSync(join(d, program)))
}

/** The serial ports of a Linux system from sysfs, as serialport lists them, for systems without udevadm (containers, WSL). */
export function sysfsPorts (root = '/sys/class/tty'): PortInfo[] {
  let names: string[]
  try { names = readdirSync(root) } catch { throw new PortError(`cannot list serial ports: no udevadm, and ${root} is not readable; look for /dev/ttyUSB* or /dev/ttyACM* and pass --port`) }
  const read = (d: string, f: string) => { try { return readFileSync(join(d, f), 'utf8').trim() || undefined } catch { return undefined } }
  const ports: PortInfo[] = []
  for (const name of names.filter(n => /^(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)|rfcomm)/.test(n)).sort()) {
    if (!existsSync(join(root, name, 'device'))) continue // virtual ttys have no device
    const p: PortInfo = { path: `/dev/${name}` }
    // The USB device is an ancestor of the tty's device: the first folder up with idVendor.
    try {
      for (let d = realpathSync(join(root, name, 'device')); d !== dirname(d); d = dirname(d)) {
        const vendorId = read(d, 'idVendor')
        if (!vendorId) continue
        Object.assign(p, { vendorId, productId: read(d, 'idProduct'), manufacturer: read(d, 'manufacturer'), serialNumber: read(d, 'serial') })
        break
      }
    } catch {}
    ports.push(p)
  }
  return ports
}

/** The serial ports the system has, through `serialport` (through sysfs on a Linux without udevadm). */
export async function listPorts (): Promise<PortInfo[]> {
  if (process.platform === 'linux' && !onPath('udevadm')) return sysfsPorts()
  let SerialPort: { list (): Promise<PortInfo[]> }
  try {
    ({ SerialPort } = await import('serialport' as string))
  } catch {
    throw new PortError('listing serial ports needs the serialport package (npm install serialport)')
  }
  try { return await SerialPort.list() } catch (e) { throw new PortError(`cannot list serial ports: ${(e as Error).message}`) }
}
