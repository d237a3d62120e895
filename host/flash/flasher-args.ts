// Reading an ESP-IDF build folder the way idf.py and every IDE do: through
// flasher_args.json, which the build writes next to the binaries:
//   flash_files:          { "0x1000": "bootloader/bootloader.bin", "0x8000": …, "0x10000": "app.bin" }
//   flash_settings:       { flash_mode, flash_size, flash_freq }
//   partition-table:      { offset, file }
//   extra_esptool_args:   { chip, stub, before, after }
// Every problem names the file and the key it is about.

import { readFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface FlashRegion { offset: number, path: string, data: Uint8Array }

export interface BuildFolder {
  regions: FlashRegion[]
  flashSettings: { flashMode: string, flashSize: string, flashFreq: string }
  partitionTableOffset?: number
  chip?: string
  stub: boolean
}

export class FlasherArgsError extends Error { override name = 'FlasherArgsError' }

export function parseOffset (text: unknown, where: string): number {
  const s = String(text).trim()
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^[0-9]+$/.test(s) ? parseInt(s, 10) : NaN
  if (!Number.isSafeInteger(n) || n < 0) throw new FlasherArgsError(`${where}: "${s}" is not a flash offset (write it like 0x10000)`)
  return n
}

export function readRegionFile (offset: number, path: string, where: string): FlashRegion {
  if (!existsSync(path)) throw new FlasherArgsError(`${where}: the file for 0x${offset.toString(16)} does not exist: ${path}`)
  const data = new Uint8Array(readFileSync(path))
  if (data.length === 0) throw new FlasherArgsError(`${where}: the file for 0x${offset.toString(16)} is empty: ${path}`)
  return { offset, path, data }
}

export function readBuildFolder (dir: string): BuildFolder {
  const file = join(resolve(dir), 'flasher_args.json')
  if (!existsSync(file)) throw new FlasherArgsError(`${dir} is not an ESP-IDF build folder: it has no flasher_args.json (run idf.py build, then point --build at the build/ folder)`)
  let json: any
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new FlasherArgsError(`${file} is not valid JSON (${(e as Error).message}); rebuild to regenerate it`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new FlasherArgsError(`${file}: expected a JSON object`)
  const files = json.flash_files
  if (files === null || typeof files !== 'object' || Array.isArray(files) || Object.keys(files).length === 0) {
    throw new FlasherArgsError(`${file}: "flash_files" is missing or empty; it should map offsets to binaries, like { "0x10000": "app.bin" }`)
  }
  const regions = Object.entries(files).map(([off, rel]) => {
    if (typeof rel !== 'string' || rel === '') throw new FlasherArgsError(`${file}: flash_files["${off}"] should be a file name, got ${JSON.stringify(rel)}`)
    return readRegionFile(parseOffset(off, `${file}: flash_files key`), join(resolve(dir), rel), file)
  }).sort((a, b) => a.offset - b.offset)
  const fs = json.flash_settings ?? {}
  const extra = json.extra_esptool_args ?? {}
  const pt = json['partition-table']
  return {
    regions,
    flashSettings: { flashMode: str(fs.flash_mode, 'keep'), flashSize: str(fs.flash_size, 'keep'), flashFreq: str(fs.flash_freq, 'keep') },
    partitionTableOffset: pt?.offset !== undefined ? parseOffset(pt.offset, `${file}: "partition-table".offset`) : undefined,
    chip: typeof extra.chip === 'string' ? extra.chip : undefined,
    stub: extra.stub !== false
  }
}

const str = (v: unknown, dflt: string): string => typeof v === 'string' && v !== '' ? v : dflt
