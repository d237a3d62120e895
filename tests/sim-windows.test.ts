import { describe, it, expect } from 'vitest'
import { runSegment, WINDOW, PIPELINE, WindowRunner } from '../host/sim/windows.js'
import { SLOTS } from '../host/sim/thread-channel.js'
import { REPORT_DELAY } from '../host/sim/radio.js'
import { Rng } from '../host/rng.js'

// Fake shards that check what the real ones rely on: when a shard runs a window, it holds every
// other shard's messages of every window two or more before it (they may be due in this one). A
// batch is 8 bytes: a count of 1 (u32, as message.ts packs), then sender, receiver and the window's
// number (u16); an empty batch is its count of 0 alone, and the shard's own is no bytes (as takeOutbox).

/** Windows run so far by each shard, over segments. */
interface World { shards: FakeShard[], n: number, rng: Rng, sent: Array<Set<string>>, maxAhead: number, faults: string[] }

class FakeShard implements WindowRunner {
  readonly received = new Set<string>()
  /** Batches sent to this shard and not yet checked for: key and the sender's window. */
  pending: Array<[string, number]> = []
  readonly queue: Array<{ to: number, incoming: Uint8Array[] }> = []
  ran = 0
  constructor (readonly world: World, readonly index: number, readonly local: boolean) {}

  begin (to: number, incoming: Uint8Array[]): void {
    this.queue.push({ to, incoming })
    if (!this.local) this.world.maxAhead = Math.max(this.world.maxAhead, this.queue.length)
  }

  finish (): Uint8Array[] {
    const { incoming } = this.queue.shift()!
    const w = this.world
    const j = this.ran++
    for (const b of incoming) {
      const key = `${b[4]}>${b[5]}@${b[6] | b[7] << 8}`
      if (b.length !== 8 || b[5] !== this.index) w.faults.push(`shard ${this.index} was given ${key}`)
      if (this.received.has(key)) w.faults.push(`shard ${this.index} was given ${key} twice`)
      this.received.add(key)
    }
    // Every batch sent to this shard in a window two or more before this one is here.
    this.pending = this.pending.filter(([key, at]) => {
      if (at > j - PIPELINE) return true
      if (!this.received.has(key)) w.faults.push(`shard ${this.index} ran window ${j} without ${key}`)
      return false
    })
    return Array.from({ length: w.n }, (_, to) => {
      if (to === this.index) return new Uint8Array(0)
      if (w.rng.chance(0.3)) return new Uint8Array(4) // a window that sent this shard nothing
      w.sent[this.index].add(`${this.index}>${to}@${j}`)
      w.shards[to].pending.push([`${this.index}>${to}@${j}`, j])
      return Uint8Array.of(1, 0, 0, 0, this.index, to, j & 0xff, j >> 8)
    })
  }
}

/** Segments of random lengths cut at multiples of WINDOW and at odd times (where runUntil may stop). */
function segments (rng: Rng, count: number): number[][] {
  const out: number[][] = []
  let now = 0
  for (let k = 0; k < count; k++) {
    const end = now + (rng.chance(0.5) ? rng.int(40) * WINDOW + WINDOW : rng.range(0.1, 60))
    const bounds: number[] = []
    for (let at = Math.floor(now / WINDOW) * WINDOW + WINDOW; at < end; at += WINDOW) bounds.push(at)
    bounds.push(end)
    out.push(bounds)
    now = end
  }
  return out
}

describe('windows of a simulated event (host/sim/windows.ts)', () => {
  it('are half of REPORT_DELAY, so that two in a row span no more than a message takes', () => {
    expect(WINDOW * PIPELINE).toBe(REPORT_DELAY)
  })

  for (const [n, locals] of [[1, 1], [2, 1], [2, 2], [3, 1], [4, 1], [4, 4]] as const) {
    it(`give every shard every message due before it runs a window (${n} shards, ${locals} on this thread; 40 seeds)`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const world: World = { shards: [], n, rng: new Rng(seed), sent: Array.from({ length: n }, () => new Set()), maxAhead: 0, faults: [] }
        const shards = Array.from({ length: n }, (_, k) => new FakeShard(world, k, k < locals))
        world.shards = shards
        let held: Uint8Array[][] = shards.map(() => [])
        let windows = 0
        for (const bounds of segments(world.rng, 12)) {
          let last = -Infinity
          held = runSegment(shards, bounds, held, t => { if (t < last) world.faults.push(`progress went back from ${last} to ${t}`); last = t })
          expect(world.faults).toEqual([])
          windows += bounds.length
          for (const s of shards) { expect(s.ran).toBe(windows); expect(s.queue).toEqual([]) }
          if (bounds.length > 0) expect(last).toBe(bounds[bounds.length - 1])
        }
        // What the last segment held is all that was sent and not yet given.
        for (const s of shards) {
          const given = new Set(held[s.index].map(b => `${b[4]}>${b[5]}@${b[6] | b[7] << 8}`))
          for (let o = 0; o < n; o++) {
            for (const key of world.sent[o]) {
              if (!key.includes(`>${s.index}@`)) continue
              if (s.received.has(key) === given.has(key)) world.faults.push(`${key}: given ${s.received.has(key)}, held ${given.has(key)}`)
            }
          }
        }
        expect(world.faults).toEqual([])
        // A worker is never more than its channel's ring ahead (thread-channel.ts, SLOTS).
        expect(world.maxAhead).toBeLessThanOrEqual(SLOTS)
      }
    })
  }
})
