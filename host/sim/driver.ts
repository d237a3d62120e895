// What drives a simulated event, however its badges are split: windows of
// virtual time run by every shard (shard.ts), the messages between them
// handed over at the windows' edges; and, at the edges of SAMPLE, what
// reads the whole floor: samples every SAMPLE, the checks of forgetting
// and losses every minute, the report's figures at the end.
// MeshSimulator (mesh.ts) drives shards on this thread, ThreadedSimulator
// (threads.ts) on worker threads; both through ShardApi, so both give the
// same run for the same options.
//
// The windows of a segment run on every shard as far ahead of each other
// as exactness allows (windows.ts).

import { Metrics } from './metrics.js'
import type { BlockTrack } from './metrics.js'
import { HonestLosses, LossOwner } from './losses.js'
import { EPOCH, SAMPLE, CARD_TTL, SKEW, TICK, SimOptions, HostileKind } from './options.js'
import { runSegment, WINDOW } from './windows.js'
import type { WindowRunner } from './windows.js'
import type { SampleParts, EndParts, ShardCounters, MetricNote } from './shard.js'
import type { Disagreeing } from './report.js'
import type { CborValue } from '../cbor.js'

/**
 * What the simulator asks a shard between windows: MeshShard's methods of these names (shard.ts),
 * answered on the shard's own thread.
 */
export interface ShardQueries {
  sample (): SampleParts
  takeNotes (): MetricNote[]
  readCounters (): ShardCounters
  checkForgotten (expired: string[]): number
  heads (owners: Array<[string, number]>): Array<[string, number, string]>
  checkLosses (owners: Array<[string, LossOwner]>, heads: Array<[string, number, string]>, ttl: number): { evicted: number, prematureForgets: number, rewritten: number }
  endParts (): EndParts
  heights (i: number): Array<[string, number]>
  whyNotAgreeing (best: string, common: Array<[string, number]>, on: number[], wokeMs: number): Disagreeing
  post (i: number, collection: string, payload: CborValue): number
}
export type Query = keyof ShardQueries
/** Every query's name: what a shard's worker may be asked (shard-worker.ts). */
export const QUERIES: readonly Query[] = ['sample', 'takeNotes', 'readCounters', 'checkForgotten', 'heads', 'checkLosses', 'endParts', 'heights', 'whyNotAgreeing', 'post']

/** One shard as the simulator drives it (a MeshShard on this thread, or one on a worker): its windows (windows.ts) and its queries. */
export interface ShardApi extends WindowRunner {
  /** Starts answering a query (a worker works on it while this thread goes on); answer() gives the answer or throws its error. */
  ask<Q extends Query> (op: Q, args: Parameters<ShardQueries[Q]>): void
  answer (): unknown
  close (): void
}

/** The end of the event as the report reads it (report.ts). */
export interface EndSummary {
  parts: EndParts[]
  best: string
  agreeing: number
  disagreeing: Disagreeing
  counters: ShardCounters
  hostileCounts: Map<HostileKind, Record<string, number>>
}


export abstract class SimDriver {
  readonly metrics: Metrics
  readonly timeline: Array<{ t: number, coverage: number, chains: number, links: number }> = []
  /** What the honest badges lost (hostile runs and honest runs measure alike). */
  readonly losses = new HonestLosses()
  readonly end: number
  now = 0
  /** The most badges seen holding an expired chain at one check (badges that slept through the expiry, until their clocks catch up). */
  staleHolders = 0
  forgotten = 0
  #sampledAt = -1
  #countedBadges: number
  #started = false

  constructor (readonly opts: SimOptions, readonly shards: ShardApi[]) {
    const hostile = new Set((opts.hostile ?? []).map(h => h.badge))
    this.metrics = new Metrics(opts.badges, i => !hostile.has(i))
    this.#countedBadges = opts.badges - hostile.size
    this.end = opts.minutes * 60_000
    this.#held = shards.map(() => [])
  }

