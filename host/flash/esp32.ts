// flashEsp32: write an ESP-IDF firmware and the badge's app image to an
// ESP32 through its serial bootloader, with esptool-js doing the protocol.
//
//   1. plan: the regions (from the build folder's flasher_args.json or
//      file@offset pairs), the picobadge partition from the partition
//      table, the app image checked against its size; refuse overlapping
//      or unaligned regions before touching the board;
//   2. connect: reset into the ROM bootloader over DTR/RTS, sync, detect the
//      chip (must be an ESP32), load the flasher stub (unless told not to),
//      raise the baud rate, attach the SPI flash, check the flash size;
//   3. write each region compressed, then check it with the bootloader's
//      MD5 of the flash against the MD5 of the file;
//   4. after the last region, check every region again (a later erase may
//      not spoil an earlier one), then hard-reset the board into the app.
// Anything that fails throws a FlashError naming the file and offset and
// saying the flash is incomplete; success is only returned when every
// region's MD5 matched.

import { createHash } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { ESPLoader, Transport, type HardReset } from 'esptool-js'
import type { SerialPortStream } from '@serialport/stream'
import { NodeWebSerialPort, type WebSerialPortInfo } from './web-serial.js'
import { readBuildFolder, readRegionFile, FlasherArgsError, type FlashRegion } from './flasher-args.js'
import { parsePartitionTable, findAppPartition, PARTITION_TABLE_OFFSET, PARTITION_TABLE_MAX, PartitionTableError, type Partition } from './partitions.js'
import { FlashError, describeBoardError } from './errors.js'
import { CMD, ROM_BAUD, FLASH_SECTOR_SIZE } from './protocol.js'
import { checkAppImage } from '../image-check.js'

export interface FlashProgress {
  /** 'connect', 'write', 'verify', 'done' */
  phase: string
  /** The file being written or checked, when there is one. */
  path?: string
  offset?: number
  /** 0…1 over the whole run's bytes. */
  fraction: number
}

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

export interface FlashedRegion { offset: number, path: string, size: number, md5: string }
export interface FlashReport { chip: string, stub: boolean, regions: FlashedRegion[], appPartition?: Partition }

/**
 * esptool-js's Transport prints some trace lines even with tracing off
 * (flash size, read-loop exits); ours prints them only when asked.
 */
class QuietTransport extends Transport {
  override trace (message: string): void { if (this.tracing) super.trace(message) }
}

/**
 * Reset into the app: EN pulled low through RTS for 100 ms, then released
 * with GPIO0 high. (esptool-js's own HardReset only releases RTS, which
 * resets nothing when RTS is already released, as it is after connecting;
 * esptool does the full pulse.)
 */
