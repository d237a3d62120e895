// A board over the RPC (docs/RPC.md): requests go out SLIP-framed with a
// sequence number; a reply with a bad CRC is ignored and the request
// retried after a timeout; console output between frames goes to `console`.

import { Transport } from './transport.js'
import { SlipDecoder, slipEncode } from '../slip.js'
import { decodeFrame, encodeFrame, encodeCall, Call, CallResult, RpcError, RPC_ERRORS, T_HELLO, T_CALL, T_ERROR, REPLY } from './frames.js'
import type { CoreTarget, Hello } from './target.js'

export class BoardTarget implements CoreTarget {
  readonly name = 'board'
  // Each session starts at a random sequence number: sessions that numbered
  // from the same start sent the same first bytes as the session before them,
  // so the board took a new request for a retry and answered it from its cache
  // (the same beacon handed twice read "kept", not "not newer"). Two sessions
  // now look alike with a chance of 1 in 65,536, not always.
  #seq = globalThis.crypto.getRandomValues(new Uint16Array(1))[0]
  #waiting = new Map<number, (f: { type: number, payload: Uint8Array }) => void>()
  #hello: Hello | undefined

  constructor (readonly transport: Transport, readonly opts: { timeoutMs?: number, retries?: number, console?: (bytes: Uint8Array) => void } = {}) {
    const decoder = new SlipDecoder(raw => {
      const f = decodeFrame(raw)
      if (!f) { opts.console?.(raw); return } // text the firmware printed between frames
      this.#waiting.get(f.seq)?.(f)
    })
    transport.onData(bytes => decoder.push(bytes))
  }

  /** One request of any type; the reply's payload. Throws RpcError on an ERROR reply or silence. */
  async request (type: number, payload: Uint8Array): Promise<Uint8Array> { return await this.#request(type, payload) }

  async #request (type: number, payload: Uint8Array): Promise<Uint8Array> {
    const retries = this.opts.retries ?? 3
    // A retry keeps its sequence number: a board that ran the request but
    // whose reply was lost answers the retry from its cache instead of
    // running store_write or sign_update a second time (docs/RPC.md).
    const seq = this.#seq = (this.#seq + 1) & 0xffff
    for (let attempt = 0; attempt <= retries; attempt++) {
      const reply = new Promise<{ type: number, payload: Uint8Array } | undefined>(resolve => {
        const timer = setTimeout(() => { this.#waiting.delete(seq); resolve(undefined) }, this.opts.timeoutMs ?? 1000)
        this.#waiting.set(seq, f => { clearTimeout(timer); this.#waiting.delete(seq); resolve(f) })
      })
      this.transport.write(slipEncode(encodeFrame({ type, seq, payload })))
      const f = await reply
      if (!f) continue
      if (f.type === T_ERROR) throw new RpcError(`the board refused the request: ${RPC_ERRORS[f.payload[0]] ?? `error ${f.payload[0]}`}${f.payload.length > 1 ? ` (${new TextDecoder().decode(f.payload.subarray(1))})` : ''}`, f.payload[0])
      if (f.type !== (type | REPLY)) throw new RpcError(`the board answered with frame type ${f.type}`)
      return f.payload
    }
    throw new RpcError(`no answer from the board after ${retries + 1} tries`)
  }

  async hello (): Promise<Hello> {
    const p = await this.#request(T_HELLO, new Uint8Array())
    if (p.length < 13) throw new RpcError('the board\'s HELLO is too short')
    const v = new DataView(p.buffer, p.byteOffset, p.length)
    this.#hello = { version: p[0], io: v.getUint32(1, true), ioCap: v.getUint32(5, true), memoryUsed: v.getUint32(9, true), board: new TextDecoder().decode(p.subarray(13)) }
    if (this.#hello.version !== 1) throw new RpcError(`the board speaks RPC version ${this.#hello.version}, this tool 1`)
    return this.#hello
  }

  async call (c: Call): Promise<CallResult> {
    const hello = this.#hello ?? await this.hello()
    const p = await this.#request(T_CALL, encodeCall(c, hello.io))
    const v = new DataView(p.buffer, p.byteOffset, p.length)
    if (p.length < 9 || p[0] !== 0) throw new RpcError('malformed CALL reply')
    const result = v.getBigInt64(1, true)
    const reads: Uint8Array[] = []
    let o = 9
    for (const r of c.reads ?? []) {
      if (o + r.length > p.length) throw new RpcError('CALL reply shorter than its reads')
      reads.push(p.slice(o, o + r.length)); o += r.length
    }
    return { result, reads }
  }

  async close (): Promise<void> { await this.transport.close() }
}
