// The simulator's flash part: the rules of host/nor-flash.ts, with only the
// sectors in use in memory. An erased sector is no sector at all: it reads
// as 0xFF and costs nothing. A badge of the simulator has used about a dozen
// of its 64 sectors after twenty minutes, so 10,000 badges keep ~0.5 GB of
// flash in memory instead of 2.5 GB. The sectors in use are slots of a slab
// (sector-slab.ts) the badges of a shard share: bytes, no objects.
//
// Power cuts count programs and erases over the whole part (cutPowerAt), as
// NorFlash does. The sector the cut lands in becomes a NorFlash of one
// sector, which tears the operation exactly as there (its torn writes draw
// from a stream of the part's seed, the sector and its wear), and stays one
// until erased, so later cuts in it draw on from the same stream.
//
// Invariant: each sector s is in exactly one state:
//   erased: #slots[s] = -1 and not in #torn; reads as 0xFF;
//   in use: #slots[s] = a slot of the slab, held by s alone;
//   torn:   #slots[s] = -1 and #torn holds its NorFlash.

import { NorFlash, NorGeometry, FlashPart, FlashRuleError, PowerLoss } from '../nor-flash.js'
import { SectorSlab } from './sector-slab.js'

export class SectorFlash implements FlashPart {
  readonly eraseCounts: Uint32Array
  readonly stats = { reads: 0, programs: 0, erases: 0, bytesProgrammed: 0, bytesRead: 0 }
  mutations = 0
  readonly #slab: SectorSlab
  readonly #slots: Int32Array
  #torn: Map<number, NorFlash> | null = null
  readonly #one: NorGeometry
  readonly #seed: number
  #cutAt = 0
  #cutMode: 'before' | 'torn' = 'torn'
  #off = false

  /** slab: where its sectors' bytes live (default: a small one of its own); its sector size must be the part's. */
  constructor (readonly geometry: NorGeometry, opts: { seed?: number, slab?: SectorSlab } = {}) {
    const { sectorSize, wordSize, size } = geometry
    if (sectorSize % wordSize || size % sectorSize) throw new Error('NorFlash: sector size must be a multiple of the word size, region size of the sector size')
    this.#slab = opts.slab ?? new SectorSlab(sectorSize, 3)
    if (this.#slab.sectorSize !== sectorSize) throw new RangeError(`flash: the slab's sectors are ${this.#slab.sectorSize} bytes, the part's ${sectorSize}`)
    this.#slots = new Int32Array(size / sectorSize).fill(-1)
    this.eraseCounts = new Uint32Array(size / sectorSize)
    this.#one = { sectorSize, wordSize, size: sectorSize }
    this.#seed = opts.seed ?? 1
  }

  /** Sectors held in memory (programmed since their last erase). */
  get sectorsInUse (): number { return this.#slots.reduce((k, s) => k + (s >= 0 ? 1 : 0), 0) + (this.#torn?.size ?? 0) }

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

  /** The bytes holding sector s (a slab chunk or a torn part's), or null when erased; #base(s) is where s starts in them. */
  #bytes (s: number): Uint8Array | null {
    const slot = this.#slots[s]
    if (slot >= 0) return this.#slab.chunk(slot)
    return this.#torn?.get(s)?.bytes ?? null
  }

  #base (s: number): number {
    const slot = this.#slots[s]
    return slot >= 0 ? this.#slab.offset(slot) : 0
  }

