// The mesh simulator: a discrete-event simulation in virtual time of a
// floor full of badges, each one the real core.wasm (its own instance,
// memory and simulated NOR flash), talking through the radio model of
// radio.ts while people walk around (venue.ts) and badges lose power.
// Seeded: the same options give the same run, event for event.
//
// The simulator is the badges' host: it calls the badge ABI exactly as
// firmware does (init, tick every second, adverts heard, links up and
// down, frames, link-ready) and carries out what each badge's outbox asks
// (advertise, connect, disconnect, send).
//
// With `native` (picobadge sim --native K), K of the badges are native
// board processes instead (boards/native: the C firmware under real WAMR,
// flash in a file), driven over the radio socket by NativeBadge with the
// same calls; the rest of the simulator cannot tell them apart.

import { Badge, MeshBadge, OutboxRecord } from '../badge.js'
import { FlashPart, NorGeometry, NRF52840, PowerLoss } from '../nor-flash.js'
import { SectorFlash } from './sector-flash.js'
import { toHex, latin1 } from '../bytes.js'
import { EventQueue, SimEvent } from './queue.js'
import { Rng } from '../rng.js'
import { Venue, Walker } from './venue.js'
import {
  RANGE, ADV_INTERVAL, ADV_JITTER, SCAN_DUTY, DUP_FILTER_RESET, CONNECT_SETUP, MAX_CONNECTIONS,
  FRAME_OVERHEAD, ADV_OVERHEAD, ADV_CHANNELS, lossAt, effectiveDistance, frameTime
} from './radio.js'
import { VerifyCache } from './verify-cache.js'
import { Metrics } from './metrics.js'
import { cborEncode, CborValue } from '../cbor.js'
import { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR } from '../segment.js'
import { IO_DATA } from '../core.js'
import { NativeBadge } from './native-badge.js'
import { NativeFleet, NativeInterp } from './native-env.js'
import type { CorePool } from '../core-pool.js'
import { ATTACKS, AttackKind, Attack, HostileEnv, ScriptedPeer } from './hostile/index.js'
import { HonestLosses } from './losses.js'
import { beaconSign, eventKeyOf } from '../beacon.js'
import { enrolCert } from '../enrol.js'
import { SIM_EVENT_SECRET } from './event.js'
export { SIM_EVENT_SECRET }

const PROOF_DOMAIN = new TextEncoder().encode('picobadge PROOF2')
const BEACON_DOMAIN = new TextEncoder().encode('picobadge BEACON')
const startsWith = (m: Uint8Array, d: Uint8Array) => m.length >= d.length && d.every((b, i) => m[i] === b)
/** Whether a signed message is a link's PROOF or a time beacon (host/hello.ts, host/beacon.ts) rather than a block. */
const isHandshake = (m: Uint8Array) => startsWith(m, PROOF_DOMAIN) || startsWith(m, BEACON_DOMAIN)

export const EPOCH = 1_760_000_000_000 // the mesh time the event starts at (ms)
const TICK = 1000
const SAMPLE = 10_000
const MAX_POSTERS = 80
export const CARD_TTL = 3_600_000 // the example collection's: a card is forgotten an hour after its last update
export const SKEW = 300_000 // the engine's bound on clock skew (assembly/store/engine.ts)
// How often the organiser's desk hands a time beacon (signed by SIM_EVENT_SECRET, event.ts) to a
// badge (docs/SYNC.md §7): neighbours move a clock only by bounded slew, so a badge that slept through
// the event's last hour catches up by the newest beacon its neighbours pass on.
const BEACON_EVERY = SKEW

/** A badge that does not play by the rules (tests and demos of robustness). */
export type HostileKind =
  | 'garbage' // its frames after the first few are random bytes
  | 'reorder' // swaps consecutive frames
  | 'forge' // offers chains whose signatures do not verify
  | 'flood' // offers a flood of valid new chains (made with fresh keys)
  | AttackKind // the attacks of issue #12, one file each in hostile/: clock, hijack, push, replay, advert-spam, impersonate, collide

/** Every hostile kind, in the order `--hostile all` assigns them. */
export const HOSTILE_KINDS: HostileKind[] = ['clock', 'hijack', 'push', 'replay', 'advert-spam', 'impersonate', 'collide', 'garbage', 'reorder', 'forge', 'flood']

export interface PlannedPost { badge: number, at: number, collection: string, payload: CborValue }