class PulseReset {
  usingUsbOtg = false
  constructor (readonly transport: Transport) {}
  async reset (): Promise<void> {
    await this.transport.setDTR(false)
    await this.transport.setRTS(true)
    await new Promise(resolve => setTimeout(resolve, 100))
    await this.transport.setRTS(false)
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex')

export interface FlashPlan {
  regions: FlashRegion[]
  appPartition?: Partition
  stub: boolean
  /** --app-only with no partition table at hand: the table is read from the board (stub only) before writing. */
  appFromBoard?: FlashRegion
  tableOffset: number
}

/** Step 1: what to write where, checked before the board is touched. */
export function planEsp32Flash (o: Pick<FlashEsp32Options, 'build' | 'files' | 'app' | 'appOnly' | 'stub' | 'eventKey'>): FlashPlan {
  let regions: FlashRegion[] = []
  let stub = o.stub ?? true
  let tableOffset = PARTITION_TABLE_OFFSET
  if (o.build) {
    const b = readBuildFolder(o.build)
    if (b.chip && b.chip !== 'esp32') throw new FlasherArgsError(`${o.build}/flasher_args.json is a build for ${b.chip}, not esp32`)
    regions = b.regions
    stub = o.stub ?? b.stub
    tableOffset = b.partitionTableOffset ?? tableOffset
  }
  for (const f of o.files ?? []) {
    regions = regions.filter(r => r.offset !== f.offset)
    regions.push(readRegionFile(f.offset, f.path, `--file ${hex(f.offset)}=${f.path}`))
  }
  regions.sort((a, b) => a.offset - b.offset)
  if (o.appOnly && !o.app) throw new FlashError('--app-only needs --app IMAGE')
  let appPartition: Partition | undefined
  if (o.app) {
    if (!existsSync(o.app)) throw new FlashError(`the app image does not exist: ${o.app}`)
    const image = new Uint8Array(readFileSync(o.app))
    if (image.length === 0) throw new FlashError(`the app image is empty: ${o.app}`)
    checkAppImage(image, o.app, o.eventKey) // a board that would refuse it never gets it
    const table = regions.find(r => r.offset === tableOffset)
    if (!table) {
      if (!o.appOnly) throw new FlashError(`to place the app image I need the partition table (${hex(tableOffset)}): give --build DIR or --file ${hex(tableOffset)}=partition-table.bin`)
      if (!stub) throw new FlashError(`--app-only without a partition table reads it from the board, which needs the flasher stub: drop --no-stub, or give --build DIR or --file ${hex(tableOffset)}=partition-table.bin`)
      return { regions: [], stub, appFromBoard: { offset: -1, path: o.app, data: image }, tableOffset }
    }
    appPartition = appPartitionFor(table.data, table.path, o.app, image)
    const app = { offset: appPartition.offset, path: o.app, data: image }
    regions = o.appOnly ? [app] : [...regions.filter(r => r.offset !== app.offset), app].sort((a, b) => a.offset - b.offset)
  }
  if (regions.length === 0) throw new FlashError('nothing to flash: give --build DIR, --file OFFSET=PATH or --app IMAGE')
  checkLayout(regions)
  return { regions, appPartition, stub, tableOffset }
}

/** The picobadge partition of a partition table, checked to hold the image. */
function appPartitionFor (table: Uint8Array, source: string, imagePath: string, image: Uint8Array): Partition {
  const part = findAppPartition(parsePartitionTable(table, source), source)
  if (image.length > part.size) {
    throw new FlashError(`the app image ${imagePath} is ${image.length} bytes, larger than the "${part.label}" partition (${part.size} bytes at ${hex(part.offset)}); make the partition bigger in partitions.csv or the image smaller`)
  }
  return part
}

/** Regions start on a sector and share no sector: erasing one must never erase another. */
function checkLayout (regions: FlashRegion[]): void {
  for (const r of regions) {
    if (r.offset % FLASH_SECTOR_SIZE) throw new FlashError(`${r.path} is to go at ${hex(r.offset)}, which is not on a 4 KiB sector boundary`)
  }
  for (let i = 1; i < regions.length; i++) {
    const a = regions[i - 1]; const b = regions[i]
    const aEnd = Math.ceil((a.offset + a.data.length) / FLASH_SECTOR_SIZE) * FLASH_SECTOR_SIZE
    if (aEnd > b.offset) throw new FlashError(`${a.path} (${hex(a.offset)}–${hex(a.offset + a.data.length)}) overlaps the sector of ${b.path} at ${hex(b.offset)}`)
  }
}

export async function flashEsp32 (o: FlashEsp32Options): Promise<FlashReport> {
  const plan = planEsp32Flash(o)
  const progress = o.onProgress ?? (() => {})
  const log = o.log ?? (() => {})
  // serialport's native binding is loaded only when a real port is opened, so the rest of the CLI never depends on it.
  const serial = typeof o.port === 'string' ? new (await import('serialport')).SerialPort({ path: o.port, baudRate: ROM_BAUD, autoOpen: false }) : o.port
  const device = new NodeWebSerialPort(serial, o.portInfo)
  const transport = new QuietTransport(device as unknown as ConstructorParameters<typeof Transport>[0], false)
  const loader = new ESPLoader({
    transport,
    baudrate: o.baud ?? 460800,
    romBaudrate: ROM_BAUD,
    resetConstructors: { hardReset: (t: Transport) => new PulseReset(t) as unknown as HardReset },
    terminal: { clean () {}, write: (s: string) => log(s), writeLine: (s: string) => log(s) }
  })
  // When the port goes away esptool-js would wait out its timeouts and retries; we stop at once.
  let lostReject: (e: Error) => void = () => {}
  const lost = new Promise<never>((_resolve, reject) => { lostReject = reject })
  lost.catch(() => {})
  device.onLost(e => lostReject(e))
  const whileConnected = async <T>(op: Promise<T>): Promise<T> => {
    op.catch(() => {}) // if the port is lost first, the abandoned operation's own failure is expected
    return await Promise.race([op, lost])
  }
  let wroteAnything = false
  const fail = (what: string, err: unknown): never => {
    if (err instanceof FlashError || err instanceof PartitionTableError) throw err
    const why = describeBoardError(err, { stub: loader.IS_STUB, lost: device.lost })
    const state = wroteAnything ? 'The flash is incomplete; run the command again.' : 'Nothing was written to the flash.'
    throw new FlashError(`${what}: ${why}. ${state}`, { cause: err })
  }

  progress({ phase: 'connect', fraction: 0 })
  let chip = ''
  let flashBytes = 0
  try {
    await whileConnected(loader.connect('default_reset', 7, true))
    chip = loader.chip.CHIP_NAME
    if (chip !== 'ESP32') throw new FlashError(`the board on ${typeof o.port === 'string' ? o.port : 'this port'} is an ${chip}, not an ESP32`)
    if (plan.stub) await whileConnected(loader.runStub())
    if ((o.baud ?? 460800) !== ROM_BAUD) await whileConnected(loader.changeBaud())
    flashBytes = await whileConnected(attachFlash(loader))
  } catch (e) {
    await disconnect(transport)
    fail(`connecting to the ESP32${typeof o.port === 'string' ? ` on ${o.port}` : ''}`, e)
  }

  if (plan.appFromBoard) {
    const app = plan.appFromBoard
    const where = `the partition table on the board (${hex(plan.tableOffset)})`
    try {
      const table = await whileConnected(loader.readFlash(plan.tableOffset, PARTITION_TABLE_MAX))
      plan.appPartition = appPartitionFor(table, where, app.path, app.data)
    } catch (e) {
      await disconnect(transport)
      fail(`reading ${where}`, e)
    }
    plan.regions = [{ ...app, offset: plan.appPartition!.offset }]
    try { checkLayout(plan.regions) } catch (e) { await disconnect(transport); throw e }
  }
  const total = plan.regions.reduce((s, r) => s + r.data.length, 0)
  const written: FlashedRegion[] = []
  let done = 0
  try {
    for (const r of plan.regions) {
      const where = `writing ${r.path} (${r.data.length} bytes) at ${hex(r.offset)}`
      wroteAnything = true // from the first erase on, the flash no longer holds what it did
      try {
        await whileConnected(writeRegion(loader, r, flashBytes, (f) => progress({ phase: 'write', path: r.path, offset: r.offset, fraction: (done + f * r.data.length) / total })))
        await whileConnected(verifyRegion(loader, r))
      } catch (e) { fail(where, e) }
      done += r.data.length
      written.push({ offset: r.offset, path: r.path, size: r.data.length, md5: md5(r.data) })
    }
    // A later region's erase must not have spoiled an earlier one: check them all once more.
    for (const r of plan.regions) {
      progress({ phase: 'verify', path: r.path, offset: r.offset, fraction: 1 })
      try { await whileConnected(verifyRegion(loader, r)) } catch (e) { fail(`verifying ${r.path} at ${hex(r.offset)}`, e) }
    }
    await whileConnected(loader.after('hard_reset'))
  } finally {
    await disconnect(transport)
  }
  progress({ phase: 'done', fraction: 1 })
  return { chip, stub: loader.IS_STUB, regions: written, appPartition: plan.appPartition }
}

/**
 * The ROM loader needs SPI_ATTACH (two words) and SPI_SET_PARAMS before it
 * can touch flash; esptool-js leaves both to its caller. The stub has
 * attached flash itself, and SPI_ATTACH again is harmless.
 */
async function attachFlash (loader: ESPLoader): Promise<number> {
  const words = (...w: number[]): Uint8Array => new Uint8Array(new Uint32Array(w).buffer)
  await loader.checkCommand('attach SPI flash', CMD.SPI_ATTACH, loader.IS_STUB ? words(0) : words(0, 0))
  const size = await loader.detectFlashSize()
  const bytes = size ? loader.flashSizeBytes(size as Parameters<ESPLoader['flashSizeBytes']>[0]) : 4 * 1024 * 1024
  // id, total size, block 64 KiB, sector 4 KiB, page 256 B, status mask: esptool's flash_set_parameters.
  await loader.checkCommand('set SPI flash parameters', CMD.SPI_SET_PARAMS, words(0, bytes, 0x10000, 0x1000, 0x100, 0xffff))
  if (!loader.IS_STUB) {
    // esptool-js sends 16 KiB blocks to the ROM too, and the ROM erases a
    // compressed write's size rounded up to the block; with the ROM's own
    // 1 KiB block (esptool's ESP32ROM.FLASH_WRITE_SIZE) that stays inside the region's sectors.
    loader.FLASH_WRITE_SIZE = loader.chip.FLASH_WRITE_SIZE
  }
  return bytes
}

async function writeRegion (loader: ESPLoader, r: FlashRegion, flashBytes: number, onFraction: (f: number) => void): Promise<void> {
  if (r.offset + r.data.length > flashBytes) throw new FlashError(`${r.path} ends at ${hex(r.offset + r.data.length)}, past the end of the board's ${flashBytes / 1048576} MiB flash`)
  await loader.writeFlash({
    fileArray: [{ data: r.data, address: r.offset }],
    // 'keep': the bytes in flash are exactly the file's (ESP-IDF bakes the flash settings into bootloader.bin).
    flashMode: 'keep',
    flashFreq: 'keep',
    flashSize: 'keep',
    eraseAll: false,
    compress: true,
    reportProgress: (_i: number, sent: number, totalSent: number) => onFraction(totalSent ? sent / totalSent : 1)
  })
}

/** SPI_FLASH_MD5 of the region, compared with the file's MD5 (esptool pads writes to 4 bytes; the padding is checked too). */
async function verifyRegion (loader: ESPLoader, r: FlashRegion): Promise<void> {
  const padded = r.data.length % 4 ? Uint8Array.from([...r.data, ...new Array(4 - (r.data.length % 4)).fill(0xff)]) : r.data
  const board = await bootloaderMd5(loader, r.offset, padded.length)
  const want = md5(padded)
  if (board !== want) throw new FlashError(`MD5 of the flash at ${hex(r.offset)} is ${board}, but ${r.path} has ${want}: the data in flash is not the file. The flash is incomplete; nothing was reported as written.`)
}

/** The bootloader's MD5 of a flash region as hex: the stub sends 16 bytes, the ROM 32 ASCII hex digits. */
export async function bootloaderMd5 (loader: ESPLoader, addr: number, size: number): Promise<string> {
  const res = await loader.flashMd5sum(addr, size) // esptool-js hex-encodes the reply's bytes
  if (loader.IS_STUB) return res
  return Buffer.from(res, 'hex').toString('ascii').toLowerCase()
}

async function disconnect (transport: Transport): Promise<void> {
  try {
    await Promise.race([transport.disconnect(), new Promise(resolve => setTimeout(resolve, 2000))])
  } catch {}
}
