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

import { fromHex, sameAt } from '../bytes.js'
import { CHAIN_HEAD_AT, CHAIN_RECORD, chainLengthAt } from '../badge.js'
import type { OwnerIds } from './owner-ids.js'
import { EPOCH, SKEW } from './options.js'
import type { SimBadge } from './shard.js'
import type { Metrics } from './metrics.js'

/** An honest owner as the checks see it: when it last posted, the highest block posted, how many chain generations, who. */
export interface LossOwner { last: number, height: number, generations: number, poster: number }

/** The simulator's totals (checks run per shard, LossCheck, and are added up here). */
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

  /** One sample's honest mesh clocks (every honest badge that is on), against the true time. */
  clocks (meshTimes: number[], trueTime: number): void {
    if (meshTimes.length === 0) return
    const ts = [...meshTimes].sort((a, b) => a - b)
    this.clockAheadMax = Math.max(this.clockAheadMax, ts[ts.length - 1] - trueTime)
    this.clockSpreadMax = Math.max(this.clockSpreadMax, ts[ts.length - 1] - ts[(ts.length - 1) >> 1])
  }

  /** The honest owners, from the blocks posted so far. */
  static owners (metrics: Metrics): Map<string, LossOwner> {
    const owners = new Map<string, LossOwner>()
    for (const t of metrics.blocks.values()) {
      const o = owners.get(t.owner) ?? { last: 0, height: 0, generations: 0, poster: t.poster }
      o.last = Math.max(o.last, t.postedAt); o.height = Math.max(o.height, t.height); o.generations = Math.max(o.generations, t.generation + 1)
      owners.set(t.owner, o)
    }
    return owners
  }

  add (d: { evicted: number, prematureForgets: number, rewritten: number }): void {
    this.evicted += d.evicted; this.prematureForgets += d.prematureForgets; this.rewritten += d.rewritten
  }
}

/** One shard's check of its honest badges: what each held at the last check, and what was counted already. */
export class LossCheck {
  /** What each badge held at the last check: owner ids (OwnerIds), ascending. */
  readonly #held = new Map<number, Int32Array>()
  readonly #lost = new Set<string>()
  readonly #rewritten = new Set<string>()

  constructor (readonly ids: OwnerIds) {}

  /**
   * Counts what the counted badges `nodes` lost since the last check. `heads`: each single-generation
   * owner's chain on its own badge (where that badge is on), to tell a rewritten card.
   */
  check (nodes: SimBadge[], owners: Map<string, LossOwner>, heads: Map<string, { length: number, head: string }>, now: number, ttl: number): { evicted: number, prematureForgets: number, rewritten: number } {
    const out = { evicted: 0, prematureForgets: 0, rewritten: 0 }
    const skew = SKEW
    // This check's owners and heads by owner id: each badge's chains are then looked up by number.
    const ownerOf: Array<LossOwner | undefined> = []
    for (const [hex, o] of owners) ownerOf[this.ids.idOfHex(hex)] = o
    const headOf: Array<{ length: number, head: Uint8Array } | undefined> = []
    for (const [hex, h] of heads) headOf[this.ids.idOfHex(hex)] = { length: h.length, head: fromHex(h.head) }
    for (const n of nodes) {
      if (!n.on || !n.badge) continue
      const records = n.badge.chainRecords()
      const held = new Int32Array(records.length / CHAIN_RECORD)
      for (let i = 0, at = 0; i < held.length; i++, at += CHAIN_RECORD) {
        const id = this.ids.idAt(records, at)
        held[i] = id
        const o = ownerOf[id]
        if (o === undefined) continue
        const length = chainLengthAt(records, at)
        const h = headOf[id]
        const foreign = length > o.height || (h !== undefined && h.length === length && !sameAt(h.head, records, at + CHAIN_HEAD_AT))
        if (!foreign) continue
        const key = `${n.index}:${this.ids.hex(id)}`
        if (!this.#rewritten.has(key)) { this.#rewritten.add(key); out.rewritten++ }
      }
      held.sort()
      const before = this.#held.get(n.index)
      this.#held.set(n.index, held)
      if (!before) continue
      // The badge's clock now (not at the last sample): a jump and the forgetting it causes come together.
      let ahead: boolean | undefined // asked only when something was lost
      let j = 0
      for (let k = 0; k < before.length; k++) {
        const id = before[k]
        while (j < held.length && held[j] < id) j++
        if (j < held.length && held[j] === id) continue
        const o = ownerOf[id]
        if (!o || now >= o.last + ttl - skew) continue // gone in its time (or not an honest chain)
        const key = `${n.index}:${this.ids.hex(id)}:${o.last}`
        if (this.#lost.has(key)) continue
        this.#lost.add(key)
        ahead ??= n.badge.status(n.local(now)).meshTime - (EPOCH + now) > skew
        if (ahead) out.prematureForgets++
        else out.evicted++
      }
    }
    return out
  }
}