export interface SimOptions {
  badges: number
  minutes: number
  seed: number
  /** Share of badges that post a contact card (the default plan). */
  posters?: number
  /** Explicit posts instead of the default plan. */
  plan?: PlannedPost[]
  /** Largest ATT MTU the badges negotiate (23–247). */
  mtu?: number
  /** Mean minutes between power cuts of each badge; 0 for none. */
  powerCutEvery?: number
  /** How long people stay in one place, in minutes [min, max]. */
  dwellMinutes?: [number, number]
  venue?: Venue
  /** Hostile badges: which, what kind, how many chains (forge, flood), and from which minute a #12 attack starts (default 0). */
  hostile?: Array<{ badge: number, kind: HostileKind, chains?: number, fromMinute?: number }>
  geometry?: NorGeometry
  /** Memoize verification across badges through the accelerator import (default true). */
  accelerate?: boolean
  /** Called about every simulated second with the fraction done. */
  onProgress?: (fraction: number) => void
  log?: (badge: number, line: string) => void
  /** How long a posted state lives after its last update (the collection's expiresAt; cards: one hour). */
  ttl?: number
  /** How many badges are native board processes (spread evenly by index, never a hostile one); default 0. */
  native?: number
  /** The native board's WAMR interpreter (default classic). */
  nativeInterp?: NativeInterp
  /** The longest one request to a native board may take (ms; default 60 s): then it is killed and the run fails. */
  nativeTimeoutMs?: number
  /** Run the V8 badges on this pool of core instances (host/core-pool.ts; a browser page holds only ~120 instances); default one each. */
  cores?: CorePool
}

/** Which badges are native: k of them spread evenly over the indices, skipping hostile ones. */
export function nativeIndices (badges: number, k: number, hostile: Set<number> = new Set()): number[] {
  const free: number[] = []
  for (let i = 0; i < badges; i++) if (!hostile.has(i)) free.push(i)
  if (!(k >= 0) || k > free.length) throw new RangeError(`sim: ${k} native badges, but only ${free.length} badges are not hostile`)
  const out: number[] = []
  for (let j = 0; j < k; j++) out.push(free[Math.floor((j + 0.5) * free.length / k)])
  return out
}

/** Badges near a cell, with their positions (see MeshSimulator.#neighbourhood). */
interface Neighbourhood { badges: SimBadge[], xs: Float64Array, ys: Float64Array, rooms: Int32Array }

export class SimLink {
  up = true
  readonly queue: [Uint8Array[], Uint8Array[]] = [[], []]
  readonly busy = [false, false]
  /** A hostile end played by hand (hostile/peer.ts) instead of by its core, per side (a, b). */
  readonly script: [ScriptedPeer | null, ScriptedPeer | null] = [null, null]
  constructor (readonly a: SimBadge, readonly b: SimBadge, readonly ha: number, readonly hb: number, readonly mtu: number) {}
  other (n: SimBadge): SimBadge { return n === this.a ? this.b : this.a }
  handleOf (n: SimBadge): number { return n === this.a ? this.ha : this.hb }
}

export class SimBadge {
  badge: MeshBadge | null = null
  /** A native board process (its flash a file the fleet keeps across its power cycles), else core.wasm in V8. */
  native = false
  on = false
  bootAt = 0
  advData: Uint8Array | null = null
  advKey = ''
  readonly links = new Map<number, SimLink>()
  nextHandle = 1
  /**
   * Adverts heard, by advertiser: its advert's bytes and when, for the duplicate filter (#advertise).
   * Invariant: holds every advertiser heard in the last DUP_FILTER_RESET; an older entry filters nothing
   * (#advertise treats it as absent), so an honest badge's tick drops them (forgetStaleAdverts) and the map
   * stays the size of the badge's neighbourhood, not of everyone it ever passed (hundreds an hour).
   * A hostile badge keeps them all: its attack reads the map in insertion order (neighbours).
   */
  readonly heard = new Map<number, { key: string, t: number }>()
  heardPrunedAt = 0
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
    readonly drift: number,
    readonly mtu: number,
    readonly hostile: HostileKind | undefined
  ) {}

  /** Drops adverts heard DUP_FILTER_RESET or longer ago (at most once per DUP_FILTER_RESET); see heard. */
  forgetStaleAdverts (now: number): void {
    if (this.hostile || now - this.heardPrunedAt < DUP_FILTER_RESET) return
    this.heardPrunedAt = now
    for (const [i, h] of this.heard) if (now - h.t >= DUP_FILTER_RESET) this.heard.delete(i)
  }

  /** The badge's own clock: ms since it booted, running drift fast or slow. */
  local (t: number): number { return Math.floor((t - this.bootAt) * (1 + this.drift)) }
}

