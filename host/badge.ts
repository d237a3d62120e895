// One badge from Node: the real core.wasm behind the badge ABI
// (docs/ABI.md, "Badge"), on a simulated NOR flash part. This is the same
// call sequence firmware makes: init once, then tick / advert / link /
// frame / action as things happen, draining the outbox after each call.

import { Core, CoreExports, coreModule, instantiateCore, IO_DATA, IO_OUT, Accelerator, Signer } from './core.js'
import { NorFlash, NorGeometry, NRF52840, flashImports, FlashPart } from './nor-flash.js'
import { StoreError } from './repo.js'
import { ENGINE_ERRORS } from './engine.js'
import { cborEncode, CborValue } from './cbor.js'
import { isAppRefusal, appRefusalOf } from './app-refusal.js'
import type { CoreOptions } from './core.js'
import type { CorePool } from './core-pool.js'

/** Codes the badge exports return, beyond the engine's (docs/ABI.md). */
export const BADGE_ERRORS: Record<number, string> = {
  ...ENGINE_ERRORS,
  [-70]: 'NoEntropy',
  [-71]: 'LinksFull',
  [-72]: 'MalformedAction',
  [-73]: 'NotStarted',
  [-74]: 'NoSuchLink',
  [-75]: 'BadBeacon',
  [-76]: 'BadEnrolment',
  [-77]: 'EnrolTooLate',
  [-78]: 'GuestsFull'
}

export class BadgeError extends Error {
  override name = 'BadgeError'
  /** `line` replaces the generic message when the host can say more (an app refused at start). */
  constructor (readonly code: number, what: string, line?: string) {
    super(line ?? `${what}: ${BADGE_ERRORS[code] ?? 'error'} (${code})`)
  }
}

export type OutboxRecord =
  | { kind: 'advertise', data: Uint8Array }
  | { kind: 'connect', addr: Uint8Array }
  | { kind: 'disconnect', link: number }
  | { kind: 'send', link: number, frame: Uint8Array }
  | { kind: 'stored', owner: Uint8Array, height: number }

export interface BadgeStatus {
  linksUp: number
  connections: number
  linksOk: number
  linksFailed: number
  violations: number
  blocksReceived: number
  blocksSent: number
  chains: number
  evictions: number
  clockJumps: number
  notesDropped: number
  newIdentity: boolean
  bytesSent: number
  bytesReceived: number
  meshTime: number
  fingerprint: bigint
}

export interface BadgeOptions {
  /** The flash part the badge's region lives on (default: a fresh nRF52840-sized region). */
  flash?: FlashPart
  accelerate?: Accelerator
  /** Signs for the core where the host is faster (core.ts, Signer). */
  sign?: Signer
  entropy?: (buf: Uint8Array) => void
  log?: (line: string) => void
  /** Another build of the core (benchmarks build one with bigger tables); default build/core.wasm. */
  module?: WebAssembly.Module
  /** Run on a pool of instances shared with other badges (host/core-pool.ts) instead of an instance of its own; not with `module`. */
  pool?: CorePool
}

/** The 80 status bytes of badge_status (docs/ABI.md, "Status"). */
export function parseStatus (v: DataView): BadgeStatus {
  const u = (i: number) => v.getUint32(i * 4, true)
  return {
    linksUp: u(0),
    connections: u(1),
    linksOk: u(2),
    linksFailed: u(3),
    violations: u(4),
    blocksReceived: u(5),
    blocksSent: u(6),
    chains: u(7),
    evictions: u(8),
    clockJumps: u(9),
    notesDropped: u(10),
    newIdentity: u(11) === 1,
    bytesSent: Number(v.getBigUint64(48, true)),
    bytesReceived: Number(v.getBigUint64(56, true)),
    meshTime: Number(v.getBigUint64(64, true)),
    fingerprint: v.getBigUint64(72, true)
  }
}

/** A local action's bytes (badge_action): u8 name length, the collection name, one CBOR item. */
export function actionBytes (collection: string, payload: CborValue): Uint8Array {
  const name = new TextEncoder().encode(collection)
  if (name.length === 0 || name.length > 255) throw new RangeError('collection name: 1 to 255 bytes')
  const body = cborEncode(payload)
  const msg = new Uint8Array(1 + name.length + body.length)
  msg[0] = name.length; msg.set(name, 1); msg.set(body, 1 + name.length)
  return msg
}

