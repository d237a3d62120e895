// The simulator's flash part: the rules of host/nor-flash.ts (each sector
// is a NorFlash of one sector, so programs, erases and torn writes behave
// exactly as there), with only the sectors in use in memory. An erased
// sector is no sector at all: it reads as 0xFF and costs nothing. A badge
// of the simulator has used about a dozen of its 64 sectors after twenty
// minutes, so 10,000 badges keep ~0.5 GB of flash in memory instead of 2.5 GB.
//
// Power cuts count programs and erases over the whole part (cutPowerAt), as
// NorFlash does; the cut one is handed to its sector's part, which tears it.

import { NorFlash, NorGeometry, FlashPart, FlashRuleError, PowerLoss } from '../nor-flash.js'

export class SectorFlash implements FlashPart {
  readonly eraseCounts: Uint32Array
  readonly stats = { reads: 0, programs: 0, erases: 0, bytesProgrammed: 0, bytesRead: 0 }
  mutations = 0
  /** Invariant: null exactly when the sector is erased and nothing was programmed since (or a fresh part). */
  readonly #sectors: Array<NorFlash | null>
  readonly #one: NorGeometry
  readonly #seed: number
  #cutAt = 0
  #cutMode: 'before' | 'torn' = 'torn'
  #off = false

  constructor (readonly geometry: NorGeometry, opts: { seed?: number } = {}) {
    const { sectorSize, wordSize, size } = geometry
    if (sectorSize % wordSize || size % sectorSize) throw new Error('NorFlash: sector size must be a multiple of the word size, region size of the sector size')
    this.#sectors = new Array(size / sectorSize).fill(null)
    this.eraseCounts = new Uint32Array(size / sectorSize)
    this.#one = { sectorSize, wordSize, size: sectorSize }
    this.#seed = opts.seed ?? 1
  }