export class MeshSimulator {
  readonly q = new EventQueue()
  readonly rng: Rng
  readonly venue: Venue
  readonly nodes: SimBadge[] = []
  readonly metrics: Metrics
  readonly cache = new VerifyCache()
  readonly end: number
  readonly #byAddr = new Map<string, SimBadge>()
  #grid = new Map<number, SimBadge[]>()
  #cols = 1
  /** Per cell that advertised this radio epoch, its 3x3 neighbourhood (#neighbourhood); emptied with each new grid. */
  readonly #around = new Map<number, Neighbourhood>()
  readonly timeline: Array<{ t: number, coverage: number, chains: number, links: number }> = []
  /** The native board processes and their files; made at start when opts.native > 0. */
  fleet: NativeFleet | null = null
  /** What the honest badges lost (hostile runs and honest runs measure alike). */
  readonly losses = new HonestLosses()
  /** Per hostile kind: what its badges did and what the honest badges counted against them. */
  readonly hostileCounts = new Map<HostileKind, Record<string, number>>()
  /** Connection attempts to addresses no badge has (spoofed adverts). */
  connectsToNowhere = 0

  constructor (readonly opts: SimOptions) {
    if (!(opts.badges >= 2)) throw new RangeError('sim: at least 2 badges')
    if (!(opts.minutes > 0)) throw new RangeError('sim: minutes must be positive')
    this.rng = new Rng(opts.seed)
    this.venue = opts.venue ?? Venue.forBadges(opts.badges)
    this.end = opts.minutes * 60_000
    const hostile = new Map((opts.hostile ?? []).map(h => [h.badge, h]))
    this.metrics = new Metrics(opts.badges, i => !hostile.has(i) && this.nodes[i] !== undefined)
    const mtu = opts.mtu ?? 247
    for (let i = 0; i < opts.badges; i++) {
      const r = this.rng.fork()
      const addr = Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0x5a, 0xb0, 0xc0)
      const n = new SimBadge(i, addr, new SectorFlash(opts.geometry ?? NRF52840, { seed: r.u32() }), new Walker(this.venue, r.fork(), opts.dwellMinutes), r, r.range(-50e-6, 50e-6), mtu, hostile.get(i)?.kind)
      this.nodes.push(n)
      this.#byAddr.set(toHex(addr), n)
    }
    for (const i of nativeIndices(opts.badges, opts.native ?? 0, new Set(hostile.keys()))) this.nodes[i].native = true
    this.#cols = Math.ceil(this.venue.width / RANGE) + 1
  }

  /** Native badges in this run. */
  get nativeCount (): number { return this.nodes.reduce((k, n) => k + (n.native ? 1 : 0), 0) }

  /** Kills every native board process and removes their files. Call when done with the simulator (safe twice). */
  close (): void {
    this.fleet?.close()
    this.fleet = null
  }

  // ---- calling the badges ------------------------------------------------------------

  /** Runs one ABI call on a badge and carries out its outbox; a power cut inside it turns the badge off. */
  call (n: SimBadge, fn: (b: MeshBadge, local: number) => void): void {
    if (!n.on || n.badge === null) return
    try {
      fn(n.badge, n.local(this.q.now))
      this.#carryOut(n, n.badge.drain())
    } catch (e) {
      if (e instanceof PowerLoss) { this.powerOff(n); return }
      throw e
    }
  }

  #carryOut (n: SimBadge, records: OutboxRecord[]): void {
    for (const r of records) {
      switch (r.kind) {
        case 'advertise': n.advData = r.data; n.advKey = latin1(r.data); break
        case 'connect': this.#connect(n, r.addr); break
        case 'disconnect': {
          const l = n.links.get(r.link)
          if (!l) break
          const o = l.other(n)
          if (o.hostile && !n.hostile) this.#count(o, 'droppedByHonest')
          this.#breakLink(l, 1)
          break
        }
        case 'send': this.#send(n, r.link, r.frame); break
        case 'stored': {
          const owner = this.metrics.owner(toHex(r.owner))
          if (this.#expired.has(owner) && !n.hostile) this.zombies++
          this.metrics.stored(n.index, owner, r.height, this.q.now)
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
        entropy: buf => n.rng.fill(buf),
        log: this.opts.log ? line => this.opts.log!(n.index, line) : undefined,
        pool: this.opts.cores
      })
    }
    n.on = true
    n.bootAt = this.q.now
    n.heard.clear()
    // The first boot knows roughly when the event started (flashed that morning); later boots know nothing.
    const hint = n.owner === '' ? EPOCH - Math.floor(n.rng.range(0, 120_000)) : 0
    this.call(n, (b, local) => b.init(local, hint))
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
    for (const c of n.badge.chains()) this.metrics.stored(n.index, this.metrics.owner(toHex(c.owner)), c.length, this.q.now)
  }

  /** Power fails: the badge's links break and its RAM is gone; flash keeps what was committed. */
  powerOff (n: SimBadge): void {
    if (!n.on) return
    n.on = false
    n.linksAtLastCut = n.links.size
    // A native badge's power cut is SIGKILL (it is idle between requests; its flash file keeps what it wrote).
    if (n.badge instanceof NativeBadge) n.badge.kill()
    n.badge = null
    n.advData = null
    this.metrics.powerCuts++
    for (const l of [...n.links.values()]) this.#breakLink(l, 0)
  }

  /** Cuts power now, or (midWrite) in the middle of the badge's next flash program or erase. */
  cutPower (n: SimBadge, { midWrite = false, offFor = 30_000 } = {}): void {
    const back = () => this.q.after(offFor, () => this.powerOn(n))
    if (!midWrite) { this.powerOff(n); back(); return }
    // A native board cuts its own power at that write (it exits 137 half-way through it).
    const at = 1 + n.rng.int(3)
    if (n.badge instanceof NativeBadge) n.badge.cutPowerAt(at); else n.flash.cutPowerAt(at)
    const watch = () => { if (!n.on) back(); else this.q.after(50, watch) }
    this.q.after(50, watch)
  }

  // ---- radio: advertising and connecting -------------------------------------------

  #cell (x: number, y: number): number { return Math.floor(y / RANGE) * this.#cols + Math.floor(x / RANGE) }

  /** Every second: people move; links whose ends walked apart break. */
  #radioEpoch (): void {
    const grid = new Map<number, SimBadge[]>()
    for (const n of this.nodes) {
      n.walker.at(this.q.now)
      const c = this.#cell(n.walker.x, n.walker.y)
      let cell = grid.get(c)
      if (!cell) grid.set(c, cell = [])
      cell.push(n)
    }
    this.#grid = grid
    this.#around.clear()
    for (const n of this.nodes) {
      for (const l of n.links.values()) {
        if (l.a === n && this.#distance(l.a, l.b) >= RANGE) { this.metrics.linkBreaks++; this.#breakLink(l, 0) }
      }
    }
  }

  /** Whether another badge that is on is within radio range of n (the grid of the last radio epoch). */
  hasNeighbour (n: SimBadge): boolean {
    const cx = Math.floor(n.walker.x / RANGE)
    const cy = Math.floor(n.walker.y / RANGE)
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (cx + dx < 0 || cy + dy < 0) continue
        for (const m of this.#grid.get((cy + dy) * this.#cols + cx + dx) ?? []) if (m !== n && m.on && this.#distance(n, m) < RANGE) return true
      }
    }
    return false
  }

  #distance (a: SimBadge, b: SimBadge): number {
    return effectiveDistance(a.walker.x - b.walker.x, a.walker.y - b.walker.y, a.walker.room === b.walker.room)
  }

  #advertise (n: SimBadge): void {
    this.q.again(n.advertEvent!, this.q.now + ADV_INTERVAL + this.rng.range(0, ADV_JITTER))
    if (!n.on || n.advData === null) return
    this.metrics.advertBytes += (n.advData.length + ADV_OVERHEAD) * ADV_CHANNELS
    const around = this.#neighbourhood(n)
    const { badges, xs, ys, rooms } = around
    const nx = n.walker.x; const ny = n.walker.y; const room = n.walker.room
    for (let k = 0; k < badges.length; k++) {
      const m = badges[k]
      if (m === n || !m.on) continue
      // Two thirds of the 3x3 cells lie beyond range: skipped without the square root. Exact: at
      // dx² + dy² ≥ RANGE², the distance is ≥ RANGE too (sqrt is monotone and RANGE² a square), and
      // no random number is drawn for a pair out of range either way.
      const dx = nx - xs[k]; const dy = ny - ys[k]
      if (dx * dx + dy * dy >= RANGE * RANGE) continue
      const d = effectiveDistance(dx, dy, room === rooms[k]) // #distance(n, m), from the epoch's copies of the same numbers
      if (d >= RANGE || !this.rng.chance(SCAN_DUTY * (1 - lossAt(d)))) continue
      const seen = m.heard.get(n.index)
      if (seen && seen.key === n.advKey && this.q.now - seen.t < DUP_FILTER_RESET) continue
      if (seen) { seen.key = n.advKey; seen.t = this.q.now } else m.heard.set(n.index, { key: n.advKey, t: this.q.now }) // updated in place: no garbage a second per pair
      const data = n.advData
      this.call(m, (b, local) => { b.advert(n.addr, data, local) })
    }
  }

  /**
   * The badges of the 3x3 cells around n's cell, in the order an advert has always visited them
   * (rows, then columns, then each cell in index order), with their positions and rooms copied
   * into flat arrays. Walkers move only at a radio epoch, so the copies hold until the next one;
   * every badge of a cell advertises once an epoch, so one copy serves them all.
   */
  #neighbourhood (n: SimBadge): Neighbourhood {
    const cx = Math.floor(n.walker.x / RANGE)
    const cy = Math.floor(n.walker.y / RANGE)
    const key = cy * this.#cols + cx
    let around = this.#around.get(key)
    if (around) return around
    const badges: SimBadge[] = []
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (cx + dx < 0 || cy + dy < 0) continue
        const cell = this.#grid.get((cy + dy) * this.#cols + cx + dx)
        if (cell) for (const m of cell) badges.push(m)
      }
    }
    around = { badges, xs: new Float64Array(badges.length), ys: new Float64Array(badges.length), rooms: new Int32Array(badges.length) }
    for (let k = 0; k < badges.length; k++) {
      const w = badges[k].walker
      around.xs[k] = w.x; around.ys[k] = w.y; around.rooms[k] = w.room
    }
    this.#around.set(key, around)
    return around
  }

  #connect (n: SimBadge, addr: Uint8Array): void {
    const target = this.#byAddr.get(toHex(addr))
    if (!target) { this.connectsToNowhere++; return }
    // The central waits for the target's next advertisement, then the connection is set up.
    this.q.after(this.rng.range(0, ADV_INTERVAL) + this.rng.range(CONNECT_SETUP[0], CONNECT_SETUP[1]), () => {
      if (!n.on || !target.on || n.links.size >= MAX_CONNECTIONS || target.links.size >= MAX_CONNECTIONS) { this.metrics.connectFailures++; return }
      for (const l of n.links.values()) if (l.other(n) === target) { this.metrics.connectFailures++; return }
      const d = this.#distance(n, target)
      const ok = 1 - lossAt(d)
      if (d >= RANGE || !this.rng.chance(ok * ok)) { this.metrics.connectFailures++; return }
      const l = new SimLink(n, target, n.nextHandle++ & 0xffff, target.nextHandle++ & 0xffff, Math.min(n.mtu, target.mtu))
      n.links.set(l.ha, l)
      target.links.set(l.hb, l)
      this.metrics.connections++
      const sa = this.#script(l, 0)
      const sb = this.#script(l, 1)
      if (!sa) this.call(n, (b, local) => { if (b.linkUp(l.ha, l.mtu, true, target.addr, local) === false && !n.hostile) this.#count(target, 'refusedLinks') })
      if (!sb) this.call(target, (b, local) => { if (b.linkUp(l.hb, l.mtu, false, n.addr, local) === false && !target.hostile) this.#count(n, 'refusedLinks') })
      sa?.up()
      sb?.up()
    })
  }

  /** Ends a link for both sides; each badge hears of it after `delay` ms (supervision and termination). */
  #breakLink (l: SimLink, delay: number): void {
    if (!l.up) return
    l.up = false
    l.a.links.delete(l.ha)
    l.b.links.delete(l.hb)
    const down = (n: SimBadge, h: number) => this.q.after(delay, () => this.call(n, (b, local) => { b.linkDown(h, local) }))
    if (!l.script[0]) down(l.a, l.ha)
    if (!l.script[1]) down(l.b, l.hb)
  }

  // ---- radio: frames -------------------------------------------------------------------

  #send (n: SimBadge, handle: number, frame: Uint8Array): void {
    const l = n.links.get(handle)
    if (!l || !l.up) return
    const dir = l.a === n ? 0 : 1
    if (l.script[dir]) return // the hostile badge's core does not know this link; its script speaks
    this.#push(l, dir, this.#misbehave(n, frame))
  }

  #push (l: SimLink, dir: 0 | 1, frames: Uint8Array[]): void {
    if (!l.up) return
    for (const f of frames) l.queue[dir].push(f)
    if (!l.busy[dir]) this.#transmit(l, dir)
  }

  #transmit (l: SimLink, dir: 0 | 1): void {
    const frame = l.queue[dir][0]
    if (!frame) { l.busy[dir] = false; return }
    l.busy[dir] = true
    this.q.after(frameTime(frame.length), () => {
      if (!l.up) return
      l.queue[dir].shift()
      this.metrics.linkBytes += frame.length + FRAME_OVERHEAD
      this.metrics.frames++
      const from = dir === 0 ? l.a : l.b
      const to = dir === 0 ? l.b : l.a
      const script = l.script[dir === 0 ? 1 : 0]
      if (script) script.receive(frame)
      else if (from.hostile && !to.hostile) {
        // What the honest badge counts against the hostile one, frame by frame.
        const before = this.#violations(to)
        this.call(to, (b, local) => b.frame(l.handleOf(to), frame, local))
        const k = this.#violations(to) - before
        if (k > 0) this.#count(from, 'violations', k)
      } else this.call(to, (b, local) => b.frame(l.handleOf(to), frame, local))
      if (!l.up) return
      if (l.queue[dir].length > 0) this.#transmit(l, dir)
      else {
        l.busy[dir] = false
        if (!l.script[dir]) this.call(from, (b, local) => b.linkReady(l.handleOf(from), local))
      }
    })
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

  /** Posts on badge i now; returns the core's answer (1 accepted). */
  post (i: number, collection: string, payload: CborValue): number {
    const n = this.nodes[i]
    let rc = -73
    this.call(n, (b, local) => { rc = b.post(collection, payload, local) })
    if (rc === 1 && n.badge) {
      const own = n.badge.chains().find(c => toHex(c.owner) === n.owner)
      if (own) this.metrics.posted(i, n.owner, own.length, this.q.now)
      n.posts++
    }
    return rc
  }

  #defaultPlan (): PlannedPost[] {
    const names = ['Ada', 'Grace', 'Alan', 'Radia', 'Linus', 'Hedy', 'Ken', 'Barbara', 'Dennis', 'Margaret', 'Tim', 'Frances', 'Edsger', 'Karen', 'Donald', 'Sophie']
    const plan: PlannedPost[] = []
    // Each badge holds at most 128 chains (docs/ABI.md); the default event stays below that.
    const share = this.opts.posters ?? Math.min(0.3, MAX_POSTERS / this.nodes.length)
    for (const n of this.nodes) {
      if (n.hostile || !n.rng.chance(share)) continue
      const name = `${n.rng.pick(names)} #${n.index}`
      let at = n.rng.range(0, Math.min(this.end * 0.5, 10 * 60_000))
      plan.push({ badge: n.index, at, collection: 'cards', payload: { name } })
      // Some update their card now and then, which keeps it alive.
      while (n.rng.chance(0.4)) {
        at += n.rng.range(5, 40) * 60_000
        if (at >= this.end) break
        plan.push({ badge: n.index, at, collection: 'cards', payload: { name: `${name.split(' ')[0]} (${n.rng.pick(['at the bar', 'in Room A', 'hacking', 'hiring', 'lunch'])})` } })
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

  /** Runs the whole event; returns when virtual time reaches the end. */
  run (): this {
    try {
      this.start()
      this.runUntil(this.end)
    } catch (e) {
      this.close() // no native process outlives a failed run
      throw e
    }
    return this
  }

  #started = false
  start (): void {
    if (this.#started) return
    this.#started = true
    this.#radioEpoch()
    for (const n of this.nodes) {
      this.powerOn(n)
      const h = this.opts.hostile?.find(x => x.badge === n.index)
      if (h) this.#arm(n, h.kind, h.chains ?? 40)
      if (h && h.kind in ATTACKS) {
        if (n.native) throw new Error(`sim: hostile badge ${n.index} must run in V8`)
        n.attack = ATTACKS[h.kind as AttackKind](this.#hostileEnv(n))
        n.attackFrom = (h.fromMinute ?? 0) * 60_000
      }
      n.tickEvent = this.q.at(this.rng.range(0, TICK), () => this.#tick(n))
      n.advertEvent = this.q.at(this.rng.range(0, ADV_INTERVAL), () => this.#advertise(n))
      if ((this.opts.powerCutEvery ?? 0) > 0) this.#schedulePowerCut(n)
    }
    for (const p of this.opts.plan ?? this.#defaultPlan()) this.q.at(p.at, () => this.post(p.badge, p.collection, p.payload))
    const epoch = () => { this.#radioEpoch(); this.q.after(TICK, epoch) }
    this.q.after(TICK, epoch)
    const sample = () => { this.#sample(); this.q.after(SAMPLE, sample) }
    this.q.at(0, sample)
    this.q.at(BEACON_EVERY, () => this.#beacon(0))
  }

  readonly #eventKey = eventKeyOf(SIM_EVENT_SECRET)

  /** The organiser's desk signs the time (true mesh time) and hands it to one badge, in turn: no randomness taken. */
  #beacon (k: number): void {
    this.q.after(BEACON_EVERY, () => this.#beacon(k + 1))
    const n = this.nodes[(k * 7) % this.nodes.length]
    if (n.hostile) return
    const beacon = beaconSign(SIM_EVENT_SECRET, EPOCH + this.q.now)
    this.call(n, (b, local) => { if (b instanceof Badge || b instanceof NativeBadge) b.beacon(beacon, local) })
  }

  #tick (n: SimBadge): void {
    this.q.again(n.tickEvent!, this.q.now + TICK)
    this.call(n, (b, local) => { b.tick(local) })
    n.forgetStaleAdverts(this.q.now)
    if (n.attack && n.on && this.q.now >= n.attackFrom) {
      // Scripted links that have lasted long enough are hung up (the attacker reconnects in its tick).
      const after = n.attack.hangUpAfter
      if (after !== undefined) {
        for (const l of [...n.links.values()]) {
          const s = l.script[l.a === n ? 0 : 1]
          if (s && this.q.now - s.upAt >= after) this.#breakLink(l, 1)
        }
      }
      n.attack.tick?.()
    }
  }

  // ---- hostile badges of the #12 kinds ----------------------------------------------

  #count (n: SimBadge, name: string, k = 1): void {
    if (!n.hostile) return
    let c = this.hostileCounts.get(n.hostile)
    if (!c) this.hostileCounts.set(n.hostile, c = {})
    c[name] = (c[name] ?? 0) + k
  }

  #violations (n: SimBadge): number { return n.on && n.badge ? n.badge.status(n.local(this.q.now)).violations : 0 }

  /** Side `side` of a new link, played by hand when its badge's attack wants it; null when its core plays it. */
  #script (l: SimLink, side: 0 | 1): ScriptedPeer | null {
    const self = side === 0 ? l.a : l.b
    const other = side === 0 ? l.b : l.a
    if (!self.attack || !self.on || this.q.now < self.attackFrom) return null
    const peer = { index: other.index, owner: other.owner, central: side === 1 }
    if (!self.attack.scripted(peer)) return null
    const s = new ScriptedPeer(self.attack, peer, l.mtu, this.q.now, frames => this.#push(l, side, frames), () => this.#breakLink(l, 1))
    l.script[side] = s
    this.#count(self, 'scriptedLinks')
    return s
  }

  #hostileEnv (n: SimBadge): HostileEnv {
    return {
      index: n.index,
      rng: n.rng,
      trueTime: () => EPOCH + Math.floor(this.q.now),
      core: () => n.on && n.badge instanceof Badge ? n.badge : null,
      neighbours: () => [...n.heard].filter(([i, h]) => !this.nodes[i].hostile && this.q.now - h.t < 10_000).map(([i]) => i),
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
    this.metrics.advertBytes += (data.length + ADV_OVERHEAD) * ADV_CHANNELS
    const cx = Math.floor(n.walker.x / RANGE)
    const cy = Math.floor(n.walker.y / RANGE)
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (cx + dx < 0 || cy + dy < 0) continue
        for (const m of this.#grid.get((cy + dy) * this.#cols + cx + dx) ?? []) {
          if (m === n || !m.on || m.hostile) continue
          const d = this.#distance(n, m)
          if (d >= RANGE || !n.rng.chance(SCAN_DUTY * (1 - lossAt(d)))) continue
          this.call(m, (b, local) => { b.advert(addr, data, local) })
        }
      }
    }
  }

  #schedulePowerCut (n: SimBadge): void {
    const mean = this.opts.powerCutEvery! * 60_000
    this.q.after(-Math.log(1 - n.rng.next()) * mean, () => {
      if (n.on) this.cutPower(n, { midWrite: n.rng.chance(0.5), offFor: n.rng.range(10_000, 120_000) })
      this.#schedulePowerCut(n)
    })
  }

  /** Owners whose chains every badge should have forgotten by now: last post older than the TTL, the skew bound and a tick. */
  expiredOwners (): Set<string> {
    const last = new Map<string, number>()
    for (const t of this.metrics.blocks.values()) last.set(t.owner, Math.max(last.get(t.owner) ?? 0, t.postedAt))
    const out = new Set<string>()
    const ttl = this.opts.ttl ?? CARD_TTL
    for (const [owner, at] of last) if (this.q.now > at + ttl + SKEW + 2 * TICK) out.add(owner)
    return out
  }

  /**
   * Checks every minute who still holds a chain whose time has passed. A
   * badge may hold one for a while after waking up (until its clock has
   * caught up); one that had forgotten a chain and holds it again is a
   * zombie, and so is any block of such a chain stored after its time
   * (counted from the STORED notes as they come).
   */
  checkForgotten (): void {
    this.#expired = this.expiredOwners()
    this.forgotten = this.#expired.size
    if (this.#expired.size === 0) return
    let stale = 0
    for (const n of this.nodes) {
      if (!n.on || !n.badge || n.hostile) continue
      const held = new Set(n.badge.chains().map(c => toHex(c.owner)))
      let forgot = this.#forgot.get(n.index)
      if (!forgot) this.#forgot.set(n.index, forgot = new Set())
      let holds = false
      for (const o of this.#expired) {
        if (!held.has(o)) { forgot.add(o); continue }
        holds = true
        if (forgot.has(o)) { this.zombies++; forgot.delete(o) }
      }
      if (holds) stale++
    }
    this.staleHolders = Math.max(this.staleHolders, stale)
  }

  #expired = new Set<string>()
  readonly #forgot = new Map<number, Set<string>>()
  /** Chains that came back to a badge after their time (should stay 0). */
  zombies = 0
  /** The most badges seen holding an expired chain at one check (badges that slept through the expiry, until their clocks catch up). */
  staleHolders = 0
  forgotten = 0

  #countedBadges: number | undefined

  #sample (): void {
    if (this.timeline.length % 6 === 0) { this.checkForgotten(); this.losses.check(this) }
    // Coverage from the tracks' counters: (live post, counted badge) pairs held, over all such pairs.
    let pairs = 0; let held = 0
    const now = this.q.now
    const counted = this.#countedBadges ??= this.nodes.reduce((k, n) => k + (this.metrics.counted(n.index) ? 1 : 0), 0)
    for (const track of this.metrics.blocks.values()) {
      if (now - track.postedAt > (this.opts.ttl ?? CARD_TTL)) continue // expired cards are no longer expected anywhere
      pairs += counted
      held += track.countedHolders
    }
    let chains = 0; let links = 0
    for (const n of this.nodes) {
      if (!n.on || !n.badge) continue
      const s = n.badge.status(n.local(now))
      chains += s.chains
      links += s.linksUp
      if (this.metrics.counted(n.index)) this.losses.clock(n, s.meshTime)
    }
    this.losses.clockDone(EPOCH + now)
    this.timeline.push({ t: now, coverage: pairs ? held / pairs : 1, chains: chains / this.nodes.length, links })
  }

  /** Runs events until virtual time t. */
  runUntil (t: number): void {
    this.start()
    let nextProgress = this.q.now + 1000
    while (this.q.peekTime() <= t) {
      const e = this.q.pop()!
      e.run()
      if (this.opts.onProgress && this.q.now >= nextProgress) {
        this.opts.onProgress(Math.min(1, this.q.now / this.end))
        nextProgress = this.q.now + 1000
      }
    }
    this.q.now = Math.max(this.q.now, t)
  }
}
