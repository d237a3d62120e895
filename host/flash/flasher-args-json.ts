// flasher_args.json, the file an ESP-IDF build writes next to its binaries,
// read from its text: where the files come from is the caller's (a build
// folder on disk in the CLI, files picked in a browser page for picobadge
// web), so both read it with this one function.
//   flash_files:          { "0x1000": "bootloader/bootloader.bin", "0x8000": …, "0x10000": "app.bin" }
//   flash_settings:       { flash_mode, flash_size, flash_freq }
//   partition-table:      { offset, file }
//   extra_esptool_args:   { chip, stub, before, after }
// Every problem names the file and the key it is about.

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

/**
 * The build described by flasher_args.json's text; `file` names it in
 * errors, and `region(offset, name)` fetches each binary it lists (by the
 * name relative to the build folder) or throws FlasherArgsError.
 */
export function parseFlasherArgs (text: string, file: string, region: (offset: number, name: string) => FlashRegion): BuildFolder {
  let json: any
  try {
    json = JSON.parse(text)
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
    return region(parseOffset(off, `${file}: flash_files key`), rel)
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

/** A region's bytes, refused when empty (an empty file is a broken build, never something to flash). */
export function regionOf (offset: number, path: string, data: Uint8Array, where: string): FlashRegion {
  if (data.length === 0) throw new FlasherArgsError(`${where}: the file for 0x${offset.toString(16)} is empty: ${path}`)
  return { offset, path, data }
}

const str = (v: unknown, dflt: string): string => typeof v === 'string' && v !== '' ? v : dflt
