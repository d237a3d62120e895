// Steps 2–4 of flashing an ESP32 (host/flash/esp32.ts), on a port that
// speaks Web Serial: esptool-js's own interface. In Node that is the
// NodeWebSerialPort bridge over `serialport`; in a browser page (picobadge
// web) it is the browser's SerialPort. So both run this one session:
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

import { ESPLoader, Transport, type HardReset } from 'esptool-js'
import type { FlashRegion } from './flasher-args-json.js'
import { PARTITION_TABLE_MAX, PartitionTableError, type Partition } from './partitions.js'
import { FlashError, describeBoardError } from './errors.js'
import { CMD, ROM_BAUD } from './protocol.js'
import { appPartitionFor, checkLayout, type FlashPlan } from './esp32-plan.js'
import { md5Hex } from '../hash.js'
import { fromHex } from '../bytes.js'

export interface FlashProgress {
  /** 'connect', 'write', 'verify', 'done' */
  phase: string
  /** The file being written or checked, when there is one. */
  path?: string
  offset?: number
  /** 0…1 over the whole run's bytes. */
  fraction: number
}

/** A Web Serial port (what esptool-js's Transport drives) that also says when its device went away. */
export interface FlashPort {
  readonly lost: Error | null
  onLost (fn: (e: Error) => void): void
}

export interface FlashSessionOptions {
  /** Baud rate for the transfer (the ROM starts at 115200). */
  baud?: number
  /** Names the port in messages (/dev/ttyUSB0); none for a port picked in a browser. */
  portName?: string
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
const md5 = md5Hex

export async function flashEsp32Port (device: FlashPort, plan: FlashPlan, o: FlashSessionOptions = {}): Promise<FlashReport> {
  const progress = o.onProgress ?? (() => {})
  const log = o.log ?? (() => {})
  const portName = o.portName
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
    if (chip !== 'ESP32') throw new FlashError(`the board on ${portName ?? 'this port'} is an ${chip}, not an ESP32`)
    if (plan.stub) await whileConnected(loader.runStub())
    if ((o.baud ?? 460800) !== ROM_BAUD) await whileConnected(loader.changeBaud())
    flashBytes = await whileConnected(attachFlash(loader))
  } catch (e) {
    await disconnect(transport)
    fail(`connecting to the ESP32${portName ? ` on ${portName}` : ''}`, e)
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
  return new TextDecoder('ascii').decode(fromHex(res)).toLowerCase()
}

async function disconnect (transport: Transport): Promise<void> {
  try {
    await Promise.race([transport.disconnect(), new Promise(resolve => setTimeout(resolve, 2000))])
  } catch {}
}
