// The core's state engine from Node: one badge's brain on one flash region.
// Feeds go in (verified by the core), the collector runs on tick(now), and
// states come back as bytes the collection defines.

import { Core, instantiateCore, FlashImports, IO_DATA, IO_OUT, IO_PK } from './core.js'
import { StoreError, STORE_ERRORS, RegionGeometry } from './repo.js'
import { APP_REFUSALS } from './app-refusal.js'

/** Why a feed was refused (docs/ABI.md), by code. */
export const ENGINE_ERRORS: Record<number, string> = {
  ...STORE_ERRORS,
  [-60]: 'InvalidSignature',
  [-61]: 'InvalidParent',
  [-62]: 'UnrecognizedBlockFormat',
  [-63]: 'UnknownCollection',
  [-64]: 'DatedInTheFuture',
  [-65]: 'AlreadyExpired',
  [-66]: 'Rejected',
  [-67]: 'FeedTooLong',
  [-68]: 'Backdated',
  ...APP_REFUSALS // mount: the app's start asked for what the engine cannot hold
}

export interface EngineStats { objects: number, timers: number, pending: number, evictions: number, rejections: number, lastReason: number }

/**
 * Splits a feed into its blocks by their size fields alone, for dispatching
 * a feed bigger than the I/O window in runs: nothing is checked here (the
 * core judges every block), and a tail that does not parse as a block is
 * one last piece, for the core to refuse.
 */
function pieces (feed: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let o = feed.length >= 4 && feed[0] === 0x50 && feed[1] === 0x49 && feed[2] === 0x43 && feed[3] === 0x30 ? 4 : 0 // PIC0
  while (o < feed.length) {
    let size = 0; let n = 0; let b = 0x80
    while ((b & 0x80) !== 0 && n < 5 && o + 64 + n < feed.length) { b = feed[o + 64 + n]; size += (b & 0x7f) * 2 ** (7 * n); n++ }
    const end = o + 64 + n + size
    if ((b & 0x80) !== 0 || end > feed.length) break
    out.push(feed.subarray(o, end))
    o = end
  }
  if (o < feed.length) out.push(feed.subarray(o))
  return out
}

export class BadgeEngine {
  readonly core: Core

  constructor (readonly geometry: RegionGeometry, flash: (memory: () => WebAssembly.Memory) => FlashImports) {
    this.core = new Core(instantiateCore(undefined, { flash }))
  }

  /** Mounts the store and replays it into the states (after boot or a power cut). */
  mount (now: number): this {
    const { sectorSize, wordSize, size } = this.geometry
    const rc = this.core.x.engine_mount(sectorSize, wordSize, size, BigInt(now))
    if (rc < 0) throw new StoreError(rc, 'mount')
    return this
  }

  /**
   * Dispatches a feed; returns the number of blocks accepted, or the reason
   * it was refused (a negative code). A feed larger than the I/O window goes
   * in consecutive runs of whole blocks; the core links each run to the last.
   */
  dispatch (feed: Uint8Array, now: number): number {
    const c = this.core
    if (feed.length <= c.dataCap) {
      c.put(IO_DATA, feed)
      return c.x.engine_dispatch(c.io + IO_DATA, feed.length, BigInt(now))
    }
    const blocks = pieces(feed)
    let accepted = 0
    for (let i = 0; i < blocks.length;) {
      let n = 0
      let size = 0
      while (i + n < blocks.length && size + blocks[i + n].length <= c.dataCap) size += blocks[i + n++].length
      if (n === 0) return accepted || -52 // a single block larger than the window
      let o = 0
      for (let k = 0; k < n; k++) { c.put(IO_DATA + o, blocks[i + k]); o += blocks[i + k].length }
      const rc = c.x.engine_dispatch(c.io + IO_DATA, size, BigInt(now))
      if (rc < 0) return accepted || rc
      accepted += rc
      i += n
    }
    return accepted
  }

  /** Runs the collector at now; returns how many chains were evicted. */
  tick (now: number): number {
    const rc = this.core.x.engine_tick(BigInt(now))
    if (rc < 0) throw new StoreError(rc, 'tick')
    return rc
  }

  /** Index of the collection named name. */
  collection (name: string): number {
    const c = this.core
    for (let i = 0; ; i++) {
      const n = c.x.engine_collection(i, c.io + IO_DATA, 64)
      if (n < 0) throw new Error(`no collection named ${name}`)
      if (new TextDecoder().decode(c.get(IO_DATA, n)) === name) return i
    }
  }

  /** The state bytes and expiry of object id (32 bytes) in collection index, or undefined. */
  state (collection: number, id: Uint8Array): { bytes: Uint8Array, expires: number } | undefined {
    const c = this.core
    c.put(IO_PK, id)
    const n = c.x.engine_state(collection, c.io + IO_PK, c.io + IO_DATA)
    if (n === -58) return undefined
    if (n < 0) throw new StoreError(n, 'state')
    const bytes = c.get(IO_DATA, n)
    const exp = new DataView(c.u8.buffer, c.io + IO_DATA + n, 8).getBigUint64(0, true)
    return { bytes, expires: Number(exp) }
  }

  stats (): EngineStats {
    const c = this.core
    c.x.engine_stats(c.io + IO_OUT)
    const v = (i: number) => c.i32[((c.io + IO_OUT) >> 2) + i]
    return { objects: v(0), timers: v(1), pending: v(2), evictions: v(3), rejections: v(4), lastReason: v(5) }
  }
}