  /** Boots every shard's badges (once). */
  start (): void {
    if (this.#started) return
    this.#started = true
    this.startShards()
  }

  protected abstract startShards (): void

  /** Runs the event up to virtual time t (segments up to each sample's edge, then the samples due at t). */
  runUntil (t: number): void {
    this.start()
    while (this.now < t) {
      this.#edge()
      // A segment ends at the next sample's edge: there every shard has run every window (windows.ts).
      const end = Math.min(t, Math.floor(this.now / SAMPLE) * SAMPLE + SAMPLE)
      const bounds: number[] = []
      for (let at = Math.floor(this.now / WINDOW) * WINDOW + WINDOW; at < end; at += WINDOW) bounds.push(at)
      bounds.push(end)
      let nextProgress = this.now + TICK
      this.#held = runSegment(this.shards, bounds, this.#held, at => {
        if (this.opts.onProgress && at >= nextProgress) {
          this.opts.onProgress(Math.min(1, at / this.end))
          nextProgress = at + TICK
        }
      })
      this.now = end
    }
    this.#edge()
    this.metrics.apply(this.#all('takeNotes').flat())
    this.#count(this.#all('readCounters'))
  }

  /** The shards' radio and power counters, added up into the metrics. */
  #count (parts: ShardCounters[]): ShardCounters {
    const counters = { ...parts[0] }
    for (const p of parts.slice(1)) for (const k of Object.keys(counters) as Array<keyof ShardCounters>) counters[k] += p[k]
    const m = this.metrics
    m.linkBytes = counters.linkBytes; m.advertBytes = counters.advertBytes; m.frames = counters.frames
    m.connections = counters.connections; m.connectFailures = counters.connectFailures; m.linkBreaks = counters.linkBreaks; m.powerCuts = counters.powerCuts
    return counters
  }

  /**
   * The same query to every shard: workers first, so that they answer while this thread answers its
   * own; the answers in shard order. Every answer is collected even when one failed (a worker's
   * channel stays in step), then the first error is thrown.
   */
  #all<Q extends Query> (op: Q, ...args: Parameters<ShardQueries[Q]>): Array<ReturnType<ShardQueries[Q]>> {
    for (let k = this.shards.length - 1; k >= 0; k--) this.shards[k].ask(op, args)
    const out: Array<ReturnType<ShardQueries[Q]>> = []
    let failed: unknown = null
    for (const s of this.shards) {
      try { out.push(s.answer() as ReturnType<ShardQueries[Q]>) } catch (e) { failed ??= e }
    }
    if (failed !== null) throw failed
    return out
  }

  /** A query to shard k alone. */
  #one<Q extends Query> (k: number, op: Q, ...args: Parameters<ShardQueries[Q]>): ReturnType<ShardQueries[Q]> {
    this.shards[k].ask(op, args)
    return this.shards[k].answer() as ReturnType<ShardQueries[Q]>
  }

  /** Per shard, the messages of the last segment's last two windows, for the next segment's first. */
  #held: Uint8Array[][]

  /** Runs the whole event; returns when virtual time reaches the end. */
  run (): this {
    try {
      this.runUntil(this.end)
    } catch (e) {
      this.close() // no native process outlives a failed run
      throw e
    }
    return this
  }

  close (): void { for (const s of this.shards) s.close() }

  /** The samples due at `now` (a window's edge). */
  #edge (): void {
    if (this.now % SAMPLE !== 0 || this.now <= this.#sampledAt) return
    this.#sampledAt = this.now
    this.#sample()
  }

  #sample (): void {
    const parts = this.#all('sample')
    this.metrics.apply(parts.flatMap(p => p.notes))
    if (this.timeline.length % 6 === 0) { this.checkForgotten(); this.checkLosses() }
    // Coverage from the tracks' counters: (live post, counted badge) pairs held, over all such pairs.
    let pairs = 0; let held = 0
    const now = this.now
    for (const track of this.metrics.blocks.values()) {
      if (now - track.postedAt > (this.opts.ttl ?? CARD_TTL)) continue // expired cards are no longer expected anywhere
      pairs += this.#countedBadges
      held += track.countedHolders
    }
    let chains = 0; let links = 0
    for (const p of parts) { chains += p.chains; links += p.links }
    this.losses.clocks(parts.flatMap(p => p.clocks), EPOCH + now)
    this.timeline.push({ t: now, coverage: pairs ? held / pairs : 1, chains: chains / this.opts.badges, links })
  }

  /** Owners whose chains every badge should have forgotten by now: last post older than the TTL, the skew bound and a tick. */
  expiredOwners (): Set<string> {
    const out = new Set<string>()
    const ttl = this.opts.ttl ?? CARD_TTL
    for (const [owner, at] of this.#lastPosts(t => t.postedAt)) if (this.now > at + ttl + SKEW + 2 * TICK) out.add(owner)
    return out
  }

  /**
   * Cards whose hour is up by the time their last block carries (the poster's mesh clock, which may have
   * been behind when it posted, before it caught up with its peers' clocks). A badge forgets one when its
   * own clock says so, so the collectors' evictions include these before they count as expired.
   */
  get dueChains (): number {
    const ttl = this.opts.ttl ?? CARD_TTL
    let due = 0
    for (const at of this.#lastPosts(t => t.stampedAt).values()) if (this.now >= at + ttl) due++
    return due
  }

  /** Each owner's last post, by `time` (one of a block track's times). */
  #lastPosts (time: (t: BlockTrack) => number): Map<string, number> {
    const last = new Map<string, number>()
    for (const t of this.metrics.blocks.values()) last.set(t.owner, Math.max(last.get(t.owner) ?? -Infinity, time(t)))
    return last
  }

  /**
   * Checks who still holds a chain whose time has passed. A badge may hold one for a while after
   * waking up (until its clock has caught up); one that had forgotten a chain and holds it again is
   * a zombie, and so is any block of such a chain stored after its time (counted by the shards).
   */
  checkForgotten (): void {
    const expired = [...this.expiredOwners()]
    this.forgotten = expired.length
    let stale = 0
    for (const k of this.#all('checkForgotten', expired)) stale += k
    this.staleHolders = Math.max(this.staleHolders, stale)
  }

  /** Chains that came back to a badge after their time (should stay 0). */
  get zombies (): number { return this.#all('readCounters').reduce((k, c) => k + c.zombies, 0) }

  /** Honest chains lost before their time, and cards rewritten (losses.ts), on every shard. */
  checkLosses (): void {
    const owners = HonestLosses.owners(this.metrics)
    const single: Array<[string, number]> = []
    for (const [owner, o] of owners) if (o.generations <= 1) single.push([owner, o.poster])
    const heads = this.#all('heads', single).flat()
    const list = [...owners]
    for (const d of this.#all('checkLosses', list, heads, this.opts.ttl ?? CARD_TTL)) this.losses.add(d)
  }

  /** Posts on badge i now; returns the core's answer (1 accepted). */
  post (i: number, collection: string, payload: CborValue): number {
    return this.#one(i % this.shards.length, 'post', i, collection, payload)
  }

  /** The figures of the end, gathered from every shard (report.ts). */
  summary (wokeMs: number): EndSummary {
    this.checkForgotten()
    const parts = this.#all('endParts')
    // The most common chain set; a tie goes to the one held by the lowest badge index.
    const prints = new Map<string, [number, number]>()
    for (const p of parts) {
      for (const [fp, k, first] of p.prints) {
        const q = prints.get(fp)
        if (q) { q[0] += k; q[1] = Math.min(q[1], first) } else prints.set(fp, [k, first])
      }
    }
    let best = ''; let agreeing = 0; let first = Infinity
    for (const [fp, [k, f]] of prints) if (k > agreeing || (k === agreeing && f < first)) { best = fp; agreeing = k; first = f }
    const on = parts.flatMap(p => p.on)
    const common = best ? this.#one(first % this.shards.length, 'heights', first) : []
    const disagreeing: Disagreeing = { woke: 0, outOfRange: 0, ahead: 0, behind: 0 }
    for (const d of this.#all('whyNotAgreeing', best, common, on, wokeMs)) {
      disagreeing.woke += d.woke; disagreeing.outOfRange += d.outOfRange; disagreeing.ahead += d.ahead; disagreeing.behind += d.behind
    }
    this.checkLosses()
    const counters = this.#count(parts.map(p => p.counters))
    // Per kind, each counter added up over the shards, in the order of the kinds and counters' names (not of which shard counted first).
    const sums = new Map<HostileKind, Map<string, number>>()
    for (const p of parts) {
      for (const [kind, c] of p.hostileCounts) {
        const to = sums.get(kind) ?? new Map<string, number>()
        for (const [k, v] of Object.entries(c)) to.set(k, (to.get(k) ?? 0) + v)
        sums.set(kind, to)
      }
    }
    const hostileCounts = new Map<HostileKind, Record<string, number>>()
    for (const kind of [...sums.keys()].sort()) hostileCounts.set(kind, Object.fromEntries([...sums.get(kind)!].sort(([a], [b]) => a < b ? -1 : 1)))
    return { parts, best, agreeing, disagreeing, counters, hostileCounts }
  }
}