export interface ChainInfo { owner: Uint8Array, length: number, head: Uint8Array }

/** A chain as store_chains lists it: owner (32 bytes), its length (u32 LE), its head block's signature (64). */
export const CHAIN_RECORD = 100
export const CHAIN_LENGTH_AT = 32
export const CHAIN_HEAD_AT = 36

/** The length at a record (records: CHAIN_RECORD bytes each; at: the record's offset). */
export function chainLengthAt (records: Uint8Array, at: number): number {
  return (records[at + CHAIN_LENGTH_AT] | records[at + CHAIN_LENGTH_AT + 1] << 8 | records[at + CHAIN_LENGTH_AT + 2] << 16 | records[at + CHAIN_LENGTH_AT + 3] << 24) >>> 0
}

/** The records of store_chains (CHAIN_RECORD bytes each) as objects, each with copies of its bytes. */
export function chainInfos (records: Uint8Array): ChainInfo[] {
  if (records.length % CHAIN_RECORD !== 0) throw new RangeError(`chains: ${records.length} bytes is not a whole number of ${CHAIN_RECORD}-byte records`)
  const out: ChainInfo[] = []
  for (let at = 0; at < records.length; at += CHAIN_RECORD) {
    out.push({ owner: records.slice(at, at + 32), length: chainLengthAt(records, at), head: records.slice(at + CHAIN_HEAD_AT, at + CHAIN_RECORD) })
  }
  return out
}

/**
 * What the simulator drives: the badge ABI's calls with the outbox drained
 * after each. Badge (core.wasm in V8) and NativeBadge (host/sim/native-badge.ts,
 * a native board process under WAMR) both implement it.
 */
export interface MeshBadge {
  init (local: number, hint?: number): unknown
  tick (local: number): unknown
  /** How long from local (ms) a tick would do nothing (docs/ABI.md, badge_idle); absent: tick every second. */
  idle? (local: number): number
  advert (addr: Uint8Array, data: Uint8Array, local: number): unknown
  linkUp (link: number, mtu: number, central: boolean, addr: Uint8Array, local: number): unknown
  linkDown (link: number, local: number): unknown
  linkReady (link: number, local: number): void
  frame (link: number, bytes: Uint8Array, local: number): void
  post (collection: string, payload: CborValue, local: number): number
  drain (): OutboxRecord[]
  status (local: number): BadgeStatus
  identity (): Uint8Array
  chains (): ChainInfo[]
  /** The same as store_chains' records (CHAIN_RECORD bytes each), in one buffer: what the simulator's checks read. */
  chainRecords (): Uint8Array
}

/** What drain() returns when the outbox is empty (frozen: the callers only read it). */
const NO_RECORDS: OutboxRecord[] = Object.freeze([]) as unknown as OutboxRecord[]

const IO_ADDR = 192 // 6 bytes of address, then the data area at IO_DATA
const OUTBOX_CHUNK = 8192

export class Badge implements MeshBadge {
  readonly core: Core
  readonly flash: FlashPart
  readonly geometry: NorGeometry
  // The exports the simulator calls for every event, looked up once: an instance's exports object is a
  // dictionary (V8), so `core.x.badge_tick` is a hash lookup at every call, and a simulator of a thousand
  // badges sees a thousand of them at the same line (about 60 ns a call on the project's machine).
  readonly #tick: CoreExports['badge_tick']
  readonly #idle: CoreExports['badge_idle']
  readonly #advert: CoreExports['badge_advert']
  readonly #frame: CoreExports['badge_frame']
  readonly #linkReady: CoreExports['badge_link_ready']
  readonly #outbox: CoreExports['badge_outbox']
  /** Where the outbox is drained to, and how much at a time (the core's window is fixed). */
  readonly #outboxAt: number
  readonly #outboxCap: number

