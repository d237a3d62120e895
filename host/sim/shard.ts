// One shard of the mesh simulator: the badges whose index is `index` modulo
// `count`, each the real core.wasm (its own instance, memory and simulated
// NOR flash), talking through the radio model of radio.ts while people
// walk around (venue.ts) and badges lose power. A simulator (mesh.ts on one
// thread, threads.ts on several) drives one or more shards in windows of
// REPORT_DELAY of virtual time.
//
// Why that is exact: a badge touches another only by a RadioMessage
// (message.ts) that arrives REPORT_DELAY or later after it was sent, so
// what a shard does within a window cannot depend on what another does in
// the same window. Each event is ordered by (time, badge, origin, origin's
// sequence) (queue.ts), every random number a badge's event draws comes
// from that badge's own stream, and every shard knows every walker (each
// moves by its own stream): a badge's history is the same whichever shard
// holds it and whoever shares that shard. Invariants the code keeps:
//   - an event of badge i reads and writes only badge i's state, walkers'
//     positions (fixed between radio epochs) and this shard's counters
//     (sums, whose order does not matter);
//   - a message is sent with a delay of at least REPORT_DELAY (send());
//   - what the simulator reads of all badges (samples, the report) it
//     reads at a window's edge, shard by shard, and merges.
//
// The shard is the badges' host: it calls the badge ABI exactly as
// firmware does (init, tick every second, adverts heard, links up and
// down, frames, link-ready) and carries out what each badge's outbox asks
// (advertise, connect, disconnect, send). With `native`, some badges are
// native board processes instead (boards/native: the C firmware under real
// WAMR), driven over the radio socket by NativeBadge with the same calls.
//
// Skipped ticks (docs/ABI.md, badge_idle): right after a tick the shard asks
// the badge how long its ticks would do nothing, and skips them until then
// (SimBadge.quietUntil). Every call that may change the badge goes through
// call(), which ends the skip unless its function says the badge's answer
// stands (an advert it did not act on). A new call into a badge outside
// call() must only read it, or end the skip itself; today's (chains,
// status, chainRecords, identity, and the attacks' reads) only read.

import { Badge, CHAIN_RECORD, MeshBadge, OutboxRecord } from '../badge.js'
import { FlashPart, NRF52840, PowerLoss } from '../nor-flash.js'
import { SectorFlash } from './sector-flash.js'
import { SectorSlab } from './sector-slab.js'
import { AdvertFilter } from './advert-filter.js'
import { RadioGrid } from './radio-grid.js'
import { toHex, latin1 } from '../bytes.js'
import { EventQueue, SimEvent, MAX_BADGES } from './queue.js'
import { Rng } from '../rng.js'
import { Venue, Walker } from './venue.js'
import {
  RANGE, ADV_INTERVAL, ADV_JITTER, SCAN_DUTY, CONNECT_SETUP, MAX_CONNECTIONS,
  FRAME_OVERHEAD, ADV_OVERHEAD, ADV_CHANNELS, REPORT_DELAY, CONN_INTERVAL, lossAt, effectiveDistance, frameTime
} from './radio.js'
import { VerifyCache } from './verify-cache.js'
import { HostSigner } from './host-signer.js'
import { SharedSignatures } from './shared-signatures.js'
import { cborEncode, CborValue } from '../cbor.js'
import { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR } from '../segment.js'
import { IO_DATA } from '../core.js'
import { NativeBadge } from './native-badge.js'
import { NativeFleet } from './native-env.js'
import { ATTACKS, AttackKind, Attack, HostileEnv, ScriptedPeer } from './hostile/index.js'
import { LossCheck, LossOwner } from './losses.js'
import { OwnerIds } from './owner-ids.js'
import { beaconSign, eventKeyOf } from '../beacon.js'
import { enrolCert } from '../enrol.js'
import { SIM_EVENT_SECRET } from './event.js'
import { RadioMessage, pack, unpack, MSG_ADVERT, MSG_SPOOF, MSG_CONNECT, MSG_ACCEPT, MSG_REFUSE, MSG_DOWN, MSG_FRAME } from './message.js'
import { SimOptions, HostileKind, PlannedPost, nativeIndices, EPOCH, TICK, BEACON_EVERY, MAX_POSTERS } from './options.js'
import type { Disagreeing } from './report.js'
import type { ShardQueries } from './driver.js'

const PROOF_DOMAIN = new TextEncoder().encode('picobadge PROOF2')
const BEACON_DOMAIN = new TextEncoder().encode('picobadge BEACON')
const startsWith = (m: Uint8Array, d: Uint8Array) => m.length >= d.length && d.every((b, i) => m[i] === b)
/** Whether a signed message is a link's PROOF or a time beacon (host/hello.ts, host/beacon.ts) rather than a block. */
const isHandshake = (m: Uint8Array) => startsWith(m, PROOF_DOMAIN) || startsWith(m, BEACON_DOMAIN)
const ascii = (s: string) => Uint8Array.from(s, c => c.charCodeAt(0))
/** Bytes of each arena of hearers' lists (MeshShard.#inArena): about 500 adverts. */
const ARENA_BYTES = 16_384
/** What takeOutbox gives a shard nothing was sent to (two a window, thousands a simulated minute: one array, never written). */
const NO_MESSAGES = new Uint8Array(0)
/** A link's number, the same at both ends: its central's index and how many links that central had begun. */
const linkId = (central: number, k: number) => central * 2 ** 24 + (k % 2 ** 24)

// The badge ABI's hot calls, for MeshShard.call (made once: a closure per call is an allocation).
const TICK_CALL = (b: MeshBadge, local: number): void => { b.tick(local) }
const FRAME = (b: MeshBadge, local: number, handle: number, frame: Uint8Array): void => { b.frame(handle, frame, local) }
// An advert the badge did not act on (false: no connection asked for) leaves its idle() as it was and its outbox empty (docs/ABI.md, badge_idle and badge_advert).
const ADVERT = (b: MeshBadge, local: number, addr: Uint8Array, data: Uint8Array): boolean => b.advert(addr, data, local) === false
const LINK_READY = (b: MeshBadge, local: number, handle: number): void => { b.linkReady(handle, local) }

/** One end of a link: each badge holds its own, and the two ends learn of each other only by radio messages. */
export class HalfLink {
  /** The central's end is up once the peripheral accepted; the peripheral's as it accepts. */
  up = false
  readonly queue: Uint8Array[] = []
  busy = false
  /** A hostile end played by hand (hostile/peer.ts) instead of by its core. */
  script: ScriptedPeer | null = null
  constructor (readonly id: number, readonly self: SimBadge, readonly peer: number, readonly handle: number, readonly mtu: number, readonly central: boolean) {}
}

