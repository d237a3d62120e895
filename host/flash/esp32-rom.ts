// A simulated original ESP32 as the serial flasher sees it: the auto-reset
// circuit on DTR / RTS, the mask-ROM serial bootloader, and the esptool
// flasher stub once it has been loaded into RAM, over a 4 MiB SPI flash.
//
// It follows Espressif's published serial protocol (esptool docs, "Serial
// Protocol") rather than any one client, so esptool-js meets the same
// behaviour it meets on a board:
//   - SLIP frames; request = 00 | op | size u16 | checksum u32 | data;
//     reply = 01 | op | size u16 | value u32 | data | status bytes;
//   - the ROM's status trailer is 4 bytes (status, error, 2 reserved), the
//     stub's 2; error codes differ (ROM 0x05…, stub 0xC0…);
//   - the ROM answers SYNC eight times with a non-zero value, the stub once
//     with 0; the ROM answers an unknown command (GET_SECURITY_INFO on an
//     original ESP32) with "invalid message" replies, eight of them, whose
//     command byte does not echo the request (that is what esptool's reader
//     turns into UnsupportedCommandError);
//   - _DATA commands carry a 16-byte header and an XOR checksum seeded 0xEF;
//   - the ROM erases the whole region at FLASH_BEGIN / FLASH_DEFL_BEGIN (the
//     compressed size it is given is rounded up to the block size), the stub
//     erases just in time as data arrives and is told the exact size;
//   - SPI_FLASH_MD5: the ROM returns 32 ASCII hex digits, the stub 16 bytes;
//   - the ROM needs SPI_ATTACH before it touches flash, the stub attaches
//     flash itself when it starts;
//   - MEM_END with an entry point inside the loaded code starts the stub,
//     which announces itself with the unsolicited packet "OHAI".
// The stub's own code is never executed: loading it correctly is what this
// simulation checks, and from then on it behaves as the stub.
//
// Fault hooks let tests make the board misbehave at an exact command.

import { createHash } from 'node:crypto'
import { inflateSync, constants as zlibConstants } from 'node:zlib'
import {
  CMD, DIR_REQUEST, DIR_RESPONSE, HEADER_SIZE, DATA_HEADER_SIZE, CHECKSUM_SEED, SYNC_PAYLOAD, ROM_SYNC_VALUE, ROM_SYNC_REPLIES,
  ROM_INVALID_REPLIES, ROM_STATUS_BYTES, STUB_STATUS_BYTES, ROM_ERR, STUB_ERR, STUB_HELLO, CHIP_DETECT_MAGIC_REG, ESP32_CHIP_MAGIC,
  ESP32_REG, SPI_CMD_USR, SPIFLASH_RDID, ROM_BAUD, FLASH_SECTOR_SIZE
} from './protocol.js'
import { SlipDecoder, slipEncode } from '../slip.js'
import { SpiFlash } from './spi-flash.js'
import type { SerialDevice, SerialLine } from './virtual-port.js'

/** What a fault hook can make the board do instead of handling a command. */
export type Fault =
  | 'corrupt'            // the command's data arrives damaged (line noise): the board reports a checksum error
  | 'garble'             // the board handles the command, but its reply reaches the host damaged (a broken SLIP escape)
  | 'silent'             // the board never answers this command (the host times out)
  | 'unplug'             // the USB cable comes out as this command arrives
  | { error: number }    // the board answers with failure status and this error code

/** Called for every command the bootloader receives; `count` is how many of this op it has seen, from 1. */
export type FaultHook = (op: number, count: number, mode: 'rom' | 'stub') => Fault | undefined

export type ChipMode = 'reset' | 'app' | 'rom' | 'stub' | 'crashed'

/** RAM the ROM loader lets MEM_BEGIN load into (ESP32 internal SRAM: DRAM and IRAM). */
const LOADABLE_RAM: Array<[number, number]> = [[0x3ffae000, 0x40000000], [0x40070000, 0x400c0000]]

