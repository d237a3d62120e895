// A simulated board for the RPC (docs/RPC.md): the firmware's dispatcher,
// with the core instance it would run under WAMR, behind a transport. It
// follows the document byte for byte, so `picobadge test` can be tried and
// tested without hardware. With `running`, it also runs a badge (a Badge in
// V8, its own core) that answers IDENTITY, STATUS, ENROL and BEACON until a
// HELLO or CALL puts the board in test mode, as the firmware does; without,
// it is a board that runs no badge (-73). Faults for tests: a core whose
// answers differ (`tamper`), replies with broken CRCs, silence.

import { Transport } from './transport.js'
import { SlipDecoder, slipEncode } from '../slip.js'
import { decodeFrame, encodeFrame, decodeCall, RpcError, T_HELLO, T_CALL, T_ENROL, T_BEACON, T_IDENTITY, T_STATUS, T_ERROR, REPLY } from './frames.js'
import { RestartingCore } from './target.js'
import type { Core } from '../core.js'
import { IO_DATA } from '../core.js'
import { BadgeError, type Badge } from '../badge.js'

export interface SimBoardOptions {
  board?: string
  /** Changes a call's result, as a board with a broken build would. */
  tamper?: (name: string, result: bigint) => bigint
  /** Breaks the CRC of the n-th reply (1-based), once. */
  corruptReply?: number
  /** Stops answering after this many requests. */
  silentAfter?: number
  /** Another module than build/core.wasm (tests: one that traps). */
  wasm?: Uint8Array
  /** A started badge the board runs, the event key its board trusts, and the board's local clock (ms). */
  running?: RunningBadge
}

export interface RunningBadge { badge: Badge, eventKey: Uint8Array, clock: () => number }

export class SimulatedBoard {
  readonly #runner: RestartingCore
  #replies = 0
  /** The last request and the reply it got: a retry (same bytes) is answered from here, not run again. */
  #last: { request: string, reply: Uint8Array } | undefined
  /** How many CALLs ran (retries answered from the cache do not count). */
  calls = 0
  /** Set by the first HELLO or CALL: the running badge (if any) stops answering (-73). */
  testMode = false

  get core (): Core { return this.#runner.core }

  constructor (readonly transport: Transport, readonly opts: SimBoardOptions = {}) {
    this.#runner = new RestartingCore(opts.wasm)
    transport.write(new TextEncoder().encode('I (312) picobadge: booted, RPC ready\r\n'))
    const decoder = new SlipDecoder(raw => this.#handle(raw))
    transport.onData(bytes => decoder.push(bytes))
  }

  #reply (type: number, seq: number, payload: Uint8Array): void {
    this.#send(encodeFrame({ type, seq, payload }))
  }

  #send (reply: Uint8Array): void {
    if (this.#last) this.#last.reply = reply
    this.#replies++
    if (this.opts.silentAfter !== undefined && this.#replies > this.opts.silentAfter) return
    const frame = Uint8Array.from(reply)
    if (this.#replies === this.opts.corruptReply) frame[frame.length - 1] ^= 0xff
    this.transport.write(slipEncode(frame))
  }

  #handle (raw: Uint8Array): void {
    const f = decodeFrame(raw)
    if (!f) return // garbage is dropped; the host retries
    const request = Buffer.from(raw).toString('latin1')
    // A retry is answered from the cache, except STATUS: a read, answered afresh (docs/RPC.md, "Retries").
    if (f.type !== T_STATUS && this.#last?.request === request) { this.#send(this.#last.reply); return }
    this.#last = { request, reply: new Uint8Array() }
    const error = (code: number, msg: string) => this.#reply(T_ERROR, f.seq, Uint8Array.from([code, ...new TextEncoder().encode(msg)]))
    if (f.type === T_HELLO || f.type === T_CALL) this.testMode = true
    if (f.type === T_HELLO) {
      const x = this.core.x
      const p = new Uint8Array(13)
      const v = new DataView(p.buffer)
      p[0] = 1; v.setUint32(1, x.io(), true); v.setUint32(5, x.io_cap(), true); v.setUint32(9, x.memory_used(), true)
      this.#reply(f.type | REPLY, f.seq, Uint8Array.from([...p, ...new TextEncoder().encode(this.opts.board ?? 'simulated board')]))
      return
    }
    if (f.type === T_ENROL || f.type === T_BEACON || f.type === T_IDENTITY || f.type === T_STATUS) {
      const want = f.type === T_ENROL ? 64 : f.type === T_BEACON ? 72 : 0
      if (f.payload.length !== want) { error(2, 'malformed request'); return }
      const p = new Uint8Array(f.type === T_BEACON ? 44 : f.type === T_STATUS ? 84 : 68)
      // Without a running badge (none, or test mode: the core is the RPC's): -73, not started, with no badge key and no status.
      new DataView(p.buffer).setInt32(0, this.opts.running ? this.#badgeRequest(f.type, f.payload, p, this.opts.running) : -73, true)
      this.#reply(f.type | REPLY, f.seq, p)
      return
    }
    if (f.type !== T_CALL) { error(1, `type ${f.type}`); return }
    let call
    try { call = decodeCall(f.payload) } catch { error(2, 'malformed CALL'); return }
    try {
      // Arguments arrive as absolute addresses in this board's memory (the host used our io()).
      this.calls++
      const r = this.#runner.run(call.name, call.args, call.writes.map(w => ({ offset: w.offset, bytes: w.bytes })), call.reads)
      const result = this.opts.tamper ? this.opts.tamper(call.name, r.result) : r.result
      const head = new Uint8Array(9); new DataView(head.buffer).setBigInt64(1, result, true)
      this.#reply(f.type | REPLY, f.seq, Uint8Array.from([...head, ...r.reads.flatMap(b => [...b])]))
    } catch (e) {
      if (e instanceof RpcError && e.code !== undefined) error(e.code, e.message)
      else throw e
    }
  }

  /**
   * A request for the running badge, answered as boards/common/rpc.c does: the code, with the reply's
   * other fields written into p (IDENTITY gives the key in any state; the rest need the badge running).
   */
  #badgeRequest (type: number, payload: Uint8Array, p: Uint8Array, { badge, eventKey, clock }: RunningBadge): number {
    const code = (fn: () => number) => { try { return fn() } catch (e) { if (e instanceof BadgeError) return e.code; throw e } }
    if (type === T_STATUS) {
      if (this.testMode) return -73
      return code(() => { badge.status(clock()); p.set(badge.core.get(IO_DATA, 80), 4); return 0 })
    }
    if (type === T_BEACON) {
      if (this.testMode) return -73
      const rc = badge.beacon(payload, clock())
      new DataView(p.buffer).setBigInt64(4, BigInt(badge.status(clock()).meshTime), true)
      p.set(eventKey, 12)
      return rc
    }
    const rc = type === T_ENROL ? (this.testMode ? -73 : code(() => badge.enrol(payload))) : 0
    p.set(badge.identity(), 4)
    p.set(eventKey, 36)
    return rc
  }
}
