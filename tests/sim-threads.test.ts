// The simulator split into shards (host/sim/shard.ts), on one thread and on
// worker threads (host/sim/threads.ts): a seeded event gives the same report
// bit for bit however its badges are split, hostile badges, power cuts and
// all. Only the host's own figures may differ: wall time, and the hits of the
// verification memo (each thread keeps its own).

import { describe, it, expect, beforeAll } from 'vitest'
import { MeshSimulator } from '../host/sim/mesh.js'
import { ThreadedSimulator, defaultThreads } from '../host/sim/threads.js'
import { report, SimReport } from '../host/sim/report.js'
import { pack, unpack, RadioMessage, MSG_ADVERT, MSG_FRAME } from '../host/sim/message.js'
import { simOptions } from '../host/sim/command.js'
import type { SimOptions } from '../host/sim/options.js'
import { Rng } from '../host/rng.js'

const EVENT: SimOptions = {
  badges: 36,
  minutes: 3,
  seed: 29,
  posters: 0.3,
  powerCutEvery: 2,
  hostile: [{ badge: 35, kind: 'hijack' }, { badge: 34, kind: 'garbage' }, { badge: 33, kind: 'advert-spam' }, { badge: 32, kind: 'clock' }]
}

/**
 * Runs the event to its end a simulated 20 s at a time, letting this worker's event loop turn in
 * between: a run blocks its thread (ThreadedSimulator waits on its workers with Atomics), and
 * vitest's worker must answer its runner now and then ("Timeout calling onTaskUpdate").
 */
async function run<T extends { runUntil (t: number): void, end: number }> (sim: T): Promise<T> {
  for (let t = 20_000; ; t += 20_000) {
    sim.runUntil(Math.min(t, sim.end))
    if (t >= sim.end) return sim
    await new Promise(resolve => setImmediate(resolve))
  }
}

/** The report without what depends on the host rather than the event. */
const event = (r: SimReport) => JSON.stringify({ ...r, wallSeconds: 0, badgeMinutesPerSecond: 0, timing: 0, verifyCache: 0 })

describe('the simulator in shards and on threads', () => {
  let one: SimReport
  beforeAll(async () => { one = report(await run(new MeshSimulator(EVENT)), 1) })

  it('a seeded event is busy enough to show a difference: posts spread, links came and went, power was cut, hostile badges were counted', () => {
    expect(one.blocks.tracked).toBeGreaterThan(3)
    expect(one.blocks.to50.median).toBeDefined() // half the floor had them (power cuts every 2 minutes keep the rest from all of it)
    expect(one.radio.connections).toBeGreaterThan(50)
    expect(one.badgesHealth.powerCuts).toBeGreaterThan(5)
    expect(Object.keys(one.hostile.kinds).length).toBe(4)
    expect(one.hostile.kinds['advert-spam'].connectsToNowhere).toBeGreaterThan(0)
  })

  it.each([2, 3, 7])('split into %i shards on one thread, gives the same report', async shards => {
    expect(event(report(await run(new MeshSimulator({ ...EVENT, shards })), 1))).toBe(event(one))
  })

  it.each([2, 3])('on %i threads (worker threads), gives the same report, and verifies no more signatures than one thread', async threads => {
    const sim = new ThreadedSimulator(EVENT, threads)
    try {
      const r = report(await run(sim), 1)
      expect(event(r)).toBe(event(one))
      // What one thread signed or verified, the others find in the shared table (shared-signatures.ts):
      // without it, PROOFs of links between threads and blocks seen on each were verified again (2.3x on 2 threads).
      expect(one.verifyCache.verified).toBeGreaterThan(50)
      expect(r.verifyCache.verified).toBeLessThanOrEqual(Math.ceil(one.verifyCache.verified * 1.1))
    } finally { sim.close() }
  })

  it('another seed gives another event (the comparison can tell)', async () => {
    expect(event(report(await run(new MeshSimulator({ ...EVENT, seed: 30, shards: 2 })), 1))).not.toBe(event(one))
  })

  it('stopped and resumed at odd times, a split run still replays the whole one', () => {
    const sim = new MeshSimulator({ ...EVENT, shards: 2 })
    for (let t = 0; t < sim.end; t += 7_777) sim.runUntil(t)
    sim.runUntil(sim.end)
    expect(event(report(sim, 1))).toBe(event(one))
  })

  it('refuses what cannot be split: a bad number of shards or threads, native badges on threads', () => {
    expect(() => new MeshSimulator({ ...EVENT, shards: 0 })).toThrow(/shards must be a whole number/)
    expect(() => new ThreadedSimulator(EVENT, 1.5)).toThrow(/threads must be a whole number/)
    expect(() => new ThreadedSimulator({ ...EVENT, native: 1 }, 2)).toThrow(/native badges run on one thread/)
    expect(() => simOptions(['--threads', '0'])).toThrow(/--threads/)
    expect(() => simOptions(['--native', '1', '--threads', '2'])).toThrow(/native badges run on one thread/)
    expect(simOptions(['--badges', '40']).threads).toBeUndefined() // picked by the command: one per core, for enough badges
    expect(defaultThreads(40)).toBe(1) // too few badges to pay for a second thread
    expect(defaultThreads(4999)).toBe(1)
  })

  it('a query that fails on a worker or on this thread names its cause, and the threads stay in step', async () => {
    const sim = new ThreadedSimulator({ ...EVENT, badges: 8, minutes: 1, hostile: [] }, 2)
    try {
      sim.start()
      // Badge 1 lives on the worker, badge 2 on this thread: each refuses a post to a collection with no name.
      expect(() => sim.post(1, '', 1)).toThrow(/shard worker: .*collection name/)
      expect(() => sim.post(2, '', 1)).toThrow(/collection name/)
      await run(sim)
      // Every shard answered every query after: the answers are each shard's, in order.
      expect(sim.zombies).toBe(0)
      const r = report(sim, 1)
      expect(r.converged.badges).toBe(8)
    } finally {
      sim.close()
    }
  })
})