  /** Sector s as a part of its own, for an operation power is cut in (see the invariant): made from its bytes when it had none. */
  #tear (s: number): NorFlash {
    const had = this.#torn?.get(s)
    if (had) return had
    const part = new NorFlash(this.#one, { seed: (this.#seed ^ Math.imul(s + 1, 0x9e3779b1) ^ this.eraseCounts[s]) >>> 0 })
    const slot = this.#slots[s]
    if (slot >= 0) {
      const at = this.#slab.offset(slot)
      part.bytes.set(this.#slab.chunk(slot).subarray(at, at + this.#one.size))
      this.#slab.give(slot)
      this.#slots[s] = -1
    }
    ;(this.#torn ??= new Map()).set(s, part)
    return part
  }

  /** The bytes of sector s for a program: its slot, taken when it was erased (not for a torn sector). */
  #slotFor (s: number): number {
    let slot = this.#slots[s]
    if (slot < 0) this.#slots[s] = slot = this.#slab.take()
    return slot
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
    if (at >= 0 && len >= 0 && at + len <= size && s < this.#slots.length && (addr | 0) === addr && (len | 0) === len && len <= 64) {
      this.stats.reads++
      this.stats.bytesRead += len
      const b = this.#bytes(s)
      if (!b) dst.fill(0xff, offset, offset + len)
      else { const from = this.#base(s) + at; for (let i = 0; i < len; i++) dst[offset + i] = b[from + i] }
      return
    }
    this.#range(addr, len)
    this.stats.reads++
    this.stats.bytesRead += len
    while (len > 0) {
      const s = Math.floor(addr / size)
      const at = addr - s * size
      const n = Math.min(len, size - at)
      const b = this.#bytes(s)
      if (!b) dst.fill(0xff, offset, offset + n)
      else { const from = this.#base(s) + at; dst.set(b.subarray(from, from + n), offset) }
      addr += n; offset += n; len -= n
    }
  }

  program (addr: number, data: Uint8Array): void { this.programFrom(addr, data, 0, data.length) }

  programWords (addr: number, src32: Uint32Array, word: number, len: number): void {
    const size = this.#one.size
    const s = Math.floor(addr / size)
    // The common case, one sector not torn and no cut pending, 32 bits at a time; anything else byte by byte.
    if (this.#cutAt === 0 && !this.#off && addr >= 0 && len >= 0 && addr + len <= this.geometry.size && addr - s * size + len <= size &&
        addr % 4 === 0 && len % 4 === 0 && this.#one.wordSize <= 4 && !this.#torn?.has(s)) {
      const slot = this.#slotFor(s)
      const cells = this.#slab.chunkWords(slot)
      const c0 = (this.#slab.offset(slot) + addr - s * size) >> 2
      const n = len >> 2
      for (let i = 0; i < n; i++) {
        // Refused before anything changed (a fresh slot is all 1s, so this is a sector in use): the byte path refuses it, naming the cell.
        if ((src32[word + i] & ~cells[c0 + i]) !== 0) this.programFrom(addr, new Uint8Array(src32.buffer), word * 4, len)
      }
      for (let i = 0; i < n; i++) cells[c0 + i] &= src32[word + i]
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
      const b = this.#bytes(s)
      if (!b) continue
      const cell = b[this.#base(s) + addr + i - s * size]
      if (src[offset + i] & ~cell & 0xff) {
        throw new FlashRuleError(`flash: program at ${addr + i} would set a 0 bit back to 1 (cell ${cell.toString(16)}, data ${src[offset + i].toString(16)}) without an erase`)
      }
    }
    const total = len
    // Power dies in this program: its first sector's part tears its piece and throws PowerLoss (a
    // program of nothing touches no sector: the power is gone, and it returns, as NorFlash's would not).
    if (this.#hit() && len > 0) {
      const s = Math.floor(addr / size)
      const part = this.#tear(s)
      part.cutPowerAt(1, this.#cutMode)
      part.programFrom(addr - s * size, src, offset, Math.min(len, size - (addr - s * size)))
    }
    while (len > 0) {
      const s = Math.floor(addr / size)
      const at = addr - s * size
      const n = Math.min(len, size - at)
      const part = this.#torn?.get(s)
      if (part) part.programFrom(at, src, offset, n)
      else {
        const slot = this.#slotFor(s)
        const cells = this.#slab.chunk(slot)
        const from = this.#slab.offset(slot) + at
        for (let i = 0; i < n; i++) cells[from + i] &= src[offset + i]
      }
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
      const part = this.#tear(s)
      part.cutPowerAt(1, this.#cutMode)
      part.erase(0) // throws PowerLoss, leaving the sector partly erased or garbage
    }
    const slot = this.#slots[s]
    if (slot >= 0) { this.#slab.give(slot); this.#slots[s] = -1 }
    this.#torn?.delete(s)
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
    if (this.#torn) for (const part of this.#torn.values()) part.powerOn()
  }
}
