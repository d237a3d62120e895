// flashEsp32: write an ESP-IDF firmware and the badge's app image to an
// ESP32 through its serial bootloader, with esptool-js doing the protocol.
// This file is the Node side: it reads the build folder, the files and the
// image from disk (step 1, the plan: esp32-plan.ts) and opens the serial
// port; the session on the port (steps 2–4: esp32-session.ts) is the one a
// browser page (picobadge web) runs too.

import { readFileSync, existsSync } from 'node:fs'
import type { SerialPortStream } from '@serialport/stream'
import { NodeWebSerialPort, type WebSerialPortInfo } from './web-serial.js'
import { readBuildFolder, readRegionFile } from './flasher-args.js'
import { FlashError } from './errors.js'
import { ROM_BAUD } from './protocol.js'
import { planEsp32, type FlashPlan } from './esp32-plan.js'
import { flashEsp32Port, type FlashProgress, type FlashReport } from './esp32-session.js'

export { type FlashPlan } from './esp32-plan.js'
export { bootloaderMd5, type FlashProgress, type FlashReport, type FlashedRegion } from './esp32-session.js'

export interface FlashEsp32Options {
  /** A port path (/dev/ttyUSB0, COM3) or an opened-on-demand serialport stream (tests, custom bindings). */
  port: string | SerialPortStream
  portInfo?: WebSerialPortInfo
  /** An ESP-IDF build folder (with flasher_args.json). */
  build?: string
  /** Extra or replacement regions: offset → file. */
  files?: Array<{ offset: number, path: string }>
  /** The app image to write into the picobadge partition. */
  app?: string
  /** Write only the app image (the firmware regions are read just for their partition table). */
  appOnly?: boolean
  /** The event's public key: the app image's signature is checked before the board is touched (its length and SHA-512 always are). */
  eventKey?: Uint8Array
  /** Baud rate for the transfer (the ROM starts at 115200). */
  baud?: number
  /** Load esptool's flasher stub (default true, or what flasher_args.json says). */
  stub?: boolean
  onProgress?: (p: FlashProgress) => void
  log?: (line: string) => void
}

const hex = (n: number): string => `0x${n.toString(16)}`

/** Step 1: what to write where, from the files on disk, checked before the board is touched. */
export function planEsp32Flash (o: Pick<FlashEsp32Options, 'build' | 'files' | 'app' | 'appOnly' | 'stub' | 'eventKey'>): FlashPlan {
  const build = o.build ? { folder: readBuildFolder(o.build), name: o.build } : undefined
  const files = (o.files ?? []).map(f => readRegionFile(f.offset, f.path, `--file ${hex(f.offset)}=${f.path}`))
  if (o.appOnly && !o.app) throw new FlashError('--app-only needs --app IMAGE')
  let app: { path: string, data: Uint8Array } | undefined
  if (o.app) {
    if (!existsSync(o.app)) throw new FlashError(`the app image does not exist: ${o.app}`)
    app = { path: o.app, data: new Uint8Array(readFileSync(o.app)) }
  }
  return planEsp32({ build, files, app, appOnly: o.appOnly, stub: o.stub, eventKey: o.eventKey })
}

export async function flashEsp32 (o: FlashEsp32Options): Promise<FlashReport> {
  const plan = planEsp32Flash(o)
  // serialport's native binding is loaded only when a real port is opened, so the rest of the CLI never depends on it.
  const serial = typeof o.port === 'string' ? new (await import('serialport')).SerialPort({ path: o.port, baudRate: ROM_BAUD, autoOpen: false }) : o.port
  const device = new NodeWebSerialPort(serial, o.portInfo)
  return await flashEsp32Port(device, plan, { baud: o.baud, portName: typeof o.port === 'string' ? o.port : undefined, onProgress: o.onProgress, log: o.log })
}
