// End to end in the mesh simulator: real core.wasm instances on simulated
// NOR flash, talking through the simulated BLE radio while simulated
// people walk a conference floor. Seeded, so every failure replays.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { MeshSimulator, SimBadge, PlannedPost } from '../host/sim/mesh.js'
import { Venue } from '../host/sim/venue.js'
import { report, renderReport } from '../host/sim/report.js'
import { IO_DATA } from '../host/core.js'
import type { Badge } from '../host/badge.js'

const MIN = 60_000
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** The V8 badge of a simulated badge (every badge of these runs is one: no native ones). */
const v8 = (n: SimBadge): Badge => n.badge as Badge

function chainsOf (n: SimBadge): Map<string, number> {
  return new Map(n.badge!.chains().map(c => [hex(c.owner), c.length]))
}

/** Every chain loads from the badge's store and verifies with picofeed. */
function sound (b: Badge): void {
  const c = b.core
  for (const chain of b.chains()) {
    c.put(64, chain.owner)
    expect(c.x.store_load(c.io + 64, 1, c.io + IO_DATA, c.dataCap)).toBe(chain.length)
    const len = new DataView(c.u8.buffer, c.io + IO_DATA, 4).getUint32(0, true)
    expect(PF.Feed.from(Uint8Array.from([...PF.s2b('PIC0'), ...c.get(IO_DATA + 4, len)])).length).toBe(chain.length)
  }
}

/** Posts of a card by each of `who`, at the given minute. */
function plan (who: number[], minute: (i: number) => number): PlannedPost[] {
  return who.map((b, i) => ({ badge: b, at: minute(i) * MIN, collection: 'cards', payload: { name: `badge ${b}` } }))
}

