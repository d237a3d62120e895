// A simulated board for the RPC (docs/RPC.md): the firmware's dispatcher,
// with the core instance it would run under WAMR, behind a transport. It
// follows the document byte for byte, so `picobadge test` can be tried and
// tested without hardware. Faults for tests: a core whose answers differ
// (`tamper`), replies with broken CRCs, silence.

import { readFileSync } from 'node:fs'
import { Core, coreWasmPath, instantiateCore } from '../core.js'
import { NorFlash, NRF52840, flashImports } from '../nor-flash.js'
import { Transport } from './transport.js'
import { SlipDecoder, slipEncode } from '../slip.js'
import { decodeFrame, encodeFrame, decodeCall, RpcError, T_HELLO, T_CALL, T_ERROR, REPLY } from './frames.js'
import { exportSignatures } from './signatures.js'
import { runCall } from './target.js'

export interface SimBoardOptions {
  board?: string
  /** Changes a call's result, as a board with a broken build would. */
  tamper?: (name: string, result: bigint) => bigint
  /** Breaks the CRC of the n-th reply (1-based), once. */
  corruptReply?: number
  /** Stops answering after this many requests. */
  silentAfter?: number
}

export class SimulatedBoard {
  readonly core: Core
  #signatures: ReturnType<typeof exportSignatures>
  #replies = 0

  constructor (readonly transport: Transport, readonly opts: SimBoardOptions = {}) {
    const wasm = readFileSync(coreWasmPath())
    const flash = new NorFlash(NRF52840)
    this.core = new Core(instantiateCore(wasm, { flash: m => flashImports(flash, m), entropy: b => b.fill(0x5a) }))
    this.#signatures = exportSignatures(wasm)
    transport.write(new TextEncoder().encode('I (312) picobadge: booted, RPC ready\r\n'))
    const decoder = new SlipDecoder(raw => this.#handle(raw))
    transport.onData(bytes => decoder.push(bytes))
  }

  #reply (type: number, seq: number, payload: Uint8Array): void {
    this.#replies++
    if (this.opts.silentAfter !== undefined && this.#replies > this.opts.silentAfter) return
    const frame = encodeFrame({ type, seq, payload })
    if (this.#replies === this.opts.corruptReply) frame[frame.length - 1] ^= 0xff
    this.transport.write(slipEncode(frame))
  }

  #handle (raw: Uint8Array): void {
    const f = decodeFrame(raw)
    if (!f) return // garbage is dropped; the host retries
    const error = (code: number, msg: string) => this.#reply(T_ERROR, f.seq, Uint8Array.from([code, ...new TextEncoder().encode(msg)]))
    if (f.type === T_HELLO) {
      const x = this.core.x
      const p = new Uint8Array(13)
      const v = new DataView(p.buffer)
      p[0] = 1; v.setUint32(1, x.io(), true); v.setUint32(5, x.io_cap(), true); v.setUint32(9, x.memory_used(), true)
      this.#reply(f.type | REPLY, f.seq, Uint8Array.from([...p, ...new TextEncoder().encode(this.opts.board ?? 'simulated board')]))
      return
    }
    if (f.type !== T_CALL) { error(1, `type ${f.type}`); return }
    let call
    try { call = decodeCall(f.payload) } catch { error(2, 'malformed CALL'); return }
    try {
      // Arguments arrive as absolute addresses in this board's memory (the host used our io()).
      const r = runCall(this.core, this.#signatures, call.name, call.args, call.writes.map(w => ({ offset: w.offset, bytes: w.bytes })), call.reads)
      const result = this.opts.tamper ? this.opts.tamper(call.name, r.result) : r.result
      const head = new Uint8Array(9); new DataView(head.buffer).setBigInt64(1, result, true)
      this.#reply(f.type | REPLY, f.seq, Uint8Array.from([...head, ...r.reads.flatMap(b => [...b])]))
    } catch (e) {
      if (e instanceof RpcError) {
        const m = e.message
        error(/no such export/.test(m) ? 3 : /argument count/.test(m) ? 4 : 5, m)
      } else if (e instanceof WebAssembly.RuntimeError) error(6, e.message)
      else throw e
    }
  }
}
