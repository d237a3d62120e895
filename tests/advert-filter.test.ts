// The scanners' duplicate filter (host/sim/advert-filter.ts) against the
// rule written the plain way: a Map per hearer of what it last reported,
// from whom and when, emptied when the hearer loses power.

import { describe, it, expect } from 'vitest'
import { AdvertFilter } from '../host/sim/advert-filter.js'
import { DUP_FILTER_RESET } from '../host/sim/radio.js'
import { Rng } from '../host/rng.js'

class PlainFilter {
  readonly heard = new Map<number, Map<number, { data: Uint8Array, t: number }>>()
  report (hearer: number, from: number, data: Uint8Array, now: number): boolean {
    const mine = this.heard.get(hearer) ?? new Map<number, { data: Uint8Array, t: number }>()
    this.heard.set(hearer, mine)
    const seen = mine.get(from)
    if (seen && now - seen.t < DUP_FILTER_RESET && Buffer.from(seen.data).equals(Buffer.from(data))) return false
    mine.set(from, { data, t: now })
    return true
  }

  forget (hearer: number): void { this.heard.delete(hearer) }
}

describe('AdvertFilter (the scanners\' duplicate filter)', () => {
  it('reports what the plain rule reports, over random traffic with power cuts and a table that grows and is swept', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed)
      const badges = 300
      const f = new AdvertFilter(badges)
      const plain = new PlainFilter()
      // Each advertiser's current advert: its bytes change now and then, sometimes back to earlier bytes.
      const adverts = Array.from({ length: badges }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 0))
      let now = 0
      let reported = 0; let filtered = 0; let grew = 0
      let capacity = f.capacity
      for (let k = 0; k < 60_000; k++) {
        now += rng.range(0, 4)
        const from = rng.int(badges)
        if (rng.chance(0.01)) adverts[from] = Uint8Array.of(from & 0xff, from >> 8, rng.int(3)) // a new advert (a copy: compared by bytes)
        const hearer = (from + 1 + rng.int(40)) % badges // a neighbourhood: each hears some forty others
        if (rng.chance(0.001)) { f.forget(hearer); plain.forget(hearer) }
        const data = rng.chance(0.5) ? adverts[from] : adverts[from].slice() // as from another shard: the same bytes, another array
        const got = f.report(hearer, from, data, now)
        expect(got, `seed ${seed}, step ${k}`).toBe(plain.report(hearer, from, data, now))
        if (got) reported++; else filtered++
        if (f.capacity !== capacity) { grew++; capacity = f.capacity }
        expect(2 * f.used).toBeLessThanOrEqual(f.capacity)
      }
      expect(reported).toBeGreaterThan(1000)
      expect(filtered).toBeGreaterThan(1000)
      expect(grew).toBeGreaterThan(0)
    }
  })

  it('forgets stale pairs when it makes room, so it stays the size of what was heard lately', () => {
    const f = new AdvertFilter(1000)
    let now = 0
    for (let round = 0; round < 50; round++) {
      // each round, a different crowd of 400 pairs is heard, then time moves past the reset
      for (let k = 0; k < 400; k++) f.report(round % 1000, (k + round * 7) % 1000, Uint8Array.of(k), now)
      now += DUP_FILTER_RESET
    }
    expect(f.capacity).toBeLessThanOrEqual(4096) // 20,000 pairs heard in all; never more than 400 live
  })

  it('a hearer that lost power reports again at once', () => {
    const f = new AdvertFilter(4)
    const a = Uint8Array.of(1, 2)
    expect(f.report(1, 2, a, 0)).toBe(true)
    expect(f.report(1, 2, a, 100)).toBe(false)
    expect(f.report(3, 2, a, 100)).toBe(true) // another hearer has its own filter
    f.forget(1)
    expect(f.report(1, 2, a, 200)).toBe(true)
    expect(f.report(1, 2, a, 200 + DUP_FILTER_RESET - 1)).toBe(false)
    expect(f.report(1, 2, a, 200 + DUP_FILTER_RESET)).toBe(true) // the reset: reported again
    expect(f.report(3, 2, Uint8Array.of(1, 3), 300)).toBe(true) // new bytes: reported
  })

  it('refuses more badges than a pair key holds', () => {
    expect(() => new AdvertFilter(0)).toThrow(RangeError)
    expect(() => new AdvertFilter((1 << 15) + 1)).toThrow(/at most 32768|1 to 32768/)
    expect(() => new AdvertFilter(1 << 15)).not.toThrow()
  })
})
