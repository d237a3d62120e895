// A badge that is a native board process (boards/native: the C firmware
// under real WAMR, its flash a file), driven by the simulator over the
// radio socket (boards/native/README.md, "The radio socket") with the same
// calls as a Badge in V8. Each call is one request answered in lockstep;
// the radio and display messages of the answer are what drain() returns.

import { BadgeError, BadgeStatus, CHAIN_RECORD, ChainInfo, MeshBadge, OutboxRecord, actionBytes, chainInfos, parseStatus } from '../badge.js'
import { CborValue } from '../cbor.js'
import { NativeBadgeError, NativePool, NativePowerCut, NativeSpawn } from './native-pool.js'
import { PowerLoss } from '../nor-flash.js'

// Requests (simulator -> board) and board messages (board -> simulator).
const BOOT = 0x01; const TICK = 0x02; const ADVERT = 0x03; const LINK_UP = 0x04; const LINK_DOWN = 0x05
const LINK_READY = 0x06; const FRAME = 0x07; const ACTION = 0x08; const STATUS = 0x09; const IDENTITY = 0x0a; const CHAINS = 0x0b
const ENROL = 0x0c; const BEACON = 0x0d; const CUT = 0x0e; const ENTROPY_BYTES = 0x0f
const M_ADVERTISE = 0x81; const M_CONNECT = 0x82; const M_DISCONNECT = 0x83; const M_SEND = 0x84; const M_STORED = 0x85
const M_ENTROPY = 0x86; const M_DATA = 0x8a; const M_DONE = 0x8f

/** One request: type, payload length u16 LE, the local time i64 LE, then the rest. */
export function request (type: number, local: number, ...parts: Uint8Array[]): Uint8Array {
  const rest = parts.reduce((n, p) => n + p.length, 0)
  const len = 8 + rest
  if (len > 0xffff) throw new RangeError('radio request: payload over 64 KiB')
  const out = new Uint8Array(3 + len)
  const v = new DataView(out.buffer)
  out[0] = type
  v.setUint16(1, len, true)
  v.setBigInt64(3, BigInt(local), true)
  let o = 11
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

const u16 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff)
const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff)
const i64 = (n: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n), true); return b }

export interface NativeAnswer { records: OutboxRecord[], data: Uint8Array[], result: number }

/** Splits an answer into outbox records, DATA payloads and DONE's result; throws on anything else. */
export function parseAnswer (bytes: Uint8Array): NativeAnswer {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: OutboxRecord[] = []
  const data: Uint8Array[] = []
  for (let o = 0; o < bytes.length;) {
    if (o + 3 > bytes.length) throw new NativeBadgeError('radio answer: a message header cut short')
    const type = bytes[o]; const len = v.getUint16(o + 1, true)
    const p = o + 3
    if (p + len > bytes.length) throw new NativeBadgeError('radio answer: a message runs past the answer')
    const body = bytes.slice(p, p + len)
    const want = (ok: boolean) => { if (!ok) throw new NativeBadgeError(`radio answer: message 0x${type.toString(16)} of ${len} bytes`) }
    switch (type) {
      case M_ADVERTISE: want(len <= 31); records.push({ kind: 'advertise', data: body }); break
      case M_CONNECT: want(len === 6); records.push({ kind: 'connect', addr: body }); break
      case M_DISCONNECT: want(len === 2); records.push({ kind: 'disconnect', link: v.getUint16(p, true) }); break
      case M_SEND: want(len >= 2); records.push({ kind: 'send', link: v.getUint16(p, true), frame: body.slice(2) }); break
      case M_STORED: want(len === 36); records.push({ kind: 'stored', owner: body.slice(0, 32), height: v.getUint32(p + 32, true) }); break
      case M_ENTROPY: want(len === 2); break // the board asked for entropy here, and was answered (NativePool.call)
      case M_DATA: data.push(body); break
      case M_DONE:
        want(len === 8)
        if (p + len !== bytes.length) throw new NativeBadgeError('radio answer: bytes after DONE')
        return { records, data, result: Number(v.getBigInt64(p, true)) }
      default: throw new NativeBadgeError(`radio answer: unknown message type 0x${type.toString(16)}`)
    }
    o = p + len
  }
  throw new NativeBadgeError('radio answer: no DONE')
}

export class NativeBadge implements MeshBadge {
  readonly id: number
  #pending: OutboxRecord[] = []
  #local = 0
  #closed = false
  #cutArmed = false

  /**
   * Starts the board process (it waits for BOOT: call init). entropy fills what the board's core asks
   * for, when it asks (its identity seed, link nonces), as a V8 Badge's entropy option: the simulator's
   * generator, so a run replays from its seed; never the OS's.
   */
  constructor (readonly pool: NativePool, readonly spawn: NativeSpawn, readonly entropy: (buf: Uint8Array) => void) {
    this.id = pool.spawn(spawn)
  }

