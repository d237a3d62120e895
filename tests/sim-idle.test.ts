// A badge says how long a tick would do nothing (badge_idle, docs/ABI.md); the simulator skips its
// ticks until then. Skipping must change nothing the event shows: the same seeded event, once with
// idle() and once with every badge ticking every second, gives the same report, with far fewer ticks.

import { describe, it, expect } from 'vitest'
import { MeshSimulator } from '../host/sim/mesh.js'
import { report, SimReport } from '../host/sim/report.js'
import { Badge } from '../host/badge.js'
import type { SimOptions } from '../host/sim/options.js'

// 70 minutes: the first cards pass their hour and the collectors evict them (the ticks that matter).
const EVENT: SimOptions = { badges: 30, minutes: 70, seed: 31, posters: 0.3, powerCutEvery: 10 }

const event = (r: SimReport) => JSON.stringify({ ...r, wallSeconds: 0, badgeMinutesPerSecond: 0, timing: 0 })

/** The event's report and how many ticks its badges' cores ran. */
async function run (withIdle: boolean): Promise<{ report: SimReport, ticks: number }> {
  const idle = Badge.prototype.idle
  const tick = Badge.prototype.tick
  let ticks = 0
  Badge.prototype.tick = function (local: number) { ticks++; return tick.call(this, local) }
  // Without idle(), the simulator ticks a badge every second (MeshBadge.idle is optional).
  if (!withIdle) (Badge.prototype as { idle?: unknown }).idle = undefined
  try {
    const sim = new MeshSimulator(EVENT)
    for (let t = 20_000; ; t += 20_000) {
      sim.runUntil(Math.min(t, sim.end))
      if (t >= sim.end) break
      await new Promise(resolve => setImmediate(resolve))
    }
    return { report: report(sim, 1), ticks }
  } finally {
    Badge.prototype.tick = tick
    Badge.prototype.idle = idle
  }
}

describe('the simulator skips ticks a badge says are idle (badge_idle)', () => {
  it('the same report as ticking every second, with a fraction of the ticks (cards pass their hour and are evicted, power is cut)', async () => {
    const every = await run(false)
    const skipping = await run(true)
    expect(every.report.blocks.tracked).toBeGreaterThan(3)
    expect(every.report.badgesHealth.powerCuts).toBeGreaterThan(3)
    expect(event(skipping.report)).toBe(event(every.report))
    expect(every.report.badgesHealth.evictions).toBeGreaterThan(20)
    expect(skipping.ticks).toBeLessThan(every.ticks / 2)
  }, 120_000)
})