describe('mesh simulation (simulated BLE radio and NOR flash, real core.wasm)', () => {
  it('every post reaches every badge, and all badges end in the same state', () => {
    const sim = new MeshSimulator({ badges: 30, minutes: 20, seed: 7 }).run()
    const r = report(sim, 1)
    expect(r.blocks.tracked).toBeGreaterThan(5)
    expect(r.blocks.reachedAll).toBe(r.blocks.tracked)
    expect(r.converged.agreeing).toBe(30)
    // Same states, not just the same chains: every badge has every poster's card with the same bytes and expiry.
    const posters = new Set([...sim.metrics.blocks.values()].map(t => t.poster))
    for (const p of posters) {
      const id = sim.nodes[p].badge!.identity()
      const states = sim.nodes.map(n => v8(n).state('cards', id))
      for (const s of states) expect(s).toEqual(states[0])
      expect(states[0]).toBeDefined()
    }
  })

  it('carries posts between rooms out of radio range of each other, in the pockets of people walking', () => {
    const venue = new Venue([
      { name: 'North', x: 0, y: 0, w: 15, h: 15 },
      { name: 'East', x: 80, y: 0, w: 15, h: 15 },
      { name: 'Far', x: 160, y: 0, w: 15, h: 15 }
    ])
    const sim = new MeshSimulator({ badges: 24, minutes: 40, seed: 3, venue, dwellMinutes: [3, 8], plan: plan([0, 5, 11], i => 1 + i) }).run()
    const r = report(sim, 1)
    expect(r.blocks.tracked).toBe(3)
    expect(r.blocks.reachedAll).toBe(3)
    expect(r.converged.agreeing).toBe(24)
  })

  it('forgets expired chains on every badge, and a badge that slept through the expiry does not bring them back', () => {
    const sleeper = 4
    const sim = new MeshSimulator({ badges: 30, minutes: 90, seed: 11, plan: plan([1, 2, 3, sleeper, 6, 9], i => 1 + i / 2) })
    sim.runUntil(20 * MIN)
    const held = chainsOf(sim.nodes[sleeper])
    expect(held.size).toBe(6) // it has every card
    sim.cutPower(sim.nodes[sleeper], { offFor: 55 * MIN - 1000 }) // back a second before minute 75 (a check of who holds what), after every card expired (~65)
    // The cards were posted from minute 1 to 3.5: at 64 every one's hour is up, but the skew bound has not passed for any.
    sim.runUntil(64 * MIN)
    expect(sim.dueChains).toBe(6)
    expect(sim.expiredOwners().size).toBe(0)
    sim.runUntil(70 * MIN)
    for (const n of sim.nodes) if (n.index !== sleeper) expect(chainsOf(n).size, `badge ${n.index} at 70 min`).toBe(0)
    sim.runUntil(76 * MIN)
    expect(sim.nodes[sleeper].on).toBe(true)
    sim.runUntil(90 * MIN)
    const r = report(sim, 1)
    for (const n of sim.nodes) expect(chainsOf(n).size, `badge ${n.index} at the end`).toBe(0)
    expect(r.forgetting.dueChains).toBe(6)
    expect(r.forgetting.expiredChains).toBe(6)
    expect(r.forgetting.zombies).toBe(0)
    expect(r.forgetting.staleHolders).toBe(1) // the sleeper, until its clock caught up
    expect(r.badgesHealth.evictions).toBeGreaterThanOrEqual(6 * 29)
    expect(renderReport(r)).toMatch(/Forgetting: 6 cards reached their hour .*; the badges' collectors evicted \d+ chains \(\d+\.\d a badge\); 6 cards are past the 5-minute clock skew bound, when every badge must have forgotten them; none came back\./)
  })

  it('a badge that loses power in the middle of a sync loses nothing it had stored', () => {
    const sim = new MeshSimulator({ badges: 20, minutes: 30, seed: 5, plan: plan([...Array(16).keys()].map(i => i + 2), i => i * 1.1) })
    let cuts = 0
    let t = 1 * MIN
    // Badges that never post: the only flash writes they make are blocks arriving by sync, so the cut lands mid-sync.
    for (const i of [0, 1, 18, 19, 0, 1]) {
      const n = sim.nodes[i]
      sim.runUntil(t)
      const before = chainsOf(n)
      sim.cutPower(n, { midWrite: true, offFor: 15_000 })
      while (n.on && t < 16 * MIN) sim.runUntil(t += 250)
      if (n.on) break
      cuts++
      expect(n.linksAtLastCut, 'the cut came during a sync').toBeGreaterThan(0)
      sim.runUntil(t += 20_000)
      expect(n.on).toBe(true)
      const after = chainsOf(n)
      for (const [owner, h] of before) expect(after.get(owner) ?? 0, `chain ${owner.slice(0, 8)} after the cut`).toBeGreaterThanOrEqual(h)
      sound(v8(n))
    }
    expect(cuts).toBeGreaterThanOrEqual(4)
    sim.runUntil(30 * MIN)
    const r = report(sim, 1)
    expect(r.blocks.reachedAll).toBe(r.blocks.tracked)
    expect(r.converged.agreeing).toBe(20)
  })

  it('hostile badges (garbage, replayed and reordered frames, forged signatures, a flood of chains) neither corrupt nor stall honest ones', () => {
    const hostile = [
      { badge: 25, kind: 'garbage' as const },
      { badge: 26, kind: 'replay' as const },
      { badge: 27, kind: 'reorder' as const },
      { badge: 28, kind: 'forge' as const, chains: 20 },
      { badge: 29, kind: 'flood' as const, chains: 60 }
    ]
    const sim = new MeshSimulator({ badges: 30, minutes: 25, seed: 13, hostile, plan: plan([0, 3, 6, 9, 12, 15, 18, 21], i => 1 + i) }).run()
    const r = report(sim, 1)
    expect(r.badgesHealth.violations).toBeGreaterThan(0)
    expect(r.blocks.reachedAll).toBe(r.blocks.tracked) // every honest post reached every honest badge
    const honestOwners = new Set([...sim.metrics.blocks.values()].map(t => t.owner))
    const spam = new Set(sim.nodes[29].badge!.chains().map(c => hex(c.owner)))
    const forged = new Set(sim.nodes[28].badge!.chains().map(c => hex(c.owner)).filter(o => !honestOwners.has(o) && !spam.has(o)))
    expect(forged.size).toBe(20)
    for (const n of sim.nodes.slice(0, 25)) {
      const chains = chainsOf(n)
      for (const o of chains.keys()) expect(forged.has(o), `badge ${n.index} took a forged chain`).toBe(false)
      for (const o of honestOwners) expect(chains.get(o), `badge ${n.index} has ${o.slice(0, 8)}`).toBe(2) // its enrol block and its card (mesh.ts enrols every badge)
      expect(chains.size).toBeLessThanOrEqual(128)
      sound(v8(n))
    }
  })

  it('says why the badges that do not agree do not: out of range, or still catching up', () => {
    const venue = new Venue([
      { name: 'A', x: 0, y: 0, w: 15, h: 15 },
      { name: 'B', x: 200, y: 0, w: 15, h: 15 },
      { name: 'C', x: 400, y: 0, w: 15, h: 15 }
    ])
    // Nobody walks: badges 7 and 8 stand together in B, badge 9 alone in C, the rest in A, where badge 0 posts.
    const sim = new MeshSimulator({ badges: 10, minutes: 3, seed: 9, venue, dwellMinutes: [1e6, 1e6], plan: plan([0], () => 1) })
    sim.nodes.forEach((n, i) => {
      const [x, room] = i === 9 ? [405, 2] : i >= 7 ? [205 + i - 7, 1] : [2 + i, 0]
      Object.assign(n.walker, { x, y: 7, room })
    })
    const r = report(sim.run(), 1)
    expect(r.converged.agreeing).toBe(7)
    expect(r.converged.disagreeing).toEqual({ woke: 0, outOfRange: 1, ahead: 0, behind: 2 })
  })

  it('a hostile badge remembers every badge it heard, in the order heard; an honest one keeps only its scanner\'s filter (the shard\'s)', () => {
    const sim = new MeshSimulator({ badges: 40, minutes: 4, seed: 3, hostile: [{ badge: 39, kind: 'advert-spam' }] }).run()
    const now = sim.q.now
    for (const n of sim.nodes.slice(0, 39)) expect(n.heard).toBeNull() // the duplicate filter is the shard's (tests/advert-filter.test.ts)
    const heard = sim.nodes[39].heard!
    expect(heard.size).toBeGreaterThan(5)
    expect(Math.max(...[...heard.values()].map(t => now - t))).toBeGreaterThan(60_000) // its attack reads them in the order heard
  })

  it('replays exactly from its seed', () => {
    const run = () => { const r = report(new MeshSimulator({ badges: 12, minutes: 6, seed: 21 }).run(), 1); return JSON.stringify({ ...r, wallSeconds: 0, badgeMinutesPerSecond: 0, verifyCache: 0 }) }
    expect(run()).toBe(run())
  })
})

describe('picobadge sim (the command)', () => {
  const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
  it('prints a JSON report for machines', () => {
    const p = spawnSync(process.execPath, [cli, 'sim', '--badges', '8', '--minutes', '2', '--seed', '4', '--json'], { encoding: 'utf8' })
    expect(p.status).toBe(0)
    const r = JSON.parse(p.stdout)
    expect(r.badges).toBe(8)
    expect(r.minutes).toBeCloseTo(2)
    expect(r.seed).toBe(4)
    expect(r.ramBytes).toBeGreaterThan(0)
  })

  it('explains bad arguments and exits with 2', () => {
    for (const args of [['--badges', 'many'], ['--badges', '1'], ['--mtu', '300'], ['--frobnicate'], ['--hostile', 'nice'], ['--venue', '/nonexistent/venue.json']]) {
      const p = spawnSync(process.execPath, [cli, 'sim', ...args], { encoding: 'utf8' })
      expect(p.status, args.join(' ')).toBe(2)
      expect(p.stderr).toMatch(/picobadge sim: .+/)
    }
    const h = spawnSync(process.execPath, [cli, 'sim', '--help'], { encoding: 'utf8' })
    expect(h.status).toBe(0)
    expect(h.stdout).toMatch(/--badges N/)
  })
})