  /** Sectors held in memory (programmed since their last erase). */
  get sectorsInUse (): number { return this.#sectors.reduce((k, s) => k + (s ? 1 : 0), 0) }

  #powered (): void {
    if (this.#off) throw new PowerLoss('flash: no power')
  }

  #range (addr: number, len: number): void {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || addr < 0 || len < 0 || addr + len > this.geometry.size) {
      throw new FlashRuleError(`flash: [${addr}, ${addr + len}) is outside the ${this.geometry.size}-byte region`)
    }
  }

  #hit (): boolean {
    if (this.#cutAt > 0 && --this.#cutAt === 0) { this.#off = true; return true }
    return false
  }

  /** The part of sector s, made (erased) when it has none; its torn writes draw from a stream of the part's seed, the sector and its wear. */
  #sector (s: number): NorFlash {
    return (this.#sectors[s] ??= new NorFlash(this.#one, { seed: (this.#seed ^ Math.imul(s + 1, 0x9e3779b1) ^ this.eraseCounts[s]) >>> 0 }))
  }

  read (addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len)
    this.readInto(addr, out, 0, len)
    return out
  }

  readInto (addr: number, dst: Uint8Array, offset: number, len: number): void {
    this.#powered()
    const size = this.#one.size
    const s = (addr / size) | 0
    const at = addr - s * size
    // The core's reads (record headers, keys: thousands a badge-minute) are small and inside one
    // sector: checked here in a few comparisons and copied byte by byte (a subarray would cost more).
    if (at >= 0 && len >= 0 && at + len <= size && s < this.#sectors.length && (addr | 0) === addr && (len | 0) === len && len <= 64) {
      this.stats.reads++
      this.stats.bytesRead += len
      const part = this.#sectors[s]
      if (!part) dst.fill(0xff, offset, offset + len)
      else { const b = part.bytes; for (let i = 0; i < len; i++) dst[offset + i] = b[at + i] }
      return
    }
    this.#range(addr, len)
    this.stats.reads++
    this.stats.bytesRead += len
    while (len > 0) {
      const s = Math.floor(addr / size)
      const at = addr - s * size
      const n = Math.min(len, size - at)
      const part = this.#sectors[s]
      if (!part) dst.fill(0xff, offset, offset + n)
      else dst.set(part.bytes.subarray(at, at + n), offset)
      addr += n; offset += n; len -= n
    }
  }

  program (addr: number, data: Uint8Array): void { this.programFrom(addr, data, 0, data.length) }

  programWords (addr: number, src32: Uint32Array, word: number, len: number): void {
    const size = this.#one.size
    const s = Math.floor(addr / size)
    // The common case, one sector and no cut pending, on the part's 32-bit path; anything else byte by byte.
    if (this.#cutAt === 0 && !this.#off && addr >= 0 && len >= 0 && addr + len <= this.geometry.size && addr - s * size + len <= size && addr % 4 === 0 && len % 4 === 0) {
      try {
        this.#sector(s).programWords(addr - s * size, src32, word, len)
      } catch (e) {
        if (!(e instanceof FlashRuleError)) throw e
        // Refused before anything changed: the byte path refuses it again, naming the region's address.
        this.programFrom(addr, new Uint8Array(src32.buffer), word * 4, len)
      }
      this.mutations++
      this.stats.programs++
      this.stats.bytesProgrammed += len
      return
    }
    this.programFrom(addr, new Uint8Array(src32.buffer), word * 4, len)
  }

  programFrom (addr: number, src: Uint8Array, offset: number, len: number): void {
    this.#powered()
    this.#range(addr, len)
    const w = this.geometry.wordSize
    if (addr % w || len % w) throw new FlashRuleError(`flash: program of ${len} bytes at ${addr} is not word-aligned (${w})`)
    const size = this.#one.size
    // Rules first, over the whole range, so a refused program changes nothing (as on NorFlash).
    for (let i = 0; i < len; i++) {
      const s = Math.floor((addr + i) / size)
      const part = this.#sectors[s]
      if (part && (src[offset + i] & ~part.bytes[addr + i - s * size] & 0xff)) {
        throw new FlashRuleError(`flash: program at ${addr + i} would set a 0 bit back to 1 (cell ${part.bytes[addr + i - s * size].toString(16)}, data ${src[offset + i].toString(16)}) without an erase`)
      }
    }
    const total = len
    const cut = this.#hit()
    let first = true
    while (len > 0) {
      const s = Math.floor(addr / size)
      const at = addr - s * size
      const n = Math.min(len, size - at)
      const part = this.#sector(s)
      if (cut && first) part.cutPowerAt(1, this.#cutMode) // the part tears its piece and throws PowerLoss
      part.programFrom(at, src, offset, n)
      first = false
      addr += n; offset += n; len -= n
    }
    this.mutations++
    this.stats.programs++
    this.stats.bytesProgrammed += total
  }

  erase (sectorAddr: number): void {
    this.#powered()
    const size = this.#one.size
    this.#range(sectorAddr, size)
    if (sectorAddr % size) throw new FlashRuleError(`flash: erase at ${sectorAddr} is not sector-aligned (${size})`)
    const s = sectorAddr / size
    if (this.#hit()) {
      const part = this.#sector(s)
      part.cutPowerAt(1, this.#cutMode)
      part.erase(0) // throws PowerLoss, leaving the sector partly erased or garbage
    }
    this.#sectors[s] = null
    this.eraseCounts[s]++
    this.mutations++
    this.stats.erases++
  }

  cutPowerAt (n: number, mode: 'before' | 'torn' = 'torn'): void {
    if (!Number.isInteger(n) || n < 1) throw new Error('cutPowerAt: n must be a positive integer')
    this.#cutAt = n
    this.#cutMode = mode
  }

  powerOn (): void {
    this.#off = false
    this.#cutAt = 0
    for (const part of this.#sectors) part?.powerOn()
  }
}
