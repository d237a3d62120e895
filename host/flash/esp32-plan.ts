// Step 1 of flashing an ESP32 (host/flash/esp32.ts): what to write where,
// checked before the board is touched. It works on bytes already read, so
// `picobadge flash` (files on disk) and picobadge web (files picked in a
// page) plan, and refuse, alike:
//   - the firmware regions (a build's flasher_args.json, then file@offset
//     pairs replacing the build's file at that offset);
//   - the app image checked (length, SHA-512, and the signature given the
//     event key) and placed in the "picobadge" partition of the table;
//   - regions on 4 KiB sectors, sharing none (one's erase must never erase another).

import { type FlashRegion, FlasherArgsError, type BuildFolder } from './flasher-args-json.js'
import { parsePartitionTable, findAppPartition, PARTITION_TABLE_OFFSET, type Partition } from './partitions.js'
import { FlashError } from './errors.js'
import { FLASH_SECTOR_SIZE } from './protocol.js'
import { checkAppImage } from '../image-check.js'
import { COMMAND_ADVICE, type FlashAdvice } from './advice.js'

export interface FlashPlan {
  regions: FlashRegion[]
  appPartition?: Partition
  stub: boolean
  /** --app-only with no partition table at hand: the table is read from the board (stub only) before writing. */
  appFromBoard?: FlashRegion
  tableOffset: number
}

export interface Esp32PlanInput {
  /** A build folder's contents (flasher_args.json and the files it names), and what names it in errors. */
  build?: { folder: BuildFolder, name: string }
  /** Extra or replacement regions (each replaces the build's region at its offset). */
  files?: FlashRegion[]
  /** The app image, and the name it is known by (a path, a file picked in a page). */
  app?: { path: string, data: Uint8Array }
  appOnly?: boolean
  stub?: boolean
  eventKey?: Uint8Array
  /** What a refusal tells the user to give (default: the command's options). */
  advice?: FlashAdvice
}

const hex = (n: number): string => `0x${n.toString(16)}`

export function planEsp32 (o: Esp32PlanInput): FlashPlan {
  const advice = o.advice ?? COMMAND_ADVICE
  let regions: FlashRegion[] = []
  let stub = o.stub ?? true
  let tableOffset = PARTITION_TABLE_OFFSET
  if (o.build) {
    const b = o.build.folder
    if (b.chip && b.chip !== 'esp32') throw new FlasherArgsError(`${o.build.name}/flasher_args.json is a build for ${b.chip}, not esp32`)
    regions = b.regions
    stub = o.stub ?? b.stub
    tableOffset = b.partitionTableOffset ?? tableOffset
  }
  for (const f of o.files ?? []) {
    regions = regions.filter(r => r.offset !== f.offset)
    regions.push(f)
  }
  regions.sort((a, b) => a.offset - b.offset)
  if (o.appOnly && !o.app) throw new FlashError('--app-only needs --app IMAGE')
  let appPartition: Partition | undefined
  if (o.app) {
    const image = o.app.data
    if (image.length === 0) throw new FlashError(`the app image is empty: ${o.app.path}`)
    checkAppImage(image, o.app.path, o.eventKey, advice) // a board that would refuse it never gets it
    const table = regions.find(r => r.offset === tableOffset)
    if (!table) {
      if (!o.appOnly) throw new FlashError(`to place the app image I need the partition table (${hex(tableOffset)}): ${advice.table(hex(tableOffset))}`)
      if (!stub) throw new FlashError(`--app-only without a partition table reads it from the board, which needs the flasher stub: drop --no-stub, or give --build DIR or --file ${hex(tableOffset)}=partition-table.bin`)
      return { regions: [], stub, appFromBoard: { offset: -1, path: o.app.path, data: image }, tableOffset }
    }
    appPartition = appPartitionFor(table.data, table.path, o.app.path, image)
    const app = { offset: appPartition.offset, path: o.app.path, data: image }
    regions = o.appOnly ? [app] : [...regions.filter(r => r.offset !== app.offset), app].sort((a, b) => a.offset - b.offset)
  }
  if (regions.length === 0) throw new FlashError(`nothing to flash: ${advice.nothing}`)
  checkLayout(regions)
  return { regions, appPartition, stub, tableOffset }
}

/** The picobadge partition of a partition table, checked to hold the image. */
export function appPartitionFor (table: Uint8Array, source: string, imagePath: string, image: Uint8Array): Partition {
  const part = findAppPartition(parsePartitionTable(table, source), source)
  if (image.length > part.size) {
    throw new FlashError(`the app image ${imagePath} is ${image.length} bytes, larger than the "${part.label}" partition (${part.size} bytes at ${hex(part.offset)}); make the partition bigger in partitions.csv or the image smaller`)
  }
  return part
}

/** Regions start on a sector and share no sector: erasing one must never erase another. */
export function checkLayout (regions: FlashRegion[]): void {
  for (const r of regions) {
    if (r.offset % FLASH_SECTOR_SIZE) throw new FlashError(`${r.path} is to go at ${hex(r.offset)}, which is not on a 4 KiB sector boundary`)
  }
  for (let i = 1; i < regions.length; i++) {
    const a = regions[i - 1]; const b = regions[i]
    const aEnd = Math.ceil((a.offset + a.data.length) / FLASH_SECTOR_SIZE) * FLASH_SECTOR_SIZE
    if (aEnd > b.offset) throw new FlashError(`${a.path} (${hex(a.offset)}–${hex(a.offset + a.data.length)}) overlaps the sector of ${b.path} at ${hex(b.offset)}`)
  }
}
