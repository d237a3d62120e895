// The mesh simulator on several threads: the badges split into shards
// (shard.ts), shard 0 on this thread and one on each worker thread, driven
// window by window by SimDriver (driver.ts) exactly as MeshSimulator
// drives shards on one thread, so a seeded run gives the same report on
// any number of threads (tests/sim-threads.test.ts).
//
// A window is under a millisecond of work, so the threads hand messages
// over through blocking channels (thread-channel.ts), not event loops.

import { Worker, MessageChannel, MessagePort } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MeshShard } from './shard.js'
import { LocalShard } from './mesh.js'
import { SimDriver, ShardApi, ShardQueries, Query } from './driver.js'
import { ThreadChannel, channelMemory, BytesMessage } from './thread-channel.js'
import { SharedSignatures } from './shared-signatures.js'
import type { SimOptions } from './options.js'
import type { Room, VenueOptions } from './venue.js'
import { NotBuiltError } from '../not-built.js'

/** What a shard's worker is started with (shard-worker.ts). */
export interface WorkerData {
  opts: SimOptions
  venue: { rooms: Room[], options: VenueOptions } | undefined
  index: number
  count: number
  port: MessagePort
  signal: SharedArrayBuffer
  regions: SharedArrayBuffer
}

export type ShardRequest =
  | { op: 'open' }
  | { op: 'begin', to: number, incoming: Uint8Array[] }
  | { op: string, args: unknown[] }

/**
 * Threads the simulator uses when not told: one per core, with at least 5,000 badges each. Measured on
 * a 2-core machine (README, "Threads"): two threads ran 4,000 badges' fourth minute 1.3x faster than
 * one, but 2,000 badges' first two minutes only 1.03x (the hand-overs at each window, and V8's
 * collector no longer having the second core to itself, cost about what the second core gains).
 */
export function defaultThreads (badges: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(badges / 5000)))
}

/** The worker's script: beside this module when built; run from the TypeScript sources (the tests), the built one. */
function workerScript (): URL {
  const here = new URL('./shard-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(here))) return here
  const built = new URL('../../dist/host/sim/shard-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(built))) return built
  throw new NotBuiltError('the shard worker is not built: run `npm run build`')
}

/**
 * A worker's young generation (MB; V8's default on 64 bits is 3 x 16-MB semi-spaces). A shard's garbage
 * is short-lived (messages, calls into the cores), so a smaller nursery collects it as well: at 10,000
 * badges x 3 min on 2 threads, peak resident 1,335 -> 1,300 MiB, the same wall time within noise.
 */
const WORKER_YOUNG_MB = 24

/** Slot of the shared signal a worker sets once it runs (thread-channel.ts uses slots 0 and 1). */
export const STARTED = 2
/** How long a worker may take to start before the simulator gives up on it (ms). */
const START_TIMEOUT = 60_000

/** A shard on a worker thread. */
class WorkerShard implements ShardApi {
  readonly local = false
  readonly #worker: Worker
  readonly #channel: ThreadChannel
  readonly #signal: Int32Array
  #exited: Error | null = null

  constructor (opts: SimOptions, index: number, count: number) {
    const { port1, port2 } = new MessageChannel()
    const { signal, regions } = channelMemory()
    this.#signal = new Int32Array(signal)
    const v = opts.venue
    const data: WorkerData = {
      // What crosses a thread: the options without functions and objects of this thread (progress, log, a core pool).
      opts: { ...opts, onProgress: undefined, log: undefined, cores: undefined, venue: undefined },
      venue: v ? { rooms: v.rooms, options: v.options } : undefined,
      index,
      count,
      port: port2,
      signal,
      regions
    }
    this.#worker = new Worker(workerScript(), { workerData: data, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } })
    this.#worker.on('error', e => { this.#exited = e })
    this.#worker.unref()
    this.#channel = new ThreadChannel(port1, signal, 0, regions)
  }

  #ask (req: ShardRequest, transfer: ArrayBuffer[] = []): unknown {
    if (this.#exited) throw this.#exited
    this.#channel.send(req, transfer)
    const reply = this.#channel.receive() as { value?: unknown, error?: string }
    if (reply.error !== undefined) throw new Error(`sim: shard worker: ${reply.error}`)
    return reply.value
  }

  /** Waits for the worker to run (a worker whose script fails to load never would: this thread, blocked, would hear no error), then has it build its shard. */
  open (): void {
    if (Atomics.wait(this.#signal, STARTED, 0, START_TIMEOUT) === 'timed-out') {
      void this.#worker.terminate()
      this.#exited = new Error('sim: a shard worker did not start')
      throw this.#exited
    }
    this.#ask({ op: 'open' })
  }
  #call<T> (op: string, ...args: unknown[]): T { return this.#ask({ op, args }) as T }

  begin (to: number, incoming: Uint8Array[]): void {
    if (this.#exited) throw this.#exited
    this.#channel.sendBytes(to, incoming)
  }

  finish (): Uint8Array[] {
    const reply = this.#channel.receive() as BytesMessage | { error: string }
    if ('error' in reply) throw new Error(`sim: shard worker: ${reply.error}`)
    return reply.parts
  }

  /** Boots the shard's badges; startDone() waits for it (so the workers boot theirs while this thread boots its own). */
  startBegin (): void { this.#channel.send({ op: 'start', args: [] }) }
  startDone (): void {
    const reply = this.#channel.receive() as { error?: string }
    if (reply.error !== undefined) throw new Error(`sim: shard worker: ${reply.error}`)
  }
  ask<Q extends Query> (op: Q, args: Parameters<ShardQueries[Q]>): void {
    if (this.#exited) throw this.#exited
    this.#channel.send({ op, args })
  }

  answer (): unknown {
    const reply = this.#channel.receive() as { value?: unknown, error?: string }
    if (reply.error !== undefined) throw new Error(`sim: shard worker: ${reply.error}`)
    return reply.value
  }

  close (): void {
    if (this.#exited) return
    try { this.#call('close') } catch { /* a failed worker has nothing left to close */ }
    this.#exited = new Error('sim: shard worker closed')
    void this.#worker.terminate()
  }
}

export class ThreadedSimulator extends SimDriver {
  readonly #local: MeshShard
  readonly #remote: WorkerShard[]

  /** The same event as new MeshSimulator(opts), its badges split over `threads` threads (this one and threads - 1 workers). */
  constructor (opts: SimOptions, readonly threads = defaultThreads(opts.badges)) {
    if (!(Number.isInteger(threads) && threads >= 1 && threads <= opts.badges)) throw new RangeError(`sim: threads must be a whole number from 1 to the number of badges, not ${threads}`)
    if (opts.cores) throw new RangeError('sim: a core pool serves one thread (run the page\'s simulation on one)')
    if ((opts.native ?? 0) > 0 && threads > 1) throw new RangeError('sim: native badges run on one thread (--threads 1)')
    // Signatures one thread made or verified, for the others (shared-signatures.ts).
    if (threads > 1) opts = { ...opts, signatures: new SharedSignatures().buffer }
    const local = new MeshShard(opts, 0, threads)
    const remote = Array.from({ length: threads - 1 }, (_, k) => new WorkerShard(opts, k + 1, threads))
    super(opts, [new LocalShard(local), ...remote])
    this.#local = local
    this.#remote = remote
    try {
      for (const r of remote) r.open()
    } catch (e) {
      this.close()
      throw e
    }
  }

  protected startShards (): void {
    for (const r of this.#remote) r.startBegin()
    this.#local.start()
    for (const r of this.#remote) r.startDone()
  }
}