export class SimBadge {
  badge: MeshBadge | null = null
  /** A native board process (its flash a file the fleet keeps across its power cycles), else core.wasm in V8. */
  native = false
  on = false
  bootAt = 0
  /** Its local time before which a tick would do nothing (MeshBadge.idle, asked after each tick; call() resets it); 0: tick. */
  quietUntil = 0
  advData: Uint8Array | null = null
  /** Link ends, by the badge's own handle, and by link number. */
  readonly links = new Map<number, HalfLink>()
  readonly byId = new Map<number, HalfLink>()
  nextHandle = 1
  /** Links this badge began as central (linkId). */
  begun = 0
  /** Events and messages this badge caused (queue.ts orders by it). */
  seq = 0
  /**
   * A hostile badge's neighbours: each advertiser it reported, in the order first heard since it booted,
   * and when last reported (its attacks read them, HostileEnv.neighbours). Null on an honest badge: the
   * duplicate filter itself is the shard's (advert-filter.ts).
   */
  readonly heard: Map<number, number> | null
  owner = ''
  posts = 0
  /** Links the badge had up when it last lost power. */
  linksAtLastCut = 0
  held: Array<{ frame: Uint8Array }> = []
  /** The attack a hostile badge of a #12 kind plays (hostile/). */
  attack: Attack | null = null
  /** Block signature checks the badge's core asked the accelerator for. */
  verifies = 0
  /** Signature checks of a link's PROOF or a time beacon (docs/SYNC.md §4, §7): one per link or newer beacon, not per block. */
  handshakeVerifies = 0
  /** When its attack starts (ms of simulated time); before, a hostile badge of a #12 kind syncs honestly. */
  attackFrom = 0
  /** Its tick and its advert: one event each, put back in the queue each time it runs (queue.ts, again). */
  tickEvent: SimEvent | null = null
  advertEvent: SimEvent | null = null
  constructor (
    readonly index: number,
    readonly addr: Uint8Array,
    readonly flash: FlashPart,
    readonly walker: Walker,
    readonly rng: Rng,
    /** The badge's posts (the default plan), drawn from a stream of their own. */
    readonly planRng: Rng,
    readonly drift: number,
    readonly mtu: number,
    readonly hostile: HostileKind | undefined
  ) {
    this.heard = hostile ? new Map() : null
  }

  /** The badge's own clock: ms since it booted, running drift fast or slow. */
  local (t: number): number { return Math.floor((t - this.bootAt) * (1 + this.drift)) }
}

/**
 * What a shard's badges noted about blocks since the last take (the simulator applies them in (time, badge) order).
 * `stamp`, on a post: the poster's mesh clock then (ms of virtual time), the time the block carries and its expiry counts from.
 */
export interface MetricNote { posted: boolean, t: number, badge: number, owner: string, height: number, stamp?: number }

/** The shard's counters: sums over its badges, added up over shards. */
export interface ShardCounters {
  linkBytes: number, advertBytes: number, frames: number, connections: number, connectFailures: number, linkBreaks: number, powerCuts: number
  connectsToNowhere: number, zombies: number, cacheHits: number, cacheMisses: number, cacheVerified: number
}

/** A sample's part from one shard. */
export interface SampleParts { chains: number, links: number, clocks: number[], notes: MetricNote[] }

/** What the report needs from one shard at the end. */
export interface EndParts {
  health: { linksOk: number, linksFailed: number, violations: number, evictions: number, clockJumps: number }
  live: number[]
  erasesMax: number
  /** Per chain-set fingerprint of the counted badges: how many hold it, and the lowest index that does. */
  prints: Array<[string, number, number]>
  ram: number
  counted: number
  off: number
  on: number[]
  verifies: number
  handshakes: number
  hostileCounts: Array<[HostileKind, Record<string, number>]>
  counters: ShardCounters
}

export class MeshShard implements ShardQueries {
  readonly q = new EventQueue()
  readonly venue: Venue
  readonly nodes: SimBadge[] = []
  /** Signs for the badges' cores (host-signer.ts), and vouches for what it signed to the cache. */
  readonly signer: HostSigner
  readonly cache: VerifyCache
  readonly end: number
  readonly counters: ShardCounters = { linkBytes: 0, advertBytes: 0, frames: 0, connections: 0, connectFailures: 0, linkBreaks: 0, powerCuts: 0, connectsToNowhere: 0, zombies: 0, cacheHits: 0, cacheMisses: 0, cacheVerified: 0 }
  readonly #byAddr = new Map<string, SimBadge>()
  /** Who is near whom since the last radio epoch (radio-grid.ts). */
  readonly #grid: RadioGrid
  /** A row of a neighbourhood: [from, to) in the grid's arrays (RadioGrid.row). */
  readonly #run = new Int32Array(2)
  /** The native board processes and their files; made at start when opts.native > 0. */
  fleet: NativeFleet | null = null
  /** Per hostile kind: what its badges did and what the honest badges counted against them (this shard's part). */
  readonly hostileCounts = new Map<HostileKind, Record<string, number>>()
  /** Messages for badges of other shards, by shard. */
  readonly outbox: RadioMessage[][]
  /**
   * The badges that caught the advert being sent, by shard: MSG_ADVERT's list (u16 little-endian indices;
   * MAX_BADGES is 2^15), filled to #heard bytes (#advertise; 0 between adverts). Reused: an array per
   * advert and its copy were about 670 of the 4,230 bytes a settled badge-second allocated.
   */
  readonly #hearers: Uint8Array[]
  readonly #heard: Int32Array
  /** Where the hearers' lists of the adverts in flight are kept (#inArena). */
  #arena = new Uint8Array(ARENA_BYTES)
  #arenaAt = 0
  /** The duplicate filters of this shard's badges' scanners. */
  readonly #filter: AdvertFilter
  #notes: MetricNote[] = []
  readonly #counted: (i: number) => boolean
  /** Owners as numbers, for the checks of what each badge holds (owner-ids.ts). */
  readonly #ownerIds = new OwnerIds()
  readonly #losses = new LossCheck(this.#ownerIds)
  #expired = new Set<string>()
  /** Per honest badge, the expired owners (ids) it was seen without. */
  readonly #forgot = new Map<number, Set<number>>()
  #epochAt = -1

