// The core's block store from Node: one core instance (one badge's memory)
// on one flash region. Blocks go in verified (the caller's job: Feed.from
// verifies), errors come back as exceptions named after the core's codes.

import { Core, instantiateCore, FlashImports, IO_DATA, IO_OUT, IO_PK, IO_SIG } from './core.js'
import { toHex } from './bytes.js'

export interface RegionGeometry { sectorSize: number, wordSize: number, size: number }

/** The core's store error codes (docs/ABI.md), by name. */
export const STORE_ERRORS: Record<number, string> = {
  [-1]: 'OutOfWindow',
  [-40]: 'FlashFailed',
  [-41]: 'BadGeometry',
  [-42]: 'NoFreeSector',
  [-43]: 'RecordTooLarge',
  [-49]: 'ForeignAuthor',
  [-50]: 'AnonymousBlocksNotSupported',
  [-51]: 'MalformedBlock',
  [-52]: 'BlockTooLarge',
  [-53]: 'Fork',
  [-54]: 'ParentNotFound',
  [-55]: 'ChainEvicted',
  [-56]: 'TableFull',
  [-57]: 'StoreFull',
  [-58]: 'NotFound',
  [-59]: 'NotMounted'
}

export class StoreError extends Error {
  constructor (readonly code: number, what: string) {
    super(`${STORE_ERRORS[code] ?? `Error${code}`} (${what}, core code ${code})`)
    this.name = 'StoreError'
  }
}

function check (rc: number, what: string): number {
  if (rc < 0) throw new StoreError(rc, what)
  return rc
}

export interface ChainInfo { owner: string, length: number, head: string }
export interface StoreStats { blocks: number, chains: number, tombstones: number, freeSectors: number, liveBytes: number, stamp: number }

export class FlashRepo {
  readonly core: Core

  /** A fresh core on the given flash (call mount() first), or a view of the store inside an existing core (already mounted). */
  constructor (readonly geometry: RegionGeometry, flash: ((memory: () => WebAssembly.Memory) => FlashImports) | Core) {
    this.core = flash instanceof Core ? flash : new Core(instantiateCore(undefined, { flash }))
  }

  /** Rebuilds the index from flash (after boot or a power cut). */
  mount (): this {
    const { sectorSize, wordSize, size } = this.geometry
    check(this.core.x.store_mount(sectorSize, wordSize, size), 'mount')
    return this
  }

  /** Stores one verified block; true when written, false when it was already there. */
  write (block: Uint8Array, now: number): boolean {
    const c = this.core
    if (block.length > c.dataCap) throw new StoreError(-52, 'write')
    c.put(IO_DATA, block)
    return check(c.x.store_write(c.io + IO_DATA, block.length, BigInt(now)), 'write') === 1
  }

  /** The stored block with this signature, or undefined. */
  read (sig: Uint8Array): Uint8Array | undefined {
    const c = this.core
    c.put(IO_SIG, sig)
    const n = c.x.store_read(c.io + IO_SIG, c.io + IO_DATA, c.dataCap)
    if (n === -58) return undefined
    return c.get(IO_DATA, check(n, 'read'))
  }

  /** Head signature and length of owner's chain, or undefined. */
  head (owner: Uint8Array): { sig: Uint8Array, length: number } | undefined {
    const c = this.core
    c.put(IO_PK, owner)
    const n = c.x.store_head(c.io + IO_PK, c.io + IO_SIG)
    if (n === -58) return undefined
    check(n, 'head')
    return { sig: c.get(IO_SIG, 64), length: n }
  }

  /** Owner's chain as picofeed bytes (PIC0 and the blocks), or undefined. */
  load (owner: Uint8Array): Uint8Array | undefined {
    const c = this.core
    const parts: Uint8Array[] = [new Uint8Array([0x50, 0x49, 0x43, 0x30])]
    let from = 1
    while (true) {
      c.put(IO_PK, owner)
      const n = c.x.store_load(c.io + IO_PK, from, c.io + IO_DATA, c.dataCap)
      if (n === -58 && from === 1) return undefined
      check(n, 'load')
      if (n === 0) break
      const bytes = c.u8[c.io + IO_DATA] | (c.u8[c.io + IO_DATA + 1] << 8) | (c.u8[c.io + IO_DATA + 2] << 16) | (c.u8[c.io + IO_DATA + 3] << 24)
      parts.push(c.get(IO_DATA + 4, bytes))
      from += n
    }
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
    let o = 0
    for (const p of parts) { out.set(p, o); o += p.length }
    return out
  }

  /** Evicts owner's chain and refuses it until `until`; returns how many blocks went. */
  evict (owner: Uint8Array, until: number, now: number): number {
    const c = this.core
    c.put(IO_PK, owner)
    return check(c.x.store_evict(c.io + IO_PK, BigInt(until), BigInt(now)), 'evict')
  }

  chains (): ChainInfo[] {
    const c = this.core
    const out: ChainInfo[] = []
    while (true) {
      const n = check(c.x.store_chains(out.length, c.io + IO_DATA, c.dataCap), 'chains')
      for (let i = 0; i < n; i++) {
        const at = IO_DATA + i * 100
        const e = c.get(at, 100)
        out.push({ owner: toHex(e.subarray(0, 32)), length: e[32] | (e[33] << 8) | (e[34] << 16) | (e[35] << 24), head: toHex(e.subarray(36, 100)) })
      }
      if (n === 0 || (n + 1) * 100 <= c.dataCap) break
    }
    return out
  }

  stats (): StoreStats {
    const c = this.core
    check(c.x.store_stats(c.io + IO_OUT), 'stats')
    const v = (i: number) => c.i32[((c.io + IO_OUT) >> 2) + i] >>> 0
    return { blocks: v(0), chains: v(1), tombstones: v(2), freeSectors: v(3), liveBytes: v(4), stamp: v(5) }
  }
}