describe('radio messages between shards (host/sim/message.ts)', () => {
  it('pack and unpack are exact for any messages', () => {
    const rng = new Rng(5)
    const bytes = (n: number) => { const b = new Uint8Array(n); rng.fill(b); return b }
    for (let round = 0; round < 300; round++) {
      const ms: RadioMessage[] = []
      for (let i = rng.int(6); i > 0; i--) {
        ms.push({
          kind: 1 + rng.int(7),
          t: rng.range(0, 1e8),
          target: rng.int(10_000),
          origin: rng.int(10_000),
          seq: rng.u32(),
          k: 0,
          link: rng.int(10_000) * 2 ** 24 + rng.int(2 ** 24),
          num: rng.u32(),
          a: rng.chance(0.3) ? null : bytes(rng.int(65)),
          b: rng.chance(0.3) ? null : bytes(rng.int(300))
        })
      }
      expect(unpack(pack(ms))).toEqual(ms)
      expect(unpack(pack(ms), [])).toEqual(ms)
    }
  })

  it('unpack reuses a badge\'s advert data while its bytes stay the same, and copies it when they change', () => {
    const advert = (origin: number, data: number[]): RadioMessage => ({ kind: MSG_ADVERT, t: 5, target: origin, origin, seq: 1, k: 0, link: 0, num: 0, a: Uint8Array.of(1, 0, 2, 0), b: Uint8Array.from(data) })
    const adverts: Array<Uint8Array | undefined> = []
    const [first] = unpack(pack([advert(7, [1, 2, 3])]), adverts)
    const [again] = unpack(pack([advert(7, [1, 2, 3])]), adverts)
    expect(again.b).toBe(first.b) // the same object: nothing copied
    expect([...again.a!]).toEqual([1, 0, 2, 0])
    const [longer] = unpack(pack([advert(7, [1, 2, 3, 4])]), adverts)
    const [changed] = unpack(pack([advert(7, [1, 2, 4])]), adverts)
    const [other] = unpack(pack([advert(8, [1, 2, 4])]), adverts)
    expect([...longer.b!]).toEqual([1, 2, 3, 4])
    expect([...changed.b!]).toEqual([1, 2, 4])
    expect(changed.b).not.toBe(first.b)
    expect([...first.b!]).toEqual([1, 2, 3]) // what was handed out before is not written over
    expect(other.b).not.toBe(changed.b) // per badge
    // Frames are never shared: each is a copy of its own.
    const frame = (b: number[]): RadioMessage => ({ ...advert(7, b), kind: MSG_FRAME })
    const [f1] = unpack(pack([frame([1, 2, 4])]), adverts)
    const [f2] = unpack(pack([frame([1, 2, 4])]), adverts)
    expect(f1.b).not.toBe(f2.b)
    expect(f1.b).not.toBe(adverts[7])
  })
})
