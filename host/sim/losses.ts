// What the honest badges lost to hostile ones, measured the same way in
// every run (so a run under attack compares with one without): honest
// chains a badge stopped holding before their time (by the simulator's true
// time), split into premature forgets (the badge's mesh clock had been
// pushed past the skew bound: its collector forgot them) and evictions (its
// clock was fine: the store made room); cards rewritten (a badge holds an
// honest owner's chain higher than the owner ever posted, or at the owner's
// height with another head: a block not by its owner); and the honest
// badges' mesh clocks against the true time and against each other: how
// far the fastest ran ahead of the true time, and of the median honest
// clock. A clock behind is not counted: a badge that rebooted alone starts
// behind and catches up when it hears a neighbour (docs/SYNC.md §7).
// Checked every simulated minute (chains) and every 10 s (clocks).

import { toHex } from '../bytes.js'
import { EPOCH, SKEW, CARD_TTL } from './mesh.js'
import type { MeshSimulator, SimBadge } from './mesh.js'

export class HonestLosses {
  /** (badge, honest chain) pairs lost before the chain's time while the badge's clock was within the skew bound. */
  evicted = 0
  /** Same, while the badge's clock was more than the skew bound ahead of the true time. */
  prematureForgets = 0
  /** (badge, honest owner) pairs whose chain on the badge holds a block its owner did not post. */
  rewritten = 0
  /** How far an honest badge's mesh clock ran ahead of the true time, at most (ms). */
  clockAheadMax = 0
  /** How far the fastest honest clock ran ahead of the median honest clock at one sample, at most (ms). */
  clockSpreadMax = 0
  readonly #held = new Map<number, Set<string>>()
  readonly #lost = new Set<string>()
  readonly #rewritten = new Set<string>()
  readonly #clocks = new Map<number, number>()

  /** One honest badge's mesh time at a sample. */
  clock (n: SimBadge, meshTime: number): void { this.#clocks.set(n.index, meshTime) }

  /** The end of a sample: every honest badge that is on has reported its clock. */
  clockDone (trueTime: number): void {
    const ts = [...this.#clocks.values()].sort((a, b) => a - b)
    this.#clocks.clear()
    if (ts.length === 0) return
    this.clockAheadMax = Math.max(this.clockAheadMax, ts[ts.length - 1] - trueTime)
    this.clockSpreadMax = Math.max(this.clockSpreadMax, ts[ts.length - 1] - ts[(ts.length - 1) >> 1])
  }

  check (sim: MeshSimulator): void {
    const now = sim.q.now
    const ttl = sim.opts.ttl ?? CARD_TTL
    const skew = SKEW
    // Honest owners: when each last posted, the highest block posted, how many chain generations, who.
    const owners = new Map<string, { last: number, height: number, generations: number, poster: number }>()
    for (const t of sim.metrics.blocks.values()) {
      const o = owners.get(t.owner) ?? { last: 0, height: 0, generations: 0, poster: t.poster }
      o.last = Math.max(o.last, t.postedAt); o.height = Math.max(o.height, t.height); o.generations = Math.max(o.generations, t.generation + 1)
      owners.set(t.owner, o)
    }
    const heads = new Map<string, { length: number, head: string }>()
    for (const [owner, o] of owners) {
      const p = sim.nodes[o.poster]
      if (!p.on || !p.badge || o.generations > 1) continue
      const c = p.badge.chains().find(c => toHex(c.owner) === owner)
      if (c) heads.set(owner, { length: c.length, head: toHex(c.head) })
    }
    for (const n of sim.nodes) {
      if (!n.on || !n.badge || !sim.metrics.counted(n.index)) continue
      const chains = n.badge.chains()
      const held = new Set<string>()
      for (const c of chains) {
        const owner = sim.metrics.owner(toHex(c.owner))
        held.add(owner)
        const o = owners.get(owner)
        if (!o) continue
        const h = heads.get(owner)
        const foreign = c.length > o.height || (h !== undefined && h.length === c.length && h.head !== toHex(c.head))
        const key = `${n.index}:${owner}`
        if (foreign && !this.#rewritten.has(key)) { this.#rewritten.add(key); this.rewritten++ }
      }
      const before = this.#held.get(n.index)
      this.#held.set(n.index, held)
      if (!before) continue
      // The badge's clock now (not at the last sample): a jump and the forgetting it causes come together.
      let ahead: boolean | undefined // asked only when something was lost
      for (const owner of before) {
        if (held.has(owner)) continue
        const o = owners.get(owner)
        if (!o || now >= o.last + ttl - skew) continue // gone in its time (or not an honest chain)
        const key = `${n.index}:${owner}:${o.last}`
        if (this.#lost.has(key)) continue
        this.#lost.add(key)
        ahead ??= n.badge.status(n.local(now)).meshTime - (EPOCH + now) > skew
        if (ahead) this.prematureForgets++
        else this.evicted++
      }
    }
  }
}