/** eFuse words an ESP32-D0WD (revision 1) reports: MAC in words 1–2, package and revision bits in 3, 5. */
const DEFAULT_EFUSE = [0, 0x2c3ae8a4, 0x0000240a, 0x0000a200, 0, 0, 0]

const BOOT_BANNER = 'ets Jun  8 2016 00:22:57\r\n\r\n'
const DOWNLOAD_BOOT = 'rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n'
const FLASH_BOOT = 'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n'

/** A command refused: the board answers failure with this ROM or stub error code. */
class Refusal { constructor (readonly rom: number, readonly stub: number) {} }

interface FlashSession {
  compressed: boolean
  offset: number
  /** Bytes the session may erase and write: [offset, offset + region). */
  region: number
  blocks: number
  blockSize: number
  seq: number
  written: number
  /** Compressed bytes received so far (FLASH_DEFL_*). */
  deflated: Uint8Array[]
  /** Sectors the stub has erased in this session (it erases just in time). */
  erased: Set<number>
}

/** A stub READ_FLASH in progress: data packets out, the host acknowledges the running total. */
interface ReadSession { addr: number, size: number, packetSize: number, maxInFlight: number, sent: number, acked: number }

interface MemSession { addr: number, size: number, blocks: number, blockSize: number, seq: number, data: Uint8Array }

export interface Esp32Options {
  flash?: SpiFlash
  fault?: FaultHook
  efuse?: number[]
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8)
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]
const checksum = (data: Uint8Array): number => data.reduce((s, b) => s ^ b, CHECKSUM_SEED)
const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)

export class SimulatedEsp32 implements SerialDevice {
  readonly flash: SpiFlash
  mode: ChipMode = 'app'
  /** The chip's UART baud rate. */
  baud = ROM_BAUD
  /** Every command handled, by name, for tests to read ("SYNC", "FLASH_DEFL_DATA", …). */
  readonly history: string[] = []
  /** Text the board printed outside the protocol (boot messages). */
  console = ''

  #line: SerialLine | null = null
  #decoder = new SlipDecoder(p => this.#onPacket(p))
  #dtr = false
  #rts = false
  #fault?: FaultHook
  #counts = new Map<number, number>()
  #regs = new Map<number, number>()
  #efuse: number[]
  #spiAttached = false
  #flashSize: number
  #flashOp: FlashSession | null = null
  #memOp: MemSession | null = null
  #ram: Array<{ addr: number, data: Uint8Array }> = []
  #started: Array<{ addr: number, data: Uint8Array }> = []
  #garbleNextReply = false
  #readOp: ReadSession | null = null

  constructor (opts: Esp32Options = {}) {
    this.flash = opts.flash ?? new SpiFlash()
    this.#fault = opts.fault
    this.#efuse = opts.efuse ?? DEFAULT_EFUSE
    this.#flashSize = this.flash.size
  }

