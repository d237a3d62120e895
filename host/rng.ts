// A small seeded PRNG (sfc32, seeded through splitmix32): the simulator
// and the board test vectors replay exactly from their seeds.

export class Rng {
  #a: number; #b: number; #c: number; #d: number

  constructor (seed: number) {
    let s = seed >>> 0
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.#a = next() | 0; this.#b = next() | 0; this.#c = next() | 0; this.#d = next() | 0
    for (let i = 0; i < 12; i++) this.u32()
  }

  // The state is kept as int32 (`| 0`), the same bits as sfc32's uint32s: an int32 is a small integer
  // to V8, stored in the object as is, where a uint32 past 2^31 was a heap number: every draw allocated
  // ~24 bytes, and the simulator draws for every badge in range of every advert (measured with V8's
  // sampling heap profiler: 48 bytes per two draws before, none after).
  u32 (): number {
    const t = ((this.#a + this.#b | 0) + this.#d) | 0
    this.#d = this.#d + 1 | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = this.#c + (this.#c << 3) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = this.#c + t | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next (): number { return this.u32() / 0x100000000 }
  /** Uniform in [lo, hi). */
  range (lo: number, hi: number): number { return lo + (hi - lo) * this.next() }
  int (n: number): number { return Math.floor(this.next() * n) }
  pick<T> (xs: readonly T[]): T { return xs[this.int(xs.length)] }
  chance (p: number): boolean { return this.next() < p }
  fill (buf: Uint8Array): void { for (let i = 0; i < buf.length; i++) buf[i] = this.u32() & 0xff }
  bytes (n: number): Uint8Array { const b = new Uint8Array(n); this.fill(b); return b }
  /** A new generator drawn from this one (one stream per badge keeps runs stable as code changes). */
  fork (): Rng { return new Rng(this.u32()) }
}
