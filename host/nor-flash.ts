// A simulated NOR flash part, faithful to the contract real parts keep and
// the core's store relies on:
//   - erase works on whole sectors and sets every bit to 1 (0xFF);
//   - program works on whole words at word-aligned addresses and can only
//     clear bits: programming a 1 where a cell holds 0 is a bug in the
//     caller, refused here as FlashRuleError (real parts silently corrupt);
//   - an operation interrupted by a power cut leaves indeterminate content:
//     a program cut short has programmed some words and part of one more;
//     an erase cut short leaves the sector partly erased or garbage.
// Erases are counted per sector (wear), and power can be cut at any chosen
// program or erase, which is how the power-loss tests walk a workload.

export interface NorGeometry { sectorSize: number, wordSize: number, size: number }

/** nRF52840: 4 KiB pages, 32-bit word writes; a 256 KiB region. */
export const NRF52840: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 256 * 1024 }
/** ESP32 SPI flash: 4 KiB sectors (byte writes, kept to words here); a 256 KiB region. */
export const ESP32: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 256 * 1024 }

/**
 * What the core's flash imports and a badge need of a flash part: NorFlash
 * here, or the simulator's sector-at-a-time part (host/sim/sector-flash.ts),
 * which keeps the same rules with only the sectors in use in memory.
 */
export interface FlashPart {
  readonly geometry: NorGeometry
  readonly eraseCounts: Uint32Array
  readonly stats: { reads: number, programs: number, erases: number, bytesProgrammed: number, bytesRead: number }
  mutations: number
  read (addr: number, len: number): Uint8Array
  readInto (addr: number, dst: Uint8Array, offset: number, len: number): void
  program (addr: number, data: Uint8Array): void
  programFrom (addr: number, src: Uint8Array, offset: number, len: number): void
  programWords (addr: number, src32: Uint32Array, word: number, len: number): void
  erase (sectorAddr: number): void
  cutPowerAt (n: number, mode?: 'before' | 'torn'): void
  powerOn (): void
}

export class FlashRuleError extends Error { override name = 'FlashRuleError' }
export class PowerLoss extends Error { override name = 'PowerLoss' }

/** mulberry32: torn operations are random but reproducible. */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000
  }
}

export class NorFlash implements FlashPart {
  readonly bytes: Uint8Array
  readonly eraseCounts: Uint32Array
  readonly stats = { reads: 0, programs: 0, erases: 0, bytesProgrammed: 0, bytesRead: 0 }
  /** Accepted programs and erases so far. */
  mutations = 0
  #cutAt = 0
  #cutMode: 'before' | 'torn' = 'torn'
  #off = false
  #random: () => number
  #words: Uint32Array

  constructor (readonly geometry: NorGeometry, opts: { seed?: number } = {}) {
    const { sectorSize, wordSize, size } = geometry
    if (sectorSize % wordSize || size % sectorSize) throw new Error('NorFlash: sector size must be a multiple of the word size, region size of the sector size')
    this.bytes = new Uint8Array(size).fill(0xff)
    this.eraseCounts = new Uint32Array(size / sectorSize)
    this.#words = new Uint32Array(this.bytes.buffer, 0, size >> 2)
    this.#random = prng(opts.seed ?? 1)
  }

  #powered (): void {
    if (this.#off) throw new PowerLoss('flash: no power')
  }

