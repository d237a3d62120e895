// Flash sectors of many simulated badges, in a few large buffers. A badge of
// the simulator has a dozen 4-KiB sectors in use; as one ArrayBuffer each
// (with its views, its backing store and its malloc block) every sector
// costs the garbage collector an object graph and the allocator a block
// that is freed and made again at each erase. Here a sector is a slot: a
// number, its bytes at a fixed place in a chunk of 2^chunkBits sectors.
//
// Invariant: a slot is either free (on the free list) or held by exactly one
// sector of one part (sector-flash.ts), and a slot handed out by take()
// reads 0xFF throughout.

export class SectorSlab {
  /** Per chunk, its bytes and the same memory as 32-bit words (for programWords). */
  readonly chunks: Uint8Array[] = []
  readonly words: Uint32Array[] = []
  #free: number[] = []
  #taken = 0
  readonly #mask: number

  /** chunkBits: a chunk holds 2^chunkBits sectors (one allocation; 8: 1 MiB of 4-KiB sectors, for a shard's thousand badges). */
  constructor (readonly sectorSize: number, readonly chunkBits = 8) {
    if (!(Number.isInteger(sectorSize) && sectorSize > 0 && sectorSize % 4 === 0)) throw new RangeError(`sector slab: sector size must be a positive multiple of 4, not ${sectorSize}`)
    if (!(Number.isInteger(chunkBits) && chunkBits >= 0 && chunkBits <= 16)) throw new RangeError(`sector slab: chunkBits must be 0 to 16, not ${chunkBits}`)
    this.#mask = (1 << chunkBits) - 1
  }

  /** Slots held by parts. */
  get taken (): number { return this.#taken }

  /** A slot for a freshly erased sector: all 0xFF. */
  take (): number {
    let slot = this.#free.pop()
    if (slot === undefined) {
      const bytes = new Uint8Array((this.#mask + 1) * this.sectorSize)
      slot = this.chunks.length << this.chunkBits
      this.chunks.push(bytes)
      this.words.push(new Uint32Array(bytes.buffer))
      // Free in descending order, so that pop() hands out the chunk's slots from its start.
      for (let k = this.#mask; k >= 1; k--) this.#free.push(slot + k)
    }
    this.chunk(slot).fill(0xff, this.offset(slot), this.offset(slot) + this.sectorSize)
    this.#taken++
    return slot
  }

  /** Gives a slot back (its sector was erased). */
  give (slot: number): void {
    this.#taken--
    this.#free.push(slot)
  }

  /** The chunk holding slot, and where in it the slot's bytes start. */
  chunk (slot: number): Uint8Array { return this.chunks[slot >>> this.chunkBits] }
  chunkWords (slot: number): Uint32Array { return this.words[slot >>> this.chunkBits] }
  offset (slot: number): number { return (slot & this.#mask) * this.sectorSize }
}