  constructor (readonly opts: SimOptions, readonly index = 0, readonly count = 1) {
    if (!(opts.badges >= 2)) throw new RangeError('sim: at least 2 badges')
    if (opts.badges > MAX_BADGES) throw new RangeError(`sim: at most ${MAX_BADGES} badges`)
    if (!(opts.minutes > 0)) throw new RangeError('sim: minutes must be positive')
    const shared = opts.signatures ? new SharedSignatures(opts.signatures) : undefined
    this.signer = new HostSigner(shared)
    this.cache = new VerifyCache(this.signer, shared)
    const rng = new Rng(opts.seed)
    this.venue = opts.venue ?? Venue.forBadges(opts.badges)
    this.end = opts.minutes * 60_000
    const hostile = new Map((opts.hostile ?? []).map(h => [h.badge, h]))
    this.#counted = i => !hostile.has(i)
    const mtu = opts.mtu ?? 247
    const geometry = opts.geometry ?? NRF52840
    const slab = new SectorSlab(geometry.sectorSize) // the flash sectors of this shard's badges (the others' stay erased here)
    for (let i = 0; i < opts.badges; i++) {
      const r = rng.fork()
      const addr = Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0x5a, 0xb0, 0xc0)
      const n = new SimBadge(i, addr, new SectorFlash(geometry, { seed: r.u32(), slab }), new Walker(this.venue, r.fork(), opts.dwellMinutes), r, r.fork(), r.range(-50e-6, 50e-6), mtu, hostile.get(i)?.kind)
      this.nodes.push(n)
      this.#byAddr.set(toHex(addr), n)
    }
    for (const i of nativeIndices(opts.badges, opts.native ?? 0, new Set(hostile.keys()))) this.nodes[i].native = true
    this.#grid = new RadioGrid(opts.badges, this.venue.width, this.venue.height)
    this.outbox = Array.from({ length: count }, () => [])
    this.#hearers = Array.from({ length: count }, () => new Uint8Array(256))
    this.#heard = new Int32Array(count)
    this.#filter = new AdvertFilter(opts.badges)
  }

  /** Whether this shard holds badge i. */
  owns (i: number): boolean { return i % this.count === this.index }

  /** Kills every native board process and removes their files. Call when done with the shard (safe twice). */
  close (): void {
    this.fleet?.close()
    this.fleet = null
  }

  // ---- events and messages ------------------------------------------------------------

  /** Schedules fn on badge n at time t, caused by n itself. */
  #at (n: SimBadge, t: number, fn: () => void): SimEvent { return this.q.at(t, n.index, n.index, n.seq++, fn) }
  #after (n: SimBadge, dt: number, fn: () => void): SimEvent { return this.#at(n, this.q.now + dt, fn) }

  /** Sends a radio message from badge `from` to badge `to`, arriving `delay` ms from now (never sooner than REPORT_DELAY). */
  #send (from: SimBadge, to: number, delay: number, kind: number, link: number, num: number, a: Uint8Array | null, b: Uint8Array | null): void {
    if (!(delay >= REPORT_DELAY)) throw new Error(`sim: a message sooner than REPORT_DELAY (${delay} ms)`)
    const m: RadioMessage = { kind, t: this.q.now + delay, target: to, origin: from.index, seq: from.seq++, k: 0, link, num, a, b }
    if (this.owns(to)) this.receive(m)
    else this.outbox[to % this.count].push(m)
  }

  /** The last advert data unpacked from each badge of other shards (message.ts, unpack: reused while it is the same). */
  readonly #adverts: Array<Uint8Array | undefined> = []

  /** Takes the messages other shards packed for this one (message.ts) into its queue. */
  receivePacked (batches: Uint8Array[]): void {
    for (const b of batches) for (const m of unpack(b, this.#adverts)) this.receive(m)
  }

  /** The messages for other shards' badges since the last take, packed, one buffer per shard (its own: empty). */
  takeOutbox (): Uint8Array[] {
    return this.outbox.map((ms, k) => {
      if (k === this.index || ms.length === 0) return NO_MESSAGES
      const b = pack(ms)
      ms.length = 0
      return b
    })
  }

  /** Takes a message sent to one of this shard's badges into its queue. */
  receive (m: RadioMessage): void {
    // The message is its own event (no closure for each): 10,000 badges hear millions of them an hour.
    this.q.again(m, m.t, m.target, m.origin, m.seq)
  }

  #onMessage (m: RadioMessage): void {
    if (m.kind === MSG_ADVERT) {
      // Every badge of this shard that caught the advert, in the order the advertiser's loop met them.
      const to = m.a!; const addr = this.nodes[m.origin].addr
      for (let i = 0; i < to.length; i += 2) this.#heardAdvert(this.nodes[to[i] | to[i + 1] << 8], m.origin, addr, m.b!)
      return
    }
    const n = this.nodes[m.target]
    switch (m.kind) {
      case MSG_SPOOF: this.call(n, (b, local) => { b.advert(m.a!, m.b!, local) }); break
      case MSG_CONNECT: this.#connectInd(n, m.origin, m.link, m.num, m.a ? latin1(m.a) : ''); break
      case MSG_ACCEPT: this.#accepted(n, m.origin, m.link, m.a ? latin1(m.a) : ''); break
      case MSG_REFUSE: { const h = n.byId.get(m.link); if (h) this.#forget(h); break }
      case MSG_DOWN: { const h = n.byId.get(m.link); if (h) this.#close(h, false, 0); break }
      case MSG_FRAME: this.#frameIn(n, m.link, m.b!); break
    }
  }

  /**
   * Runs the shard's events before time `to`. A radio epoch (and a beacon) happens at each whole second,
   * before any event at that time; edges come every TICK from the one start() ran at 0.
   */
  runUntil (to: number): void {
    for (;;) {
      const edge = this.#epochAt + TICK
      const t = this.q.peekTime()
      if (edge <= t && edge < to) { this.q.now = edge; this.#edge(edge); continue }
      if (t >= to) break
      const e = this.q.pop() as SimEvent | RadioMessage
      if ((e as SimEvent).run) (e as SimEvent).run()
      else this.#onMessage(e as RadioMessage)
    }
    this.q.now = Math.max(this.q.now, to)
  }

  /** What happens at a whole second, before any event at that time: people move; the desk hands out a beacon. */
  #edge (t: number): void {
    this.#epochAt = t
    this.#radioEpoch()
    if (t > 0 && t % BEACON_EVERY === 0) this.#beacon(t / BEACON_EVERY - 1)
  }

  // ---- calling the badges ------------------------------------------------------------

  /**
   * Runs one ABI call on a badge and carries out its outbox; a power cut inside it turns the badge off.
   * The hot calls (ticks, frames, adverts heard) pass a function made once and its arguments `x` and
   * `y`, not a closure: a closure is allocated at each call, and there are several a badge-second.
   * `fn` returns true when the call left the badge as it was for its host: its idle() answer, and
   * nothing in its outbox; after any other call the outbox is drained and the badge's next tick runs
   * (#tick asks idle() after it).
   */
  call<X, Y> (n: SimBadge, fn: (b: MeshBadge, local: number, x: X, y: Y) => boolean | void, x?: X, y?: Y): void {
    if (!n.on || n.badge === null) return
    try {
      // An advert the badge did not act on left its outbox empty too (docs/ABI.md, badge_advert): no drain.
      if (fn(n.badge, n.local(this.q.now), x as X, y as Y) === true) return
      n.quietUntil = 0
      this.#carryOut(n, n.badge.drain())
    } catch (e) {
      if (e instanceof PowerLoss) { this.powerOff(n); return }
      throw e
    }
  }

  #carryOut (n: SimBadge, records: OutboxRecord[]): void {
    for (let i = 0; i < records.length; i++) { // indexed: a for-of here allocated an iterator result per record
      const r = records[i]
      switch (r.kind) {
        case 'advertise': n.advData = r.data; break
        case 'connect': this.#connect(n, r.addr); break
        case 'disconnect': {
          const h = n.links.get(r.link)
          if (!h) break
          const kind = this.nodes[h.peer].hostile
          if (kind && !n.hostile) this.#countKind(kind, 'droppedByHonest')
          this.#close(h, true, 1)
          break
        }
        case 'send': this.#sendFrame(n, r.link, r.frame); break
        case 'stored': {
          const owner = toHex(r.owner)
          if (this.#expired.has(owner) && !n.hostile) this.counters.zombies++
          this.#notes.push({ posted: false, t: this.q.now, badge: n.index, owner, height: r.height })
          break
        }
      }
    }
  }

  // ---- power -------------------------------------------------------------------------

  powerOn (n: SimBadge): void {
    if (n.on) return
    n.flash.powerOn()
    if (n.native) {
      this.fleet ??= new NativeFleet({ interp: this.opts.nativeInterp, timeoutMs: this.opts.nativeTimeoutMs })
      // Its core's entropy is n.rng's, drawn when it asks (over the radio socket), as a V8 badge's below.
      n.badge = this.fleet.start(n.index, buf => n.rng.fill(buf))
    } else {
      n.badge = new Badge({
        flash: n.flash,
        // A link's PROOF is checked by one badge once: remembering it would only fill the memo (beacons are shared: remembered).
        accelerate: this.opts.accelerate === false ? undefined : (sig, pk, msg) => { if (!isHandshake(msg)) { n.verifies++; return this.cache.accelerate(sig, pk, msg) } n.handshakeVerifies++; return startsWith(msg, PROOF_DOMAIN) ? this.cache.check(sig, pk, msg) : this.cache.accelerate(sig, pk, msg) },
        sign: this.opts.accelerate === false ? undefined : this.signer.sign,
        entropy: buf => n.rng.fill(buf),
        log: this.opts.log ? line => this.opts.log!(n.index, line) : undefined,
        pool: this.opts.cores
      })
    }
    n.on = true
    n.bootAt = this.q.now
    this.#filter.forget(n.index)
    n.heard?.clear()
    // The first boot knows roughly when the event started (flashed that morning); later boots know nothing.
    const hint = n.owner === '' ? EPOCH - Math.floor(n.rng.range(0, 120_000)) : 0
    this.call(n, (b, local) => { b.init(local, hint) })
    if (!n.badge) return
    // Firmware knows the event key (the app image check); a native board gives its --event-key to its core at every start.
    if (n.badge instanceof Badge) n.badge.eventKey(this.#eventKey)
    // Enrolled at the desk (docs/SYNC.md §6.1), every badge, the hostile one too (an attendee with one
    // enrolled key; the keys it makes up are not), before its first post, which founds the chain with
    // the enrol block. The core keeps the cert on flash; handing it over again at each start writes nothing.
    // A native board takes it over its radio socket (ENROL), as a board takes it over serial (docs/RPC.md).
    if (n.badge instanceof Badge || n.badge instanceof NativeBadge) n.badge.enrol(enrolCert(SIM_EVENT_SECRET, n.badge.identity()))
    n.owner = toHex(n.badge.identity())
    // What survived on flash is held: a STORED note lost with the power cut that came right after the write must not hide it.
    for (const c of n.badge.chains()) this.#notes.push({ posted: false, t: this.q.now, badge: n.index, owner: toHex(c.owner), height: c.length })
  }

  /** Power fails: the badge's links break (its neighbours hear at their next connection event) and its RAM is gone; flash keeps what was committed. */
  powerOff (n: SimBadge): void {
    if (!n.on) return
    n.on = false
    n.linksAtLastCut = n.links.size
    // A native badge's power cut is SIGKILL (it is idle between requests; its flash file keeps what it wrote).
    if (n.badge instanceof NativeBadge) n.badge.kill()
    n.badge = null
    n.advData = null
    this.counters.powerCuts++
    for (const h of [...n.links.values()]) this.#close(h, true, 0)
  }

  /** Cuts power now, or (midWrite) in the middle of the badge's next flash program or erase. */
  cutPower (n: SimBadge, { midWrite = false, offFor = 30_000 } = {}): void {
    const back = () => this.#after(n, offFor, () => this.powerOn(n))
    if (!midWrite) { this.powerOff(n); back(); return }
    // A native board cuts its own power at that write (it exits 137 half-way through it).
    const at = 1 + n.rng.int(3)
    if (n.badge instanceof NativeBadge) n.badge.cutPowerAt(at); else n.flash.cutPowerAt(at)
    const watch = () => { if (!n.on) back(); else this.#after(n, 50, watch) }
    this.#after(n, 50, watch)
  }

  // ---- radio: advertising and connecting -------------------------------------------

  /** Every second: people move; links whose ends walked apart break (each end breaks its own: both see the same distance). */
  #radioEpoch (): void {
    for (const n of this.nodes) n.walker.at(this.q.now)
    this.#grid.fill(i => this.nodes[i].walker)
    for (let i = this.index; i < this.nodes.length; i += this.count) {
      const n = this.nodes[i]
      if (n.links.size === 0) continue
      for (const h of [...n.links.values()]) {
        if (this.#distance(n, this.nodes[h.peer]) < RANGE) continue
        if (h.central && h.up) this.counters.linkBreaks++
        this.#close(h, false, 0)
      }
    }
  }

  /** Whether another badge that is on (`on`, by index) is within radio range of n (the grid of the last radio epoch). */
  hasNeighbour (n: SimBadge, on: (i: number) => boolean): boolean {
    const g = this.#grid; const run = this.#run
    for (let dy = -1; dy <= 1; dy++) {
      g.row(n.walker.x, n.walker.y, dy, run)
      for (let k = run[0]; k < run[1]; k++) {
        const m = this.nodes[g.ids[k]]
        if (m !== n && on(m.index) && this.#distance(n, m) < RANGE) return true
      }
    }
    return false
  }

  #distance (a: SimBadge, b: SimBadge): number {
    return effectiveDistance(a.walker.x - b.walker.x, a.walker.y - b.walker.y, a.walker.room === b.walker.room)
  }

  /**
   * Badge n advertises: every badge in range whose scan window catches it (drawn from n's stream, for
   * each in range whether on or not: n cannot know) hears it REPORT_DELAY later.
   */
  #advertise (n: SimBadge): void {
    this.q.again(n.advertEvent!, this.q.now + ADV_INTERVAL + n.rng.range(0, ADV_JITTER), n.index, n.index, n.seq++)
    if (!n.on || n.advData === null) return
    this.counters.advertBytes += (n.advData.length + ADV_OVERHEAD) * ADV_CHANNELS
    const { ids, xs, ys, rooms } = this.#grid
    const run = this.#run
    const nx = n.walker.x; const ny = n.walker.y; const room = n.walker.room
    const me = n.index
    const count = this.count
    // Indices and positions only (the grid's flat arrays): a badge's object is not touched unless it hears.
    for (let row = -1; row <= 1; row++) {
      this.#grid.row(nx, ny, row, run)
      for (let k = run[0], end = run[1]; k < end; k++) {
        const m = ids[k]
        if (m === me) continue
        // Two thirds of the 3x3 cells lie beyond range: skipped without the square root. Exact: at
        // dx² + dy² ≥ RANGE², the distance is ≥ RANGE too (sqrt is monotone and RANGE² a square), and
        // no random number is drawn for a pair out of range either way.
        const dx = nx - xs[k]; const dy = ny - ys[k]
        if (dx * dx + dy * dy >= RANGE * RANGE) continue
        const d = effectiveDistance(dx, dy, room === rooms[k]) // #distance(n, m), from the epoch's copies of the same numbers
        if (d >= RANGE || !n.rng.chance(SCAN_DUTY * (1 - lossAt(d)))) continue
        this.#hear(m % count, m)
      }
    }
    this.#sendAdvert(n)
  }

  /** Adds badge m, of shard s, to the hearers of the advert being sent. */
  #hear (s: number, m: number): void {
    const at = this.#heard[s]
    let to = this.#hearers[s]
    if (at + 2 > to.length) { const wider = new Uint8Array(2 * to.length); wider.set(to); this.#hearers[s] = to = wider }
    to[at] = m & 0xff; to[at + 1] = m >> 8
    this.#heard[s] = at + 2
  }

  /**
   * The first `bytes` of `from`, copied into the arena (a view of it): a list of hearers lives until its
   * advert arrives, and a copy of its own (a typed array and its buffer, for 20 bytes) cost about 400
   * bytes a settled badge-second, a view of the arena 185. An arena that is full is left to the views still on it.
   */
  #inArena (from: Uint8Array, bytes: number): Uint8Array {
    if (this.#arenaAt + bytes > this.#arena.length) { this.#arena = new Uint8Array(Math.max(ARENA_BYTES, bytes)); this.#arenaAt = 0 }
    const at = this.#arenaAt; const arena = this.#arena
    for (let i = 0; i < bytes; i++) arena[at + i] = from[i] // no subarray to set() from: one view a list, not two
    this.#arenaAt = at + bytes
    return this.#arena.subarray(at, at + bytes)
  }

  /**
   * n's advert to the badges that caught it (#hearers): one message for each shard that holds some,
   * naming them in `a` (message.ts, MSG_ADVERT), instead of one each. A room of fifty hears every
   * advert fifty times a second; the queue and the garbage collector see it once.
   */
  #sendAdvert (n: SimBadge): void {
    const t = this.q.now + REPORT_DELAY
    const seq = n.seq++
    for (let s = 0; s < this.count; s++) {
      const bytes = this.#heard[s]
      if (bytes === 0) continue
      const m: RadioMessage = { kind: MSG_ADVERT, t, target: n.index, origin: n.index, seq, k: 0, link: 0, num: 0, a: this.#inArena(this.#hearers[s], bytes), b: n.advData }
      this.#heard[s] = 0
      if (s === this.index) this.receive(m)
      else this.outbox[s].push(m)
    }
  }

  /** An advert reaches badge n: its scanner reports it unless it reported the same bytes from the same badge lately. */
  #heardAdvert (n: SimBadge, from: number, addr: Uint8Array, data: Uint8Array): void {
    if (!n.on) return
    const now = this.q.now
    if (!this.#filter.report(n.index, from, data, now)) return
    n.heard?.set(from, now)
    this.call(n, ADVERT, addr, data)
  }

  /**
   * Badge n asks to connect to addr. It waits for the target's next advertisement and sets the
   * connection up; the target takes it (or not) when the CONNECT_IND reaches it, and n's end comes
   * up when it hears so. Each end checks its own room for a link: MAX_CONNECTIONS, counting links
   * being set up.
   */
  #connect (n: SimBadge, addr: Uint8Array): void {
    const target = this.#byAddr.get(toHex(addr))
    if (!target) { this.counters.connectsToNowhere++; return }
    this.#after(n, n.rng.range(0, ADV_INTERVAL) + n.rng.range(CONNECT_SETUP[0], CONNECT_SETUP[1]), () => {
      if (!n.on || n.links.size >= MAX_CONNECTIONS) { this.counters.connectFailures++; return }
      for (const h of n.links.values()) if (h.peer === target.index) { this.counters.connectFailures++; return }
      const d = this.#distance(n, target)
      const ok = 1 - lossAt(d)
      if (d >= RANGE || !n.rng.chance(ok * ok)) { this.counters.connectFailures++; return }
      const h = new HalfLink(linkId(n.index, n.begun++), n, target.index, n.nextHandle++ & 0xffff, Math.min(n.mtu, target.mtu), true)
      this.#keep(h)
      this.#send(n, target.index, REPORT_DELAY, MSG_CONNECT, h.id, h.mtu, this.#ownerFor(target.index, n), null)
    })
  }

  /** A CONNECT_IND reaches badge n from `central`: n takes the link if it is on, has room, is not linked to it yet and is in range. */
  #connectInd (n: SimBadge, central: number, id: number, mtu: number, owner: string): void {
    const c = this.nodes[central]
    let linked = false
    for (const h of n.links.values()) if (h.peer === central) linked = true
    if (!n.on || n.links.size >= MAX_CONNECTIONS || linked || this.#distance(n, c) >= RANGE) {
      this.counters.connectFailures++
      this.#send(n, central, REPORT_DELAY, MSG_REFUSE, id, 0, null, null)
      return
    }
    const h = new HalfLink(id, n, central, n.nextHandle++ & 0xffff, mtu, false)
    h.up = true
    this.#keep(h)
    this.counters.connections++
    this.#send(n, central, REPORT_DELAY, MSG_ACCEPT, id, 0, this.#ownerFor(central, n), null)
    this.#linkUp(h, owner)
  }

  /** n's owner key, for badge i if i plays an attack (its script may pick its links by who is at the other end: #script), else nothing. */
  #ownerFor (i: number, n: SimBadge): Uint8Array | null {
    const kind = this.nodes[i].hostile
    return kind !== undefined && kind in ATTACKS ? ascii(n.owner) : null
  }

  /** The peripheral took n's link: n's end comes up (or, if n dropped it meanwhile, tells the peripheral so). */
  #accepted (n: SimBadge, peripheral: number, id: number, owner: string): void {
    const h = n.byId.get(id)
    if (!h || !n.on) { this.#send(n, peripheral, CONN_INTERVAL, MSG_DOWN, id, 0, null, null); return }
    h.up = true
    this.#linkUp(h, owner)
  }

  /** Tells a badge's core (or its attack's script) that a link came up. */
  #linkUp (h: HalfLink, peerOwner: string): void {
    const n = h.self
    const s = this.#script(h, peerOwner)
    if (!s) {
      const peerKind = this.nodes[h.peer].hostile
      this.call(n, (b, local) => { if (b.linkUp(h.handle, h.mtu, h.central, this.nodes[h.peer].addr, local) === false && !n.hostile && peerKind) this.#countKind(peerKind, 'refusedLinks') })
    }
    s?.up()
  }

  #keep (h: HalfLink): void { h.self.links.set(h.handle, h); h.self.byId.set(h.id, h) }

  /** Drops a link end that never came up. */
  #forget (h: HalfLink): void { h.self.links.delete(h.handle); h.self.byId.delete(h.id) }

  /**
   * Ends badge n's end of a link; its core hears of it after `delay` ms (supervision and termination),
   * and with `tell` the other end hears at its next connection event.
   */
  #close (h: HalfLink, tell: boolean, delay: number): void {
    const n = h.self
    if (n.byId.get(h.id) !== h) return
    this.#forget(h)
    if (tell) this.#send(n, h.peer, CONN_INTERVAL, MSG_DOWN, h.id, 0, null, null)
    if (!h.up) return
    h.up = false
    if (!h.script) this.#after(n, delay, () => this.call(n, (b, local) => { b.linkDown(h.handle, local) }))
  }

  // ---- radio: frames -------------------------------------------------------------------

  #sendFrame (n: SimBadge, handle: number, frame: Uint8Array): void {
    const h = n.links.get(handle)
    if (!h || !h.up) return
    if (h.script) return // the hostile badge's core does not know this link; its script speaks
    this.#push(h, this.#misbehave(n, frame))
  }

  #push (h: HalfLink, frames: Uint8Array[]): void {
    if (!h.up) return
    for (const f of frames) h.queue.push(f)
    if (!h.busy) this.#transmit(h)
  }

  /** Puts the next queued frame on air: the peer's host has it when the frame's air time is over, and so this end may send the next. */
  #transmit (h: HalfLink): void {
    const frame = h.queue[0]
    if (!frame) { h.busy = false; return }
    h.busy = true
    const n = h.self
    const dt = frameTime(frame.length)
    this.#send(n, h.peer, dt, MSG_FRAME, h.id, 0, null, frame)
    this.#after(n, dt, () => {
      if (!h.up) return
      h.queue.shift()
      this.counters.linkBytes += frame.length + FRAME_OVERHEAD
      this.counters.frames++
      if (h.queue.length > 0) this.#transmit(h)
      else {
        h.busy = false
        if (!h.script) this.call(n, LINK_READY, h.handle)
      }
    })
  }

  /** A frame reaches badge n on link `id` (lost if n's end is gone). */
  #frameIn (n: SimBadge, id: number, frame: Uint8Array): void {
    const h = n.byId.get(id)
    if (!h || !h.up) return
    if (h.script) { h.script.receive(frame); return }
    const peerKind = this.nodes[h.peer].hostile
    if (peerKind && !n.hostile) {
      // What the honest badge counts against the hostile one, frame by frame.
      const before = this.#violations(n)
      this.call(n, FRAME, h.handle, frame)
      const k = this.#violations(n) - before
      if (k > 0) this.#countKind(peerKind, 'violations', k)
    } else this.call(n, FRAME, h.handle, frame)
  }

  /** What a hostile badge does to its outgoing frames. */
  #misbehave (n: SimBadge, frame: Uint8Array): Uint8Array[] {
    switch (n.hostile) {
      case 'garbage': {
        if (n.rng.chance(0.5)) return [frame]
        const g = new Uint8Array(frame.length); n.rng.fill(g); return [g]
      }
      case 'replay': // on the links its core plays (the rest: hostile/replay.ts), earlier frames repeated
        n.held.push({ frame })
        return n.rng.chance(0.3) && n.held.length > 1 ? [frame, n.rng.pick(n.held).frame] : [frame]
      case 'reorder': {
        const prev = n.held.pop()
        if (prev) return [frame, prev.frame]
        if (n.rng.chance(0.5)) { n.held.push({ frame }); return [] }
        return [frame]
      }
      default: return [frame]
    }
  }

  // ---- the event --------------------------------------------------------------------

  /** Posts on badge i now (it must be this shard's); returns the core's answer (1 accepted). */
  post (i: number, collection: string, payload: CborValue): number {
    const n = this.nodes[i]
    let rc = -73
    this.call(n, (b, local) => { rc = b.post(collection, payload, local) })
    if (rc === 1 && n.badge) {
      const own = n.badge.chains().find(c => toHex(c.owner) === n.owner)
      if (own) this.#notes.push({ posted: true, t: this.q.now, badge: i, owner: n.owner, height: own.length, stamp: n.badge.status(n.local(this.q.now)).meshTime - EPOCH })
      n.posts++
    }
    return rc
  }

  /** The default event's posts: a share of the badges post a card, some update it now and then (each badge's from its own stream). */
  #defaultPlan (): PlannedPost[] {
    const names = ['Ada', 'Grace', 'Alan', 'Radia', 'Linus', 'Hedy', 'Ken', 'Barbara', 'Dennis', 'Margaret', 'Tim', 'Frances', 'Edsger', 'Karen', 'Donald', 'Sophie']
    const plan: PlannedPost[] = []
    // Each badge holds at most 128 chains (docs/ABI.md); the default event stays below that.
    const share = this.opts.posters ?? Math.min(0.3, MAX_POSTERS / this.nodes.length)
    for (const n of this.nodes) {
      const r = n.planRng
      if (n.hostile || !r.chance(share)) continue
      const name = `${r.pick(names)} #${n.index}`
      let at = r.range(0, Math.min(this.end * 0.5, 10 * 60_000))
      plan.push({ badge: n.index, at, collection: 'cards', payload: { name } })
      // Some update their card now and then, which keeps it alive.
      while (r.chance(0.4)) {
        at += r.range(5, 40) * 60_000
        if (at >= this.end) break
        plan.push({ badge: n.index, at, collection: 'cards', payload: { name: `${name.split(' ')[0]} (${r.pick(['at the bar', 'in Room A', 'hacking', 'hiring', 'lunch'])})` } })
      }
    }
    return plan
  }

  /** Fills hostile badges' stores with what they offer. */
  #arm (n: SimBadge, kind: HostileKind, chains: number): void {
    if (kind !== 'forge' && kind !== 'flood') return
    if (!(n.badge instanceof Badge)) throw new Error(`sim: hostile badge ${n.index} must run in V8`)
    const b = n.badge
    const local = n.local(this.q.now)
    const now = b.status(local).meshTime
    const c = b.core
    for (let i = 0; i < chains; i++) {
      const seed = new Uint8Array(32); n.rng.fill(seed)
      const body = cborEncode(['cards', { name: `spam ${i}` }, now])
      const block = Uint8Array.from(createBlockSegment(new Uint8Array(sizeOfBlockSegment(body.length, [HDR_AUTHOR])), 0, body, seed, [HDR_AUTHOR]))
      c.put(IO_DATA, block)
      if (kind === 'forge') { // a bad signature, stored without the verification dispatch would do
        c.u8[c.io + IO_DATA + n.rng.int(64)] ^= 1 << n.rng.int(8)
        c.x.store_write(c.io + IO_DATA, block.length, BigInt(now))
      } else c.x.engine_dispatch(c.io + IO_DATA, block.length, BigInt(now))
    }
    this.#carryOut(n, b.drain())
    b.tick(local)
    this.#carryOut(n, b.drain())
  }

  #started = false
  /** Boots this shard's badges and schedules their event (time 0). */
  start (): void {
    if (this.#started) return
    this.#started = true
    const plan = this.opts.plan ?? this.#defaultPlan()
    this.#edge(0)
    for (let i = this.index; i < this.nodes.length; i += this.count) {
      const n = this.nodes[i]
      this.powerOn(n)
      const h = this.opts.hostile?.find(x => x.badge === n.index)
      if (h) this.#arm(n, h.kind, h.chains ?? 40)
      if (h && h.kind in ATTACKS) {
        if (n.native) throw new Error(`sim: hostile badge ${n.index} must run in V8`)
        n.attack = ATTACKS[h.kind as AttackKind](this.#hostileEnv(n))
        n.attackFrom = (h.fromMinute ?? 0) * 60_000
      }
      n.tickEvent = this.#at(n, n.rng.range(0, TICK), () => this.#tick(n))
      n.advertEvent = this.#at(n, n.rng.range(0, ADV_INTERVAL), () => this.#advertise(n))
      if ((this.opts.powerCutEvery ?? 0) > 0) this.#schedulePowerCut(n)
    }
    for (const p of plan) {
      if (!this.owns(p.badge)) continue
      const n = this.nodes[p.badge]
      this.#at(n, p.at, () => this.post(p.badge, p.collection, p.payload))
    }
  }

  readonly #eventKey = eventKeyOf(SIM_EVENT_SECRET)

  /** The organiser's desk signs the time (true mesh time) and hands it to one badge, in turn: no randomness taken. */
  #beacon (k: number): void {
    const i = (k * 7) % this.nodes.length
    const n = this.nodes[i]
    if (!this.owns(i) || n.hostile) return
    const beacon = beaconSign(SIM_EVENT_SECRET, EPOCH + this.q.now)
    this.call(n, (b, local) => { if (b instanceof Badge || b instanceof NativeBadge) b.beacon(beacon, local) })
  }

  #tick (n: SimBadge): void {
    this.q.again(n.tickEvent!, this.q.now + TICK, n.index, n.index, n.seq++)
    const local = n.local(this.q.now)
    if (local >= n.quietUntil) {
      this.call(n, TICK_CALL)
      // Asked right after the tick: the instance is in cache (a badge touched cold costs microseconds at 10,000 badges).
      if (n.on && n.badge?.idle) n.quietUntil = local + n.badge.idle(local)
    }
    if (n.attack && n.on && this.q.now >= n.attackFrom) {
      // Scripted links that have lasted long enough are hung up (the attacker reconnects in its tick).
      const after = n.attack.hangUpAfter
      if (after !== undefined) {
        for (const h of [...n.links.values()]) {
          if (h.script && this.q.now - h.script.upAt >= after) this.#close(h, true, 1)
        }
      }
      n.attack.tick?.()
    }
  }

  // ---- hostile badges of the #12 kinds ----------------------------------------------

  #countKind (kind: HostileKind, name: string, k = 1): void {
    let c = this.hostileCounts.get(kind)
    if (!c) this.hostileCounts.set(kind, c = {})
    c[name] = (c[name] ?? 0) + k
  }

  #count (n: SimBadge, name: string, k = 1): void { if (n.hostile) this.#countKind(n.hostile, name, k) }

  #violations (n: SimBadge): number { return n.on && n.badge ? n.badge.status(n.local(this.q.now)).violations : 0 }

  /** The end h, played by hand when its badge's attack wants it; null when its core plays it. */
  #script (h: HalfLink, peerOwner: string): ScriptedPeer | null {
    const self = h.self
    if (!self.attack || !self.on || this.q.now < self.attackFrom) return null
    const peer = { index: h.peer, owner: peerOwner, central: !h.central }
    if (!self.attack.scripted(peer)) return null
    const s = new ScriptedPeer(self.attack, peer, h.mtu, this.q.now, frames => this.#push(h, frames), () => this.#close(h, true, 1))
    h.script = s
    this.#count(self, 'scriptedLinks')
    return s
  }

  #hostileEnv (n: SimBadge): HostileEnv {
    return {
      index: n.index,
      rng: n.rng,
      trueTime: () => EPOCH + Math.floor(this.q.now),
      core: () => n.on && n.badge instanceof Badge ? n.badge : null,
      neighbours: () => [...n.heard!].filter(([i, t]) => !this.nodes[i].hostile && this.q.now - t < 10_000).map(([i]) => i),
      linkCount: () => n.links.size,
      connect: i => this.#connect(n, this.nodes[i].addr),
      spoofAdvert: (addr, data) => this.#spoofAdvert(n, addr, data),
      advData: () => n.advData,
      count: (name, k) => this.#count(n, name, k)
    }
  }

  /** An advertisement from a made-up address, heard (or not, like any) by the honest badges in range of n. */
  #spoofAdvert (n: SimBadge, addr: Uint8Array, data: Uint8Array): void {
    if (!n.on) return
    this.counters.advertBytes += (data.length + ADV_OVERHEAD) * ADV_CHANNELS
    const g = this.#grid; const run = this.#run
    for (let dy = -1; dy <= 1; dy++) {
      g.row(n.walker.x, n.walker.y, dy, run)
      for (let k = run[0]; k < run[1]; k++) {
        const m = this.nodes[g.ids[k]]
        if (m === n || m.hostile) continue
        const d = this.#distance(n, m)
        if (d >= RANGE || !n.rng.chance(SCAN_DUTY * (1 - lossAt(d)))) continue
        this.#send(n, m.index, REPORT_DELAY, MSG_SPOOF, 0, 0, addr, data)
      }
    }
  }

  #schedulePowerCut (n: SimBadge): void {
    const mean = this.opts.powerCutEvery! * 60_000
    this.#after(n, -Math.log(1 - n.rng.next()) * mean, () => {
      if (n.on) this.cutPower(n, { midWrite: n.rng.chance(0.5), offFor: n.rng.range(10_000, 120_000) })
      this.#schedulePowerCut(n)
    })
  }

  // ---- what the simulator reads at a window's edge ------------------------------------

  /** This shard's badges, in index order. */
  * own (): Generator<SimBadge> { for (let i = this.index; i < this.nodes.length; i += this.count) yield this.nodes[i] }

  /** The block notes since the last take, in the order they happened. */
  takeNotes (): MetricNote[] { const n = this.#notes; this.#notes = []; return n }

  readCounters (): ShardCounters { return this.counters }

  /** Chains and links held now, the counted badges' mesh clocks, and the block notes. */
  sample (): SampleParts {
    let chains = 0; let links = 0
    const clocks: number[] = []
    const now = this.q.now
    for (const n of this.own()) {
      if (!n.on || !n.badge) continue
      const s = n.badge.status(n.local(now))
      chains += s.chains
      links += s.linksUp
      if (this.#counted(n.index)) clocks.push(s.meshTime)
    }
    return { chains, links, clocks, notes: this.takeNotes() }
  }

  /** Who still holds a chain whose time has passed (see MeshSimulator.checkForgotten): this shard's stale holders. */
  checkForgotten (expired: string[]): number {
    this.#expired = new Set(expired)
    if (expired.length === 0) return 0
    const ids = this.#ownerIds
    const gone = expired.map(o => ids.idOfHex(o))
    let stale = 0
    for (const n of this.own()) {
      if (!n.on || !n.badge || n.hostile) continue
      const records = n.badge.chainRecords()
      const held = new Set<number>()
      for (let at = 0; at < records.length; at += CHAIN_RECORD) held.add(ids.idAt(records, at))
      let forgot = this.#forgot.get(n.index)
      if (!forgot) this.#forgot.set(n.index, forgot = new Set())
      let holds = false
      for (const o of gone) {
        if (!held.has(o)) { forgot.add(o); continue }
        holds = true
        if (forgot.has(o)) { this.counters.zombies++; forgot.delete(o) }
      }
      if (holds) stale++
    }
    return stale
  }

  /** Length and head of each of these owners' chains on their own poster's badge, where this shard holds the poster and it is on. */
  heads (owners: Array<[string, number]>): Array<[string, number, string]> {
    const out: Array<[string, number, string]> = []
    for (const [owner, poster] of owners) {
      const p = this.nodes[poster]
      if (!this.owns(poster) || !p.on || !p.badge) continue
      const c = p.badge.chains().find(c => toHex(c.owner) === owner)
      if (c) out.push([owner, c.length, toHex(c.head)])
    }
    return out
  }

  /** What this shard's honest badges lost since the last check (losses.ts). */
  checkLosses (owners: Array<[string, LossOwner]>, heads: Array<[string, number, string]>, ttl: number): { evicted: number, prematureForgets: number, rewritten: number } {
    return this.#losses.check([...this.own()].filter(n => this.#counted(n.index)), new Map(owners), new Map(heads.map(([o, length, head]) => [o, { length, head }])), this.q.now, ttl)
  }

  /** The report's figures from this shard's badges at the end. */
  endParts (): EndParts {
    const now = this.q.now
    const health = { linksOk: 0, linksFailed: 0, violations: 0, evictions: 0, clockJumps: 0 }
    const live: number[] = []
    let erasesMax = 0; let ram = 0; let counted = 0; let off = 0; let verifies = 0; let handshakes = 0
    const prints = new Map<string, [string, number, number]>()
    const on: number[] = []
    for (const n of this.own()) {
      if (!n.hostile) { verifies += n.verifies; handshakes += n.handshakeVerifies }
      for (const e of n.flash.eraseCounts) if (e > erasesMax) erasesMax = e
      if (!n.on || !n.badge) { if (!n.hostile) off++; continue }
      on.push(n.index)
      const s = n.badge.status(n.local(now))
      health.linksOk += s.linksOk; health.linksFailed += s.linksFailed; health.violations += s.violations
      health.evictions += s.evictions; health.clockJumps += s.clockJumps
      // Flash and RAM figures come from the V8 badges' cores (the radio socket does not carry them; same module).
      if (n.badge instanceof Badge) {
        const c = n.badge.core
        c.x.store_stats(c.io + 128)
        live.push(new DataView(c.u8.buffer, c.io + 128 + 16, 4).getUint32(0, true))
        ram = c.x.memory_used()
      }
      if (this.#counted(n.index)) {
        counted++
        const fp = s.fingerprint.toString(16).padStart(16, '0')
        const p = prints.get(fp)
        if (p) p[1]++; else prints.set(fp, [fp, 1, n.index])
      }
    }
    this.counters.cacheHits = this.cache.hits
    this.counters.cacheMisses = this.cache.misses
    this.counters.cacheVerified = this.cache.verified
    return { health, live, erasesMax, prints: [...prints.values()], ram, counted, off, on, verifies, handshakes, hostileCounts: [...this.hostileCounts], counters: { ...this.counters } }
  }

  /** Chain heights on badge i (this shard's, on). */
  heights (i: number): Array<[string, number]> {
    return this.nodes[i].badge!.chains().map(c => [toHex(c.owner), c.length])
  }

  /** Sorts this shard's counted badges off the common chain set by why (report.ts, Disagreeing). */
  whyNotAgreeing (best: string, common: Array<[string, number]>, on: number[], wokeMs: number): Disagreeing {
    const out: Disagreeing = { woke: 0, outOfRange: 0, ahead: 0, behind: 0 }
    const now = this.q.now
    const isOn = new Set(on)
    const top = new Map(common)
    for (const n of this.own()) {
      if (!n.on || !n.badge || !this.#counted(n.index)) continue
      if (n.badge.status(n.local(now)).fingerprint.toString(16).padStart(16, '0') === best) continue
      if (n.bootAt > 0 && now - n.bootAt < wokeMs) out.woke++
      else if (!this.hasNeighbour(n, i => isOn.has(i))) out.outOfRange++
      else if (this.heights(n.index).some(([owner, h]) => h > (top.get(owner) ?? 0))) out.ahead++
      else out.behind++
    }
    return out
  }
}