  set fault (hook: FaultHook | undefined) { this.#fault = hook; this.#counts.clear() }

  // ---- the cable -----------------------------------------------------------

  attach (line: SerialLine): void { this.#line = line }

  receive (bytes: Uint8Array, baud: number): void {
    // A byte sent at the wrong rate is noise to the UART: the ROM sees nothing it can frame.
    if (baud !== this.baud) return
    if (this.mode === 'rom' || this.mode === 'stub') this.#decoder.push(bytes)
  }

  /**
   * The boards' auto-reset circuit (two transistors between DTR / RTS and
   * EN / GPIO0): EN is pulled low while RTS is asserted and DTR is not, GPIO0
   * while DTR is asserted and RTS is not. When EN rises the chip boots and
   * samples GPIO0: low means the serial bootloader, high the app in flash.
   */
  signals ({ dtr, rts }: { dtr: boolean, rts: boolean }): void {
    const enBefore = !(this.#rts && !this.#dtr)
    this.#dtr = dtr
    this.#rts = rts
    const en = !(rts && !dtr)
    const io0Low = dtr && !rts
    if (enBefore && !en) { this.mode = 'reset'; return }
    if (!enBefore && en) this.#boot(io0Low)
  }

  #boot (download: boolean): void {
    this.baud = ROM_BAUD
    this.#decoder.reset()
    this.#spiAttached = false
    this.#flashOp = null
    this.#memOp = null
    this.#readOp = null
    this.#ram = []
    this.#regs.clear()
    this.mode = download ? 'rom' : 'app'
    this.#print(BOOT_BANNER + (download ? DOWNLOAD_BOOT : FLASH_BOOT))
  }

  #print (text: string): void {
    this.console += text
    this.#send(new TextEncoder().encode(text))
  }

  #send (bytes: Uint8Array): void {
    if (this.#garbleNextReply) {
      this.#garbleNextReply = false
      bytes = Uint8Array.from([...bytes.subarray(0, 4), 0xdb, 0x00, ...bytes.subarray(4)]) // DB 00 is no SLIP escape
    }
    const baud = this.baud // bytes leave at the rate in force when they are sent
    setImmediate(() => this.#line?.send(bytes, baud))
  }

  // ---- packets -------------------------------------------------------------

  #reply (op: number, value = 0, data: Uint8Array | number[] = [], status = 0, error = 0): void {
    const trailer = this.mode === 'stub' ? STUB_STATUS_BYTES : ROM_STATUS_BYTES
    const body = [...data, status, error, 0, 0].slice(0, data.length + trailer)
    this.#send(slipEncode(Uint8Array.from([DIR_RESPONSE, op, body.length & 0xff, body.length >> 8, ...le32(value), ...body])))
  }