  constructor (opts: BadgeOptions = {}) {
    this.flash = opts.flash ?? new NorFlash(NRF52840)
    this.geometry = this.flash.geometry
    const flash = this.flash
    const options: CoreOptions = {
      accelerate: opts.accelerate,
      sign: opts.sign,
      entropy: opts.entropy,
      log: opts.log,
      flash: m => flashImports(flash, m)
    }
    if (opts.pool && opts.module) throw new RangeError('Badge: a pool runs its own build of the core: give pool or module, not both')
    this.core = opts.pool ? opts.pool.core(options) : new Core(instantiateCore(opts.module ?? coreModule(), options))
    const x = this.core.x
    this.#tick = x.badge_tick
    this.#idle = x.badge_idle
    this.#advert = x.badge_advert
    this.#frame = x.badge_frame
    this.#linkReady = x.badge_link_ready
    this.#outbox = x.badge_outbox
    this.#outboxAt = this.core.io + IO_DATA
    this.#outboxCap = Math.min(OUTBOX_CHUNK, this.core.dataCap)
  }

  #check (rc: number, what: string): number {
    if (rc < 0) throw new BadgeError(rc, what)
    return rc
  }

  /** Starts (or restarts after a power cut) the badge; `hint` is the host's idea of the mesh time, 0 for none. */
  init (local: number, hint = 0): this {
    const { sectorSize, wordSize, size } = this.geometry
    const rc = this.core.x.badge_init(sectorSize, wordSize, size, BigInt(local), BigInt(hint))
    // An app that asked for what the engine cannot hold: which collection, why, what to do (app-refusal.ts).
    if (isAppRefusal(rc)) throw new BadgeError(rc, 'init', appRefusalOf(this.core, rc))
    this.#check(rc, 'init')
    return this
  }

  /** Time passes; returns the number of chains the collector forgot. */
  tick (local: number): number { return this.#check(this.#tick(BigInt(local)), 'tick') }

  /** How long from local (ms) badge_tick would do nothing: until then, and until any other call, ticks may be skipped. */
  idle (local: number): number { return this.#check(this.#idle(BigInt(local)), 'idle') }

  /** An advertisement heard from addr (6 bytes); true when the badge asks to connect. */
  advert (addr: Uint8Array, data: Uint8Array, local: number): boolean {
    const c = this.core
    c.put(IO_ADDR, addr)
    c.put(IO_DATA, data)
    return this.#check(this.#advert(c.io + IO_ADDR, c.io + IO_DATA, data.length, BigInt(local)), 'advert') === 1
  }

  /** A connection is up. Returns false when the badge has no free link (it asked to disconnect). */
  linkUp (link: number, mtu: number, central: boolean, addr: Uint8Array, local: number): boolean {
    const c = this.core
    c.put(IO_ADDR, addr)
    const rc = c.x.badge_link_up(link, mtu, central ? 1 : 0, c.io + IO_ADDR, BigInt(local))
    if (rc === -71) return false
    this.#check(rc, 'linkUp')
    return true
  }

  /** The link is gone. False when the badge did not know it (it refused the link, or rebooted since). */
  linkDown (link: number, local: number): boolean {
    const rc = this.core.x.badge_link_down(link, BigInt(local))
    if (rc === -74) return false
    this.#check(rc, 'linkDown')
    return true
  }

  linkReady (link: number, local: number): void { this.#check(this.#linkReady(link, BigInt(local)), 'linkReady') }

  /** A frame arrived on a link. */
  frame (link: number, bytes: Uint8Array, local: number): void {
    const c = this.core
    c.put(IO_DATA, bytes)
    this.#check(this.#frame(link, c.io + IO_DATA, bytes.length, BigInt(local)), 'frame')
  }

  /**
   * Posts to a collection (a button press becomes a block on the badge's
   * own chain). Returns 1 when the block was accepted, or the reason code.
   */
  post (collection: string, payload: CborValue, local: number): number {
    const msg = actionBytes(collection, payload)
    const c = this.core
    if (msg.length > c.dataCap) throw new RangeError('action too large')
    c.put(IO_DATA, msg)
    return c.x.badge_action(c.io + IO_DATA, msg.length, BigInt(local))
  }

  /** Everything the badge asked its host to do since the last drain, in order. */
  drain (): OutboxRecord[] {
    const c = this.core
    const base = this.#outboxAt
    let n = this.#outbox(base, this.#outboxCap)
    if (n <= 0) return NO_RECORDS // most calls ask for nothing: no array for them
    const out: OutboxRecord[] = []
    for (; n > 0; n = this.#outbox(base, this.#outboxCap)) {
      const u8 = c.u8
      for (let o = 0; o < n;) {
        const kind = u8[base + o]
        const link = u8[base + o + 2] | (u8[base + o + 3] << 8)
        const len = u8[base + o + 4] | (u8[base + o + 5] << 8)
        const p = base + o + 6
        if (kind === 1) out.push({ kind: 'advertise', data: u8.slice(p, p + len) })
        else if (kind === 2) out.push({ kind: 'connect', addr: u8.slice(p, p + 6) })
        else if (kind === 3) out.push({ kind: 'disconnect', link })
        else if (kind === 4) out.push({ kind: 'send', link, frame: u8.slice(p, p + len) })
        else if (kind === 5) out.push({ kind: 'stored', owner: u8.slice(p, p + 32), height: (u8[p + 32] | u8[p + 33] << 8 | u8[p + 34] << 16 | u8[p + 35] << 24) >>> 0 })
        else throw new Error(`outbox: unknown record kind ${kind}`)
        o += 6 + len
      }
    }
    return out
  }

  status (local: number): BadgeStatus {
    const c = this.core
    this.#check(c.x.badge_status(c.io + IO_DATA, BigInt(local)), 'status')
    return parseStatus(new DataView(c.u8.buffer, c.io + IO_DATA, 80))
  }

  /** Tells the badge the event's public key (32 bytes), which signs time beacons (host/beacon.ts). */
  eventKey (pk: Uint8Array): void {
    const c = this.core
    c.put(IO_OUT, pk)
    this.#check(c.x.badge_event_key(c.io + IO_OUT), 'eventKey')
  }

  /** Hands the badge a time beacon (72 bytes): 1 verified and newer (its clock may jump), 0 not newer, -75 refused. */
  beacon (bytes: Uint8Array, local: number): number {
    const c = this.core
    c.put(IO_DATA, bytes)
    return c.x.badge_beacon(c.io + IO_DATA, BigInt(local))
  }

  /**
   * Hands the badge its enrolment cert (64 bytes, host/enrol.ts; after eventKey, at every start): 1 taken,
   * the first post writes the enrol block before it; 0 taken, the chain already starts with one.
   * Throws BadEnrolment (-76: not the event key's for this badge) or EnrolTooLate (-77: the chain started without).
   */
  enrol (cert: Uint8Array): number {
    const c = this.core
    c.put(IO_OUT, cert)
    return this.#check(c.x.badge_enrol(c.io + IO_OUT), 'enrol')
  }

  /** The badge's public key. */
  identity (): Uint8Array {
    const c = this.core
    this.#check(c.x.badge_identity(c.io + IO_OUT), 'identity')
    return c.get(IO_OUT, 32)
  }

  /** The chains the badge holds: owner, length, head signature. */
  chains (): ChainInfo[] { return chainInfos(this.chainRecords()) }

  /** The chains the badge holds, as store_chains lists them (CHAIN_RECORD bytes each), in one buffer. */
  chainRecords (): Uint8Array {
    const c = this.core
    const parts: Uint8Array[] = []
    let total = 0
    for (let start = 0; ;) {
      const n = c.x.store_chains(start, c.io + IO_DATA, c.dataCap)
      if (n < 0) throw new StoreError(n, 'chains')
      if (n === 0) break
      const part = c.get(IO_DATA, n * CHAIN_RECORD)
      parts.push(part)
      total += part.length
      start += n
    }
    if (parts.length === 1) return parts[0]
    const out = new Uint8Array(total)
    let o = 0
    for (const p of parts) { out.set(p, o); o += p.length }
    return out
  }

  /** The state of object id (32 bytes) in the named collection, with its expiry; undefined when there is none. */
  state (collection: string, id: Uint8Array): { bytes: Uint8Array, expires: number } | undefined {
    const c = this.core
    let index = -1
    for (let i = 0; ; i++) {
      const n = c.x.engine_collection(i, c.io + IO_DATA, 64)
      if (n < 0) break
      if (new TextDecoder().decode(c.get(IO_DATA, n)) === collection) { index = i; break }
    }
    if (index < 0) throw new Error(`no collection named ${collection}`)
    c.put(IO_OUT, id)
    const n = c.x.engine_state(index, c.io + IO_OUT, c.io + IO_DATA)
    if (n === -58) return undefined
    if (n < 0) throw new StoreError(n, 'state')
    return { bytes: c.get(IO_DATA, n), expires: Number(new DataView(c.u8.buffer, c.io + IO_DATA + n, 8).getBigUint64(0, true)) }
  }
}
