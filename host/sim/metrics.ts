// What the simulator measures while it runs: when each posted block first
// reaches each badge (from the badges' STORED notes), bytes on air, and a
// coarse timeline. Blocks are tracked per (owner, chain generation,
// height): a chain forgotten by the collector and started again by its
// owner is a new generation.

import type { MetricNote } from './shard.js'

export interface BlockTrack {
  owner: string
  generation: number
  height: number
  poster: number
  postedAt: number
  /** The time the block carries (the poster's mesh clock, ms of virtual time): what its expiry counts from. */
  stampedAt: number
  /** First time each badge held it (ms of virtual time), NaN while it has not. */
  times: Float64Array
  holders: number
  /** Holders among the counted badges (the honest ones): a counter, so a sample never rescans every badge. */
  countedHolders: number
}

/** Heights a held chain is counted in (see Metrics.#held): a badge's store holds far shorter chains. */
const HEIGHTS = 1 << 20

export class Metrics {
  readonly blocks = new Map<string, BlockTrack>()
  readonly #generation = new Map<string, number>()
  /**
   * Per owner, per badge: the generation and height it holds, as generation * HEIGHTS + height, or -1
   * for none. One array per owner, made when a badge first holds its chain: a map per badge of this
   * was ~2.5 KB a badge (10,000 badges x 60 owners); an owner's array is 8 bytes a badge.
   */
  readonly #held = new Map<string, Float64Array>()
  linkBytes = 0
  advertBytes = 0
  frames = 0
  deliveries = 0
  connections = 0
  connectFailures = 0
  linkBreaks = 0
  powerCuts = 0

  constructor (readonly badges: number, readonly counted: (i: number) => boolean) {}

  readonly #owners = new Map<string, string>()
  /** One string per owner key for the run: the per-badge maps and sets that hold owners then share it (10,000 badges × 80 chains). */
  owner (hex: string): string {
    const o = this.#owners.get(hex)
    if (o !== undefined) return o
    this.#owners.set(hex, hex)
    return hex
  }

  #key (owner: string, generation: number, height: number): string { return `${owner}:${generation}:${height}` }

  /** Badge `poster` posted the block at `height` of its own chain, at time t, its clock saying `stamp`. */
  posted (poster: number, owner: string, height: number, t: number, stamp = t): void {
    let g = this.#generation.get(owner) ?? 0
    if (height === 1 && this.#generation.has(owner)) g++
    this.#generation.set(owner, g)
    const track: BlockTrack = { owner, generation: g, height, poster, postedAt: t, stampedAt: stamp, times: new Float64Array(this.badges).fill(NaN), holders: 0, countedHolders: 0 }
    this.blocks.set(this.#key(owner, g, height), track)
    this.#hold(poster, owner, height, t, false)
  }

  /** Badge i now holds owner's chain up to `height` (a STORED note). */
  stored (i: number, owner: string, height: number, t: number): void { this.#hold(i, owner, height, t, true) }

  #hold (i: number, owner: string, height: number, t: number, delivered: boolean): void {
    const g = this.#generation.get(owner) ?? 0
    if (!(height < HEIGHTS)) throw new RangeError(`metrics: a chain ${height} blocks high (at most ${HEIGHTS - 1})`)
    let held = this.#held.get(owner)
    if (!held) this.#held.set(owner, held = new Float64Array(this.badges).fill(-1))
    const prev = held[i]
    const from = prev >= 0 && Math.floor(prev / HEIGHTS) === g ? prev % HEIGHTS : 0
    if (height <= from) return
    for (let h = from + 1; h <= height; h++) {
      const track = this.blocks.get(this.#key(owner, g, h))
      if (track && Number.isNaN(track.times[i])) {
        track.times[i] = t
        track.holders++
        if (this.counted(i)) track.countedHolders++
        if (delivered) this.deliveries++
      }
    }
    held[i] = g * HEIGHTS + height
  }

  /**
   * Applies the shards' block notes, in the order of (time, badge) and, for one badge, the order
   * they happened: the order one shard holding every badge notes them in (queue.ts), so the
   * generations and first times come out the same however the badges were split.
   */
  apply (notes: MetricNote[]): void {
    notes.sort((a, b) => a.t - b.t || a.badge - b.badge) // stable: one badge's notes keep their order
    for (const n of notes) {
      const owner = this.owner(n.owner)
      if (n.posted) this.posted(n.badge, owner, n.height, n.t, n.stamp)
      else this.stored(n.badge, owner, n.height, n.t)
    }
  }

  /** Seconds from posting until `fraction` of the counted badges held the block; undefined when it never got there. */
  spread (track: BlockTrack, fraction: number): number | undefined {
    const times: number[] = []
    let n = 0
    for (let i = 0; i < this.badges; i++) {
      if (!this.counted(i)) continue
      n++
      if (!Number.isNaN(track.times[i])) times.push(track.times[i])
    }
    const need = Math.max(1, Math.ceil(n * fraction))
    if (times.length < need) return undefined
    times.sort((a, b) => a - b)
    return (times[need - 1] - track.postedAt) / 1000
  }
}
