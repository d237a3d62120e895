// A simulated ESP32 on a virtual serial port, and synthetic ESP-IDF build
// folders, for the flashing tests.

import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SerialPortStream } from '@serialport/stream'
import { VirtualSerialBinding } from '../../host/flash/virtual-port.js'
import { SimulatedEsp32, type FaultHook } from '../../host/flash/esp32-rom.js'
import { writePartitionTable } from '../../host/flash/partition-writer.js'
import { PICOBADGE_PARTITION } from '../../host/flash/partitions.js'
import { Rng } from './rng.js'
import { signedImage, IMAGE_HEADER } from '../../host/image.js'

export function simulatedBoard (fault?: FaultHook): { chip: SimulatedEsp32, port: () => SerialPortStream } {
  const binding = new VirtualSerialBinding()
  const chip = new SimulatedEsp32({ fault })
  binding.plug('/dev/ttySIM0', chip)
  return { chip, port: () => new SerialPortStream({ binding, path: '/dev/ttySIM0', baudRate: 115200, autoOpen: false }) }
}

export const APP_PARTITION = { offset: 0x110000, size: 0x40000 }

export function randomBytes (n: number, seed: number): Uint8Array {
  const r = new Rng(seed)
  const out = new Uint8Array(n)
  // Half random, half runs, so deflate has something to do but the data is not trivial.
  for (let i = 0; i < n; i++) out[i] = i % 64 < 32 ? r.int(256) : (i >> 6) & 0xff
  return out
}

export interface SyntheticBuild {
  dir: string
  bootloader: Uint8Array
  table: Uint8Array
  app: Uint8Array
  image: Uint8Array
  imagePath: string
}

/**
 * Writes what `idf.py build` leaves in a build folder (tools/cmake/flash_targets.cmake):
 * bootloader/bootloader.bin @0x1000, partition_table/partition-table.bin @0x8000, the app @0x10000,
 * and flasher_args.json naming them with their offsets and the flash settings.
 */
export function writeIdfBuild (dir: string, f: { bootloader: Uint8Array, table: Uint8Array, app: Uint8Array, appFile: string }): void {
  mkdirSync(join(dir, 'bootloader'))
  mkdirSync(join(dir, 'partition_table'))
  writeFileSync(join(dir, 'bootloader', 'bootloader.bin'), f.bootloader)
  writeFileSync(join(dir, 'partition_table', 'partition-table.bin'), f.table)
  writeFileSync(join(dir, f.appFile), f.app)
  writeFileSync(join(dir, 'flasher_args.json'), JSON.stringify({
    write_flash_args: ['--flash_mode', 'dio', '--flash_size', '4MB', '--flash_freq', '40m'],
    flash_settings: { flash_mode: 'dio', flash_size: '4MB', flash_freq: '40m' },
    flash_files: { '0x1000': 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0x10000': f.appFile },
    bootloader: { offset: '0x1000', file: 'bootloader/bootloader.bin', encrypted: 'false' },
    app: { offset: '0x10000', file: f.appFile, encrypted: 'false' },
    'partition-table': { offset: '0x8000', file: 'partition_table/partition-table.bin', encrypted: 'false' },
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: 'esp32' }
  }, null, 2))
}

/** An ESP-IDF-shaped build folder: bootloader @0x1000, partition table @0x8000, app @0x10000, flasher_args.json. */
export function syntheticBuild (opts: { withPicobadge?: boolean, imageSize?: number } = {}): SyntheticBuild {
  const dir = mkdtempSync(join(tmpdir(), 'picobadge-esp32-'))
  const bootloader = randomBytes(0x5123, 1)
  bootloader[0] = 0xe9 // ESP image magic, as a real bootloader.bin starts
  const parts = [
    { label: 'nvs', type: 0x01, subtype: 0x02, offset: 0x9000, size: 0x6000 },
    { label: 'phy_init', type: 0x01, subtype: 0x01, offset: 0xf000, size: 0x1000 },
    { label: 'factory', type: 0x00, subtype: 0x00, offset: 0x10000, size: 0x100000 }
  ]
  if (opts.withPicobadge ?? true) parts.push({ label: PICOBADGE_PARTITION.label, type: PICOBADGE_PARTITION.type, subtype: PICOBADGE_PARTITION.subtype, ...APP_PARTITION })
  const table = writePartitionTable(parts)
  const app = randomBytes(0x2a345, 2)
  app[0] = 0xe9
  writeIdfBuild(dir, { bootloader, table, app, appFile: 'badge.bin' })
  const image = unsignedImage(opts.imageSize ?? 0x3001, 3)
  const imagePath = join(dir, 'app.pbimg')
  writeFileSync(imagePath, image)
  return { dir, bootloader, table, app, image, imagePath }
}

/**
 * An app image of size bytes around a random module: its length and SHA-512
 * are right (the flash command checks them before touching a board), its
 * signature is zeros (only a badge, or --key, checks that).
 */
export function unsignedImage (size: number, seed: number): Uint8Array {
  return signedImage(randomBytes(size - IMAGE_HEADER, seed), () => new Uint8Array(64))
}
