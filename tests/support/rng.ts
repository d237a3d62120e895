// A small seeded PRNG (mulberry32) so every property and fuzz case can be
// replayed from the seed printed in its test name.

export class Rng {
  #s: number
  constructor (seed: number) { this.#s = seed >>> 0 }
  /** Uniform 32-bit unsigned integer. */
  u32 (): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  /** Uniform integer in [0, n). */
  int (n: number): number { return Math.floor((this.u32() / 0x100000000) * n) }
  /** Integer in [lo, hi], log-uniform so small and large sizes both appear. */
  logInt (lo: number, hi: number): number {
    const a = Math.log(lo); const b = Math.log(hi + 1)
    return Math.min(hi, Math.floor(Math.exp(a + (b - a) * (this.u32() / 0x100000000))))
  }
  bytes (n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff
    return out
  }
  pick<T> (xs: readonly T[]): T { return xs[this.int(xs.length)] }
}

/** A body picofeed accepts: any bytes whose first byte is not 0x00. */
export function body (rng: Rng, n: number): Uint8Array {
  const b = rng.bytes(n)
  if (b[0] === 0) b[0] = 1 + rng.int(255)
  return b
}
