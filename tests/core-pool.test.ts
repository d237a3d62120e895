// A pool of core instances shared by many badges (host/core-pool.ts) is
// invisible to them: a seeded simulation on 4 instances for 12 badges, with
// power cuts and hostile badges that reach into core memory, reports exactly
// what the same simulation reports with an instance per badge; and a badge's
// state survives being swapped out and back in, memory and globals both.

import { describe, it, expect } from 'vitest'
import { CorePool } from '../host/core-pool.js'
import { MeshSimulator } from '../host/sim/mesh.js'
import { simOptions } from '../host/sim/command.js'
import { report } from '../host/sim/report.js'
import { Badge } from '../host/badge.js'
import { Rng } from './support/rng.js'

describe('core pool', () => {
  it('a seeded simulation on 4 shared instances reports what it reports with an instance per badge', () => {
    const argv = ['--badges', '12', '--minutes', '4', '--seed', '7', '--power-cuts', '3', '--hostile', 'clock,forge,flood,replay']
    const run = (pool?: CorePool) => {
      const { options } = simOptions(argv)
      // A fixed wall time: the report is then a function of the options and the seed alone.
      return report(new MeshSimulator({ ...options, cores: pool }).run(), 1)
    }
    const pool = new CorePool(4)
    const pooled = run(pool)
    expect(pool.instances).toBe(4)
    expect(pool.swaps).toBeGreaterThan(1000) // badges went in and out of the instances all along
    expect(pooled.badgesHealth.powerCuts).toBeGreaterThan(0) // badges were dropped mid-call and made anew
    expect(pooled).toEqual(run())
  })

  it('a badge swapped out and back in carries on where it was: its chain, its clock, its key', () => {
    const pool = new CorePool(1) // every call to another badge swaps
    const entropy = (rng: Rng) => (buf: Uint8Array) => buf.set(rng.bytes(buf.length))
    const badges = [1, 2].map(seed => new Badge({ pool, entropy: entropy(new Rng(seed)) }))
    const alone = new Badge({ entropy: entropy(new Rng(1)) }) // the first badge's twin, on an instance of its own
    for (const b of [...badges, alone]) b.init(1_000)
    for (let i = 0; i < 5; i++) {
      for (const b of [badges[0], badges[1], alone]) {
        expect(b.post('cards', { name: `post ${i}` }, 2_000 + i * 1000)).toBe(1)
        b.tick(2_500 + i * 1000)
        b.drain()
      }
    }
    expect(pool.instances).toBe(1)
    expect(badges[0].identity()).toEqual(alone.identity())
    expect(badges[1].identity()).not.toEqual(alone.identity())
    expect(badges[0].chains()).toEqual(alone.chains())
    expect(badges[0].status(9_000)).toEqual(alone.status(9_000))
    expect(badges[1].chains()[0].length).toBe(badges[0].chains()[0].length)
  })

  it('never lends an instance that is inside a call: a badge its imports call finds none free, and says so', () => {
    const pool = new CorePool(1)
    const other = new Badge({ pool })
    other.init(1_000)
    // Its entropy import asks another badge of the pool for its key: the one instance is inside badge_init.
    const badge = new Badge({ pool, entropy: buf => { other.identity(); buf.fill(7) } })
    expect(() => badge.init(1_000)).toThrow(/all 1 instances are inside a call \(an import called another badge\): none can be lent/)
  })

  it('takes a size of at least one instance, and the pooled build', () => {
    expect(() => new CorePool(0)).toThrow(/0 instances: it takes a whole number from 1/)
    expect(() => new CorePool(2, new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])))).toThrow(/exports no globals to swap: it takes build\/core-pooled\.wasm/)
  })
})