  #range (addr: number, len: number): void {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || addr < 0 || len < 0 || addr + len > this.bytes.length) {
      throw new FlashRuleError(`flash: [${addr}, ${addr + len}) is outside the ${this.bytes.length}-byte region`)
    }
  }

  /** True when this mutation is the one power dies in. */
  #hit (): boolean {
    if (this.#cutAt > 0 && --this.#cutAt === 0) { this.#off = true; return true }
    return false
  }

  read (addr: number, len: number): Uint8Array {
    this.#powered()
    this.#range(addr, len)
    this.stats.reads++
    this.stats.bytesRead += len
    return this.bytes.slice(addr, addr + len)
  }

  program (addr: number, data: Uint8Array): void {
    this.programFrom(addr, data, 0, data.length)
  }

  /** program() from len bytes of src at offset: the core's imports use it on the core's memory without copying. */
  programFrom (addr: number, src: Uint8Array, offset: number, len: number): void {
    this.#powered()
    const w = this.geometry.wordSize
    this.#range(addr, len)
    if (addr % w || len % w) throw new FlashRuleError(`flash: program of ${len} bytes at ${addr} is not word-aligned (${w})`)
    const cells = this.bytes
    for (let i = 0; i < len; i++) {
      if (src[offset + i] & ~cells[addr + i] & 0xff) this.#setsBits(addr, src.subarray(offset, offset + len))
    }
    if (this.#hit()) {
      if (this.#cutMode === 'torn') {
        const words = len / w
        const done = Math.floor(this.#random() * words)
        for (let i = 0; i < done * w; i++) cells[addr + i] &= src[offset + i]
        if (done < words) {
          for (let i = done * w; i < (done + 1) * w; i++) cells[addr + i] &= src[offset + i] | Math.floor(this.#random() * 256)
        }
      }
      throw new PowerLoss(`flash: power cut during program at ${addr}`)
    }
    for (let i = 0; i < len; i++) cells[addr + i] &= src[offset + i]
    this.mutations++
    this.stats.programs++
    this.stats.bytesProgrammed += len
  }

  /** programFrom() for word-aligned runs, 32 bits at a time (src32 indexes words). Same rules. */
  programWords (addr: number, src32: Uint32Array, word: number, len: number): void {
    if (addr % 4 || len % 4 || this.geometry.wordSize > 4 || this.#cutAt > 0) {
      this.programFrom(addr, new Uint8Array(src32.buffer), word * 4, len)
      return
    }
    this.#powered()
    this.#range(addr, len)
    if (addr % this.geometry.wordSize || len % this.geometry.wordSize) throw new FlashRuleError(`flash: program of ${len} bytes at ${addr} is not word-aligned (${this.geometry.wordSize})`)
    const cells = this.#words
    const c0 = addr >> 2
    const n = len >> 2
    for (let i = 0; i < n; i++) {
      if ((src32[word + i] & ~cells[c0 + i]) !== 0) this.#setsBits(addr, new Uint8Array(src32.buffer, word * 4, len))
    }
    for (let i = 0; i < n; i++) cells[c0 + i] &= src32[word + i]
    this.mutations++
    this.stats.programs++
    this.stats.bytesProgrammed += len
  }

  /** read() into len bytes of dst at offset. */
  readInto (addr: number, dst: Uint8Array, offset: number, len: number): void {
    this.#powered()
    this.#range(addr, len)
    this.stats.reads++
    this.stats.bytesRead += len
    // The core reads small pieces back often (record headers, owner keys): a
    // plain loop beats making a subarray for each of them.
    if (len <= 64) for (let i = 0; i < len; i++) dst[offset + i] = this.bytes[addr + i]
    else dst.set(this.bytes.subarray(addr, addr + len), offset)
  }

  #setsBits (addr: number, data: Uint8Array): never {
    for (let i = 0; i < data.length; i++) {
      if (data[i] & ~this.bytes[addr + i] & 0xff) throw new FlashRuleError(`flash: program at ${addr + i} would set a 0 bit back to 1 (cell ${this.bytes[addr + i].toString(16)}, data ${data[i].toString(16)}) without an erase`)
    }
    throw new FlashRuleError('flash: program would set a 0 bit back to 1')
  }

  erase (sectorAddr: number): void {
    this.#powered()
    const s = this.geometry.sectorSize
    this.#range(sectorAddr, s)
    if (sectorAddr % s) throw new FlashRuleError(`flash: erase at ${sectorAddr} is not sector-aligned (${s})`)
    if (this.#hit()) {
      if (this.#cutMode === 'torn') {
        if (this.#random() < 0.5) {
          this.bytes.fill(0xff, sectorAddr, sectorAddr + Math.floor(this.#random() * s))
        } else {
          for (let i = 0; i < s; i++) this.bytes[sectorAddr + i] = Math.floor(this.#random() * 256)
        }
      }
      throw new PowerLoss(`flash: power cut during erase at ${sectorAddr}`)
    }
    this.bytes.fill(0xff, sectorAddr, sectorAddr + s)
    this.eraseCounts[sectorAddr / s]++
    this.mutations++
    this.stats.erases++
  }

  /** The n-th program or erase from now (1 = the next) loses power: it does nothing ('before') or part of its work ('torn'). */
  cutPowerAt (n: number, mode: 'before' | 'torn' = 'torn'): void {
    if (!Number.isInteger(n) || n < 1) throw new Error('cutPowerAt: n must be a positive integer')
    this.#cutAt = n
    this.#cutMode = mode
  }

  /** Power is back; the cells hold whatever the cut left. */
  powerOn (): void {
    this.#off = false
    this.#cutAt = 0
  }

  clone (): NorFlash {
    const c = new NorFlash(this.geometry, { seed: Math.floor(this.#random() * 0x100000000) })
    c.bytes.set(this.bytes)
    c.eraseCounts.set(this.eraseCounts)
    Object.assign(c.stats, this.stats)
    c.mutations = this.mutations
    return c
  }
}

/** Codes the flash imports return for rule errors (docs/ABI.md: negative = failed). */
export const FLASH_MISALIGNED = -1
export const FLASH_OUT_OF_RANGE = -2
export const FLASH_SETS_BITS = -3

/**
 * The core's flash imports on a simulated part. Rule errors become codes
 * (the core must see its own mistakes); a power cut propagates as an
 * exception, which aborts the core's call exactly as a real cut stops the CPU.
 */
export function flashImports (flash: FlashPart, memory: () => WebAssembly.Memory) {
  const code = (e: unknown): number => {
    if (!(e instanceof FlashRuleError)) throw e
    return /aligned/.test(e.message) ? FLASH_MISALIGNED : /outside/.test(e.message) ? FLASH_OUT_OF_RANGE : FLASH_SETS_BITS
  }
  // The core's memory never grows (docs/ABI.md), so one view serves every call.
  let mem: Uint8Array | undefined
  let mem32: Uint32Array | undefined
  const view = () => (mem ??= new Uint8Array(memory().buffer))
  const view32 = () => (mem32 ??= new Uint32Array(memory().buffer))
  return {
    read (addr: number, ptr: number, len: number): number {
      try { flash.readInto(addr, view(), ptr, len); return 0 } catch (e) { return code(e) }
    },
    program (addr: number, ptr: number, len: number): number {
      try {
        if ((ptr & 3) === 0) flash.programWords(addr, view32(), ptr >> 2, len)
        else flash.programFrom(addr, view(), ptr, len)
        return 0
      } catch (e) { return code(e) }
    },
    erase (addr: number): number {
      try { flash.erase(addr); return 0 } catch (e) { return code(e) }
    }
  }
}
