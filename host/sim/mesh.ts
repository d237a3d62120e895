// The mesh simulator on this thread: a discrete-event simulation in virtual
// time of a floor full of badges, each one the real core.wasm (its own
// instance, memory and simulated NOR flash), talking through the radio
// model of radio.ts while people walk around (venue.ts) and badges lose
// power. Seeded: the same options give the same run, event for event.
//
// The badges live in shards (shard.ts; one by default), driven in windows
// by SimDriver (driver.ts). `shards: K` splits them K ways on this thread,
// which is how the tests show a split changes nothing; threads.ts puts the
// shards on worker threads.
//
// With `native` (picobadge sim --native K), K of the badges are native
// board processes instead (boards/native: the C firmware under real WAMR,
// flash in a file), driven over the radio socket by NativeBadge with the
// same calls; the rest of the simulator cannot tell them apart.

import { MeshShard, SimBadge } from './shard.js'
import { SimDriver, ShardApi, ShardQueries, Query } from './driver.js'
import type { SimOptions } from './options.js'
import type { Venue } from './venue.js'
import type { EventQueue } from './queue.js'

export { SIM_EVENT_SECRET } from './event.js'
export { EPOCH, SKEW, CARD_TTL, HOSTILE_KINDS, nativeIndices } from './options.js'
export type { SimOptions, HostileKind, PlannedPost } from './options.js'
export { SimBadge, HalfLink, MeshShard } from './shard.js'

/** A shard on this thread, as the driver drives it: its window runs in begin(), a query in ask(). */
export class LocalShard implements ShardApi {
  readonly local = true
  #out: Uint8Array[] = []
  #answer: { value: unknown } | { error: unknown } = { value: undefined }
  constructor (readonly shard: MeshShard) {}
  begin (to: number, incoming: Uint8Array[]): void {
    this.shard.receivePacked(incoming)
    this.shard.runUntil(to)
    this.#out = this.shard.takeOutbox()
  }

  finish (): Uint8Array[] { return this.#out }

  ask<Q extends Query> (op: Q, args: Parameters<ShardQueries[Q]>): void {
    try {
      this.#answer = { value: (this.shard[op] as (...a: unknown[]) => unknown).apply(this.shard, args) }
    } catch (error) {
      this.#answer = { error }
    }
  }

  answer (): unknown {
    const a = this.#answer
    this.#answer = { value: undefined }
    if ('error' in a) throw a.error
    return a.value
  }

  close (): void { this.shard.close() }
}

export class MeshSimulator extends SimDriver {
  readonly local: MeshShard[]
  /** Every badge, from the shard that holds it. */
  readonly nodes: SimBadge[]
  readonly venue: Venue

  constructor (opts: SimOptions) {
    const k = opts.shards ?? 1
    if (!(Number.isInteger(k) && k >= 1 && k <= opts.badges)) throw new RangeError(`sim: shards must be a whole number from 1 to the number of badges, not ${k}`)
    const local = Array.from({ length: k }, (_, i) => new MeshShard(opts, i, k))
    super(opts, local.map(s => new LocalShard(s)))
    this.local = local
    this.venue = local[0].venue
    this.nodes = local[0].nodes.map((_, i) => local[i % k].nodes[i])
  }

  protected startShards (): void { for (const s of this.local) s.start() }

  /** The first shard's queue (every shard is at the same time between runUntil calls). */
  get q (): EventQueue { return this.local[0].q }

  #shardOf (n: SimBadge): MeshShard { return this.local[n.index % this.local.length] }

  /** The first shard's native board processes (every native badge, with one shard). */
  get fleet (): MeshShard['fleet'] { return this.local[0].fleet }

  /** Native badges in this run. */
  get nativeCount (): number { return this.nodes.reduce((k, n) => k + (n.native ? 1 : 0), 0) }

  /** Cuts a badge's power now, or (midWrite) in the middle of its next flash program or erase (shard.ts). */
  cutPower (n: SimBadge, opts?: { midWrite?: boolean, offFor?: number }): void { this.#shardOf(n).cutPower(n, opts) }
  powerOn (n: SimBadge): void { this.#shardOf(n).powerOn(n) }
  powerOff (n: SimBadge): void { this.#shardOf(n).powerOff(n) }

  /** Whether another badge that is on is within radio range of n (the grid of the last radio epoch). */
  hasNeighbour (n: SimBadge): boolean { return this.#shardOf(n).hasNeighbour(n, i => this.nodes[i].on) }
}