  #onPacket (p: Uint8Array): void {
    if (this.#readOp && p.length === 4) { this.#readAck(u32(p, 0)); return }
    if (p.length < HEADER_SIZE || p[0] !== DIR_REQUEST) return // not a request: the loader ignores it
    const op = p[1]
    const size = u16(p, 2)
    const chk = u32(p, 4)
    let data = p.subarray(HEADER_SIZE)
    const mode = this.mode as 'rom' | 'stub'
    const count = (this.#counts.get(op) ?? 0) + 1
    this.#counts.set(op, count)
    const fault = this.#fault?.(op, count, mode)
    if (fault === 'silent') return
    if (fault === 'unplug') { this.mode = 'reset'; this.#line?.unplug(); return }
    if (typeof fault === 'object') { this.#reply(op, 0, [], 1, fault.error); return }
    if (fault === 'corrupt' && data.length > DATA_HEADER_SIZE) {
      data = Uint8Array.from(data)
      data[DATA_HEADER_SIZE] ^= 0x20
    }
    if (fault === 'garble') this.#garbleNextReply = true
    const name = Object.entries(CMD).find(([, v]) => v === op)?.[0] ?? `0x${op.toString(16)}`
    this.history.push(name)
    try {
      if (size !== data.length) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
      const handler = this.#handlers[op]
      if (!handler || (mode === 'rom' && op >= CMD.ERASE_FLASH)) { this.#unsupported(op); return }
      handler.call(this, data, chk, op)
    } catch (e) {
      if (!(e instanceof Refusal)) throw e
      this.#reply(op, 0, [], 1, mode === 'stub' ? e.stub : e.rom)
    }
  }

  #unsupported (op: number): void {
    if (this.mode === 'stub') { this.#reply(op, 0, [], 1, STUB_ERR.INVALID_COMMAND); return }
    for (let i = 0; i < ROM_INVALID_REPLIES; i++) this.#reply(0, 0, [], 1, ROM_ERR.INVALID_MSG)
  }

  #ok (op: number, value = 0, data: Uint8Array | number[] = []): void { this.#reply(op, value, data) }

  readonly #handlers: Record<number, (this: SimulatedEsp32, data: Uint8Array, chk: number, op: number) => void> = {
    [CMD.SYNC]: function (data, _chk, op) { this.#sync(data, op) },
    [CMD.READ_REG]: function (data, _chk, op) { this.#readRegCmd(data, op) },
    [CMD.WRITE_REG]: function (data, _chk, op) { this.#writeRegCmd(data, op) },
    [CMD.SPI_SET_PARAMS]: function (data, _chk, op) { this.#spiSetParams(data, op) },
    [CMD.SPI_ATTACH]: function (data, _chk, op) { this.#spiAttach(data, op) },
    [CMD.CHANGE_BAUDRATE]: function (data, _chk, op) { this.#changeBaudrate(data, op) },
    [CMD.FLASH_BEGIN]: function (data, _chk, op) { this.#flashBegin(data, op, false) },
    [CMD.FLASH_DEFL_BEGIN]: function (data, _chk, op) { this.#flashBegin(data, op, true) },
    [CMD.FLASH_DATA]: function (data, chk, op) { this.#flashData(data, chk, op, false) },
    [CMD.FLASH_DEFL_DATA]: function (data, chk, op) { this.#flashData(data, chk, op, true) },
    [CMD.FLASH_END]: function (data, _chk, op) { this.#flashEnd(data, op, false) },
    [CMD.FLASH_DEFL_END]: function (data, _chk, op) { this.#flashEnd(data, op, true) },
    [CMD.SPI_FLASH_MD5]: function (data, _chk, op) { this.#flashMd5(data, op) },
    [CMD.MEM_BEGIN]: function (data, _chk, op) { this.#memBegin(data, op) },
    [CMD.MEM_DATA]: function (data, chk, op) { this.#memData(data, chk, op) },
    [CMD.MEM_END]: function (data, _chk, op) { this.#memEnd(data, op) },
    [CMD.ERASE_FLASH]: function (_data, _chk, op) { this.#eraseFlash(op) },
    [CMD.ERASE_REGION]: function (data, _chk, op) { this.#eraseRegion(data, op) },
    [CMD.READ_FLASH]: function (data, _chk, op) { this.#readFlash(data, op) },
    [CMD.RUN_USER_CODE]: function () { this.#boot(false) }
  }

  // ---- one function per command --------------------------------------------

  #sync (data: Uint8Array, op: number): void {
    if (data.length !== SYNC_PAYLOAD.length || data.some((b, i) => b !== SYNC_PAYLOAD[i])) return // not a sync: no answer
    if (this.mode === 'stub') { this.#ok(op, 0); return }
    for (let i = 0; i < ROM_SYNC_REPLIES; i++) this.#ok(op, ROM_SYNC_VALUE)
  }

  #readRegCmd (data: Uint8Array, op: number): void {
    if (data.length !== 4) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    this.#ok(op, this.readRegister(u32(data, 0)))
  }

  /** What READ_REG answers: the chip-detect magic, eFuses, clock and SPI registers. */
  readRegister (addr: number): number {
    if (addr === CHIP_DETECT_MAGIC_REG) return ESP32_CHIP_MAGIC
    const efuseWord = (addr - ESP32_REG.EFUSE_RD_BASE) / 4
    if (Number.isInteger(efuseWord) && efuseWord >= 0 && efuseWord < this.#efuse.length) return this.#efuse[efuseWord] >>> 0
    if (addr === ESP32_REG.UART_CLKDIV) return Math.round(40_000_000 / this.baud) // a 40 MHz crystal
    return this.#regs.get(addr) ?? 0
  }

  #writeRegCmd (data: Uint8Array, op: number): void {
    if (data.length === 0 || data.length % 16 !== 0) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    for (let o = 0; o < data.length; o += 16) {
      const addr = u32(data, o)
      const mask = u32(data, o + 8)
      const value = ((this.readRegister(addr) & ~mask) | (u32(data, o + 4) & mask)) >>> 0
      this.#regs.set(addr, value)
      if (addr === ESP32_REG.SPI_CMD && (value & SPI_CMD_USR)) this.#spiUserCommand()
    }
    this.#ok(op)
  }

  /** The SPI peripheral's "user command": esptool reads the flash's JEDEC id through it. */
  #spiUserCommand (): void {
    const command = (this.#regs.get(ESP32_REG.SPI_USR2) ?? 0) & 0xff
    if (command === SPIFLASH_RDID) this.#regs.set(ESP32_REG.SPI_W0, this.#spiAttached || this.mode === 'stub' ? this.flash.jedecId : 0xffffff)
    this.#regs.set(ESP32_REG.SPI_CMD, 0) // done
  }

  #spiSetParams (data: Uint8Array, op: number): void {
    if (data.length !== 24) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    this.#flashSize = u32(data, 4)
    this.#ok(op)
  }

  #spiAttach (data: Uint8Array, op: number): void {
    // The ROM takes two words, the stub one; esptool-js sends one to both, and both accept it.
    if (data.length !== 4 && data.length !== 8) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    this.#spiAttached = true
    this.#ok(op)
  }

  #changeBaudrate (data: Uint8Array, op: number): void {
    if (data.length !== 8) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const baud = u32(data, 0)
    this.#ok(op) // answered at the old rate …
    this.baud = baud // … then the UART switches
  }

  #needFlash (offset: number, length: number): void {
    if (!this.#spiAttached && this.mode === 'rom') throw new Refusal(ROM_ERR.FAILED, STUB_ERR.FAILED_SPI_OP)
    if (!this.flash.inRange(offset, length) || offset + length > this.#flashSize) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.FAILED_SPI_OP)
  }

  #flashBegin (data: Uint8Array, op: number, compressed: boolean): void {
    // Four words; a ROM newer than the original ESP32's also takes a fifth (encrypted write), which esptool-js sends the ROM.
    if (data.length !== 16 && data.length !== 20) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [region, blocks, blockSize, offset] = [u32(data, 0), u32(data, 4), u32(data, 8), u32(data, 12)]
    this.#needFlash(offset, region)
    if (blockSize === 0 && blocks > 0) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.BAD_BLOCKSIZE)
    this.#flashOp = { compressed, offset, region, blocks, blockSize, seq: 0, written: 0, deflated: [], erased: new Set() }
    if (this.mode === 'rom') this.flash.eraseRange(offset, region) // the ROM erases everything up front
    this.#ok(op)
  }

  #flashData (data: Uint8Array, chk: number, op: number, compressed: boolean): void {
    const s = this.#flashOp
    if (!s || s.compressed !== compressed) throw new Refusal(ROM_ERR.FAILED, STUB_ERR.NOT_IN_FLASH_MODE)
    const payload = this.#dataPayload(data, chk)
    const seq = u32(data, 4)
    if (seq !== s.seq) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.BAD_BLOCKSIZE)
    // The ROM wants whole blocks (the host pads the last one with 0xFF); the stub takes any length up to the block size.
    if (compressed || this.mode === 'stub' ? payload.length > s.blockSize : payload.length !== s.blockSize) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_BLOCKSIZE)
    if (compressed) this.#inflateMore(s, payload)
    else this.#write(s, s.offset + s.seq * s.blockSize, payload)
    s.seq++
    this.#ok(op)
  }

  /** The 16-byte data header (length, sequence, 0, 0) and the XOR checksum of what follows it. */
  #dataPayload (data: Uint8Array, chk: number): Uint8Array {
    if (data.length < DATA_HEADER_SIZE) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const payload = data.subarray(DATA_HEADER_SIZE)
    if (u32(data, 0) !== payload.length) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    if (checksum(payload) !== (chk & 0xff)) throw new Refusal(ROM_ERR.BAD_CHECKSUM, STUB_ERR.BAD_CHECKSUM)
    return payload
  }

  /** Inflate what has arrived so far and write the new output (zlib stream, as esptool sends it). */
  #inflateMore (s: FlashSession, chunk: Uint8Array): void {
    s.deflated.push(chunk)
    let out: Uint8Array
    try {
      out = inflateSync(concat(s.deflated), { finishFlush: zlibConstants.Z_SYNC_FLUSH })
    } catch {
      s.deflated.pop()
      throw new Refusal(ROM_ERR.DEFLATE, STUB_ERR.INFLATE)
    }
    if (out.length > s.region) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.TOO_MUCH_DATA)
    this.#write(s, s.offset + s.written, out.subarray(s.written))
    s.written = out.length
  }

  #write (s: FlashSession, addr: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.#needFlash(addr, Math.min(bytes.length, this.flash.size - addr))
    if (this.mode === 'stub') {
      // Just-in-time erase of the sectors this write reaches, never past the session's region.
      const first = Math.floor(addr / FLASH_SECTOR_SIZE)
      const last = Math.floor((Math.min(addr + bytes.length, s.offset + s.region) - 1) / FLASH_SECTOR_SIZE)
      for (let sec = first; sec <= last; sec++) {
        if (!s.erased.has(sec)) { s.erased.add(sec); this.flash.eraseSector(sec) }
      }
    }
    this.flash.program(addr, bytes.subarray(0, Math.max(0, this.flash.size - addr)))
  }

  #flashEnd (data: Uint8Array, op: number, compressed: boolean): void {
    if (data.length !== 4) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const s = this.#flashOp
    if (s && s.compressed === compressed && compressed) {
      // A stream that stops short of its end is a partial write, and the loader says so.
      let complete = true
      try { inflateSync(concat(s.deflated)) } catch { complete = false }
      if (!complete || (this.mode === 'stub' && s.written !== s.region)) throw new Refusal(ROM_ERR.FAILED, STUB_ERR.NOT_ENOUGH_DATA)
    } else if (s && !compressed && s.seq < s.blocks) {
      throw new Refusal(ROM_ERR.FAILED, STUB_ERR.NOT_ENOUGH_DATA)
    }
    this.#flashOp = null
    this.#ok(op)
    const reboot = u32(data, 0) === 0
    // 0: reboot; 1: the ROM runs the user code, the stub stays.
    if (reboot || this.mode === 'rom') setImmediate(() => this.#boot(false))
  }

  #flashMd5 (data: Uint8Array, op: number): void {
    if (data.length !== 16) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [addr, size] = [u32(data, 0), u32(data, 4)]
    this.#needFlash(addr, size)
    const digest = createHash('md5').update(this.flash.bytes.subarray(addr, addr + size)).digest()
    // The ROM spells the digest in ASCII hex; the stub sends the 16 bytes.
    this.#ok(op, 0, this.mode === 'stub' ? digest : new TextEncoder().encode(digest.toString('hex')))
  }

  #memBegin (data: Uint8Array, op: number): void {
    if (data.length !== 16) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [size, blocks, blockSize, addr] = [u32(data, 0), u32(data, 4), u32(data, 8), u32(data, 12)]
    if (!LOADABLE_RAM.some(([lo, hi]) => addr >= lo && addr + size <= hi)) throw new Refusal(ROM_ERR.RAM_ADDR, STUB_ERR.BAD_DATA_LEN)
    if (blocks * blockSize < size) throw new Refusal(ROM_ERR.RAM_SIZE, STUB_ERR.BAD_DATA_LEN)
    this.#memOp = { addr, size, blocks, blockSize, seq: 0, data: new Uint8Array(size) }
    this.#ok(op)
  }

  #memData (data: Uint8Array, chk: number, op: number): void {
    const m = this.#memOp
    if (!m) throw new Refusal(ROM_ERR.FAILED, STUB_ERR.NOT_IN_FLASH_MODE)
    const payload = this.#dataPayload(data, chk)
    if (u32(data, 4) !== m.seq || m.seq * m.blockSize + payload.length > m.size) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.TOO_MUCH_DATA)
    m.data.set(payload, m.seq * m.blockSize)
    m.seq++
    if (m.seq * m.blockSize >= m.size) this.#ram.push({ addr: m.addr, data: m.data })
    this.#ok(op)
  }

  #memEnd (data: Uint8Array, op: number): void {
    if (data.length !== 8) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [noEntry, entry] = [u32(data, 0), u32(data, 4)]
    if (this.#memOp && this.#memOp.seq < this.#memOp.blocks) throw new Refusal(ROM_ERR.FAILED, STUB_ERR.NOT_ENOUGH_DATA)
    this.#memOp = null
    this.#ok(op)
    if (noEntry !== 0) return
    // Jumping into RAM that holds no loaded code crashes the chip; into loaded code, it starts the stub.
    const runsLoadedCode = this.#ram.some(seg => entry >= seg.addr && entry < seg.addr + seg.data.length)
    if (!runsLoadedCode) { this.mode = 'crashed'; return }
    this.mode = 'stub'
    this.#started = this.#ram
    this.#spiAttached = true
    this.#decoder.reset()
    this.#send(slipEncode(STUB_HELLO))
  }

  #eraseFlash (op: number): void {
    for (let s = 0; s < this.flash.size / FLASH_SECTOR_SIZE; s++) this.flash.eraseSector(s)
    this.#ok(op)
  }

  #eraseRegion (data: Uint8Array, op: number): void {
    if (data.length !== 8) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [addr, size] = [u32(data, 0), u32(data, 4)]
    if (addr % FLASH_SECTOR_SIZE || size % FLASH_SECTOR_SIZE) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.BAD_DATA_LEN)
    this.#needFlash(addr, size)
    this.flash.eraseRange(addr, size)
    this.#ok(op)
  }

  /**
   * The stub's READ_FLASH: words offset, length, packet size, packets in
   * flight. After the reply, data goes out in raw SLIP packets; the host
   * answers each with the total it has so far (4 bytes), and the stub sends
   * more while fewer than "in flight" are unacknowledged. The MD5 of the
   * whole read (16 bytes) closes it.
   */
  #readFlash (data: Uint8Array, op: number): void {
    if (data.length !== 16) throw new Refusal(ROM_ERR.INVALID_MSG, STUB_ERR.BAD_DATA_LEN)
    const [addr, size, packetSize, maxInFlight] = [u32(data, 0), u32(data, 4), u32(data, 8), u32(data, 12)]
    this.#needFlash(addr, size)
    if (packetSize === 0 || maxInFlight === 0) throw new Refusal(ROM_ERR.INVALID_PARAM, STUB_ERR.BAD_BLOCKSIZE)
    this.#ok(op)
    this.#readOp = { addr, size, packetSize, maxInFlight, sent: 0, acked: 0 }
    this.#readPump()
  }

  #readPump (): void {
    const r = this.#readOp
    if (!r) return
    while (r.sent < r.size && (r.sent - r.acked) / r.packetSize < r.maxInFlight) {
      const n = Math.min(r.packetSize, r.size - r.sent)
      this.#send(slipEncode(this.flash.read(r.addr + r.sent, n)))
      r.sent += n
    }
  }

  #readAck (total: number): void {
    const r = this.#readOp!
    r.acked = Math.max(r.acked, Math.min(total, r.sent))
    if (r.acked < r.size) { this.#readPump(); return }
    this.#readOp = null
    this.#send(slipEncode(createHash('md5').update(this.flash.read(r.addr, r.size)).digest()))
  }

  /** The RAM segments of the last code started with MEM_END (tests compare them with esptool-js's stub); kept across resets. */
  get startedCode (): ReadonlyArray<{ addr: number, data: Uint8Array }> { return this.#started }
}
