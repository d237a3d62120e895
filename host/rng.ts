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
    this.#a = next(); this.#b = next(); this.#c = next(); this.#d = next()
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32 (): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0
    this.#d = (this.#d + 1) >>> 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) >>> 0
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0
    this.#c = (this.#c + t) >>> 0
    return t
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
