// The simulator's event queue (host/sim/queue.ts) is a calendar of 1-ms
// buckets with a heap for events more than the ring's 2 s ahead. A seeded
// run replays only if it pops in exactly the (time, key, sequence) order a
// plain sort gives, whatever the pattern: events at `now`, fractional times,
// far-future ones, peeks that move the queue past empty buckets before an
// event lands before them, `now` set forward from outside (the shard's radio
// epochs), events put back with `again`. Here random schedules of all of
// those are checked pop for pop against a reference kept sorted.
import { describe, it, expect } from 'vitest'
import { EventQueue, Queued, MAX_BADGES } from '../host/sim/queue.js'
import { Rng } from './support/rng.js'

const before = (a: Queued, b: Queued) => a.t < b.t || (a.t === b.t && (a.k < b.k || (a.k === b.k && a.seq < b.seq)))

/** A delay as the simulator makes them, and the odd ones it could. */
function delay (r: Rng): number {
  const x = (r.u32() / 0x100000000)
  if (x < 0.15) return 0
  if (x < 0.35) return (r.u32() / 0x100000000) * 2 // radio messages: fractions of a ms
  if (x < 0.55) return 5 + (r.u32() / 0x100000000) * 30
  if (x < 0.8) return 1000 + (r.u32() / 0x100000000) * 10 // ticks and adverts
  if (x < 0.9) return 2040 + (r.u32() / 0x100000000) * 20 // the ring's edge
  if (x < 0.97) return 5000 + (r.u32() / 0x100000000) * 60_000 // far: timeouts, the collector
  return 1e6 * (r.u32() / 0x100000000)
}

function run (seed: number, steps: number, badges: number, burst: number): number {
  const r = new Rng(seed)
  const q = new EventQueue()
  const ref: Queued[] = []
  const seqs = new Int32Array(badges)
  let popped = 0
  const put = (e?: Queued, d = delay(r)) => {
    const badge = r.int(badges); const origin = r.int(badges)
    const t = q.now + d
    if (e) q.again(e, t, badge, origin, seqs[origin]++)
    else e = q.at(t, badge, origin, seqs[origin]++, () => {})
    if (e.k !== badge * MAX_BADGES + origin) expect(e.k).toBe(badge * MAX_BADGES + origin)
    // ref: latest first, kept sorted by insertion.
    let lo = 0; let hi = ref.length
    while (lo < hi) { const mid = (lo + hi) >> 1; if (before(e, ref[mid])) lo = mid + 1; else hi = mid }
    ref.splice(lo, 0, e)
  }
  // expect() only on a mismatch: tens of thousands of pops.
  const pop = () => {
    const want = ref.pop()
    const peek = q.peekTime()
    if (peek !== (want ? want.t : Infinity)) expect(peek, `seed ${seed}: peekTime`).toBe(want ? want.t : Infinity)
    const got = q.pop()
    if (got !== want) expect(got, `seed ${seed}: pop`).toBe(want)
    if (want) { if (q.now !== want.t) expect(q.now).toBe(want.t); popped++ }
    return got
  }
  for (let i = 0; i < steps; i++) {
    const x = (r.u32() / 0x100000000)
    if (x < 0.4) put()
    else if (x < 0.75) { const e = pop(); if (e && (r.u32() / 0x100000000) < 0.5) put(e) } // a tick or advert going round again
    else if (x < 0.85) {
      // Peek (the queue may move past empty buckets), then time moves forward from outside to no later than the next event.
      const t = q.peekTime()
      if (t !== Infinity && t > q.now) q.now += (t - q.now) * (r.u32() / 0x100000000)
      put()
    } else if (x < 0.88) {
      // The same, with events put around the ring's far end first: once the queue goes back to
      // `now`'s bucket, those past its reach from there must not be taken for the ring's.
      const t = q.peekTime()
      if (t !== Infinity && t > q.now) {
        for (let k = 0; k < 4; k++) put(undefined, (t - q.now) + 2046 + 3 * (r.u32() / 0x100000000))
        q.now += (t - q.now) * (r.u32() / 0x100000000)
      }
      put(undefined, 0)
    } else if (x < 0.9) { for (let k = r.int(burst); k > 0; k--) put() } // a burst: a crowded room's adverts
    else pop()
    if (q.size !== ref.length) expect(q.size, `seed ${seed}: size`).toBe(ref.length)
  }
  while (ref.length > 0) pop()
  expect(q.pop()).toBeUndefined()
  expect(q.size).toBe(0)
  return popped
}

describe('the event queue pops in (time, badge, origin, sequence) order', () => {
  it('matches a plain sort over random schedules: at now, fractional, at the ring\'s edge, far ahead, peeks, again', () => {
    let popped = 0
    for (let seed = 1; seed <= 12; seed++) popped += run(seed, 4000, seed < 4 ? 3 : 200, seed % 2 === 0 ? 200 : 2)
    expect(popped).toBeGreaterThan(30_000)
  })

  it('an empty stretch longer than the ring: jumps to the far event, then takes one at now before it', () => {
    const q = new EventQueue()
    const far = q.at(50_000.5, 1, 1, 0, () => {})
    const late = q.at(3000, 2, 2, 0, () => {})
    expect(q.peekTime()).toBe(3000) // the queue is at bucket 3000 now
    const edge = q.at(5047.5, 5, 5, 0, () => {}) // the ring's last bucket from 3000; from 2999, one past it (the same slot as 2999's)
    q.now = 2999
    const now = q.at(2999, 3, 3, 0, () => {}) // before the bucket the peek moved to
    const after = q.at(5100, 4, 4, 0, () => {})
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([now, late, edge, after, far, undefined])
  })
})