  /** The bytes for the board's ENTROPY n, the last message of `sofar`: ENTROPY_BYTES with n of them. */
  #entropyBytes (sofar: Uint8Array): Uint8Array {
    const n = sofar.length >= 5 && sofar[sofar.length - 5] === M_ENTROPY ? sofar[sofar.length - 2] | (sofar[sofar.length - 1] << 8) : -1
    if (n < 0) throw new NativeBadgeError(`${this.spawn.label}: an answer part that does not end with ENTROPY`)
    const out = new Uint8Array(3 + n)
    out[0] = ENTROPY_BYTES; out[1] = n & 0xff; out[2] = n >> 8
    this.entropy(out.subarray(3))
    return out
  }

  get pid (): number | undefined { return this.pool.pid(this.id) }

  #call (type: number, local: number, ...parts: Uint8Array[]): NativeAnswer {
    if (this.#closed) throw new NativeBadgeError(`${this.spawn.label}: the process was killed`)
    this.#local = Math.max(this.#local, local)
    let answer: Uint8Array
    try {
      answer = this.pool.call(this.id, request(type, this.#local, ...parts), sofar => this.#entropyBytes(sofar))
    } catch (e) {
      // The cut it was told to make (cutPowerAt): power is gone mid-call, as a V8 badge's NorFlash throws PowerLoss.
      if (!(e instanceof NativePowerCut) || !this.#cutArmed) throw e
      this.#closed = true
      this.pool.kill(this.id) // already gone: this reaps it
      throw new PowerLoss(`${this.spawn.label}: power cut mid-write`)
    }
    const a = parseAnswer(answer)
    for (const r of a.records) this.#pending.push(r)
    return a
  }

  init (local: number, hint = 0): this {
    const rc = this.#call(BOOT, local, i64(hint)).result
    if (rc < 0) throw new BadgeError(rc, `${this.spawn.label}: init`)
    return this
  }

  tick (local: number): void { this.#call(TICK, local) }
  advert (addr: Uint8Array, data: Uint8Array, local: number): void { this.#call(ADVERT, local, addr, data) }
  linkUp (link: number, mtu: number, central: boolean, addr: Uint8Array, local: number): void {
    this.#call(LINK_UP, local, u16(link), u16(mtu), Uint8Array.of(central ? 1 : 0), addr)
  }

  linkDown (link: number, local: number): void { this.#call(LINK_DOWN, local, u16(link)) }
  linkReady (link: number, local: number): void { this.#call(LINK_READY, local, u16(link)) }
  frame (link: number, bytes: Uint8Array, local: number): void { this.#call(FRAME, local, u16(link), bytes) }

  post (collection: string, payload: CborValue, local: number): number {
    return this.#call(ACTION, local, actionBytes(collection, payload)).result
  }

  /**
   * The desk's enrolment cert (64 bytes), as Badge.enrol: 1 taken, 0 taken before; throws BadgeError
   * (-76 not the event key's for this badge, -77 the chain started without one). The board knows the
   * event key from its --event-key, given to its core at every start (boards/common/badge.c).
   */
  enrol (cert: Uint8Array): number {
    if (cert.length !== 64) throw new RangeError('enrol: a cert is 64 bytes')
    const rc = this.#call(ENROL, this.#local, cert).result
    if (rc < 0) throw new BadgeError(rc, `${this.spawn.label}: enrol`)
    return rc
  }

  /** A time beacon (72 bytes), as Badge.beacon: 1 kept, 0 not newer, -75 refused. */
  beacon (bytes: Uint8Array, local: number): number {
    if (bytes.length !== 72) throw new RangeError('beacon: 72 bytes')
    return this.#call(BEACON, local, bytes).result
  }

  drain (): OutboxRecord[] {
    const out = this.#pending
    this.#pending = []
    return out
  }

  status (local: number): BadgeStatus {
    const a = this.#call(STATUS, local)
    if (a.result < 0) throw new BadgeError(a.result, `${this.spawn.label}: status`)
    const d = a.data[0]
    if (!d || d.length !== 80) throw new NativeBadgeError(`${this.spawn.label}: STATUS answered ${d?.length ?? 0} bytes, not 80`)
    return parseStatus(new DataView(d.buffer, d.byteOffset, 80))
  }

  identity (): Uint8Array {
    const a = this.#call(IDENTITY, this.#local)
    if (a.result < 0) throw new BadgeError(a.result, `${this.spawn.label}: identity`)
    const d = a.data[0]
    if (!d || d.length !== 32) throw new NativeBadgeError(`${this.spawn.label}: IDENTITY answered ${d?.length ?? 0} bytes, not 32`)
    return d
  }

  chains (): ChainInfo[] { return chainInfos(this.chainRecords()) }

  chainRecords (): Uint8Array {
    const parts: Uint8Array[] = []
    let total = 0
    for (let start = 0; ;) {
      const a = this.#call(CHAINS, this.#local, u32(start))
      if (a.result < 0) throw new BadgeError(a.result, `${this.spawn.label}: chains`)
      const d = a.data[0] ?? new Uint8Array(0)
      if (d.length !== a.result * CHAIN_RECORD) throw new NativeBadgeError(`${this.spawn.label}: CHAINS answered ${d.length} bytes for ${a.result} chains`)
      if (a.result === 0) break
      parts.push(d)
      total += d.length
      start += a.result
    }
    const out = new Uint8Array(total)
    let o = 0
    for (const p of parts) { out.set(p, o); o += p.length }
    return out
  }

  /** Power cut: SIGKILL now (between requests: flash holds every write the board finished). */
  kill (): void {
    if (this.#closed) return
    this.#closed = true
    this.pool.kill(this.id)
  }

  /**
   * As NorFlash.cutPowerAt: the power dies in the n-th flash program or erase from now (1 = the next),
   * half of it written (the board exits 137; boards/native/port_native.c). The call it happens in
   * throws PowerLoss. Counted in writes, not in wall-clock time, so a run replays from its seed.
   */
  cutPowerAt (n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError('cutPowerAt: n must be a positive integer')
    this.#call(CUT, this.#local, u32(n))
    this.#cutArmed = true
  }
}
