// A blocking request channel between two threads. The receiver sleeps on a
// shared counter until a message is there (Atomics.wait), then takes it
// synchronously. The simulator's windows are a few milliseconds of work
// each, so a thread waiting on another must wake in microseconds, not at
// the next turn of an event loop it never returns to.
//
// Two ways across:
//   - send(): any structured-cloneable value, through a MessagePort
//     (receiveMessageOnPort). For requests and answers between windows.
//   - sendBytes(): a number and a list of byte strings, copied into a
//     region of shared memory. For the windows themselves (thousands a
//     simulated minute): a postMessage costs some 60 µs of cloning and
//     signalling on each side, a copy of a few KB well under one.
//
// Invariant: at most one message is in flight each way (the simulator asks,
// then waits for the answer), so each direction has one region, and a
// region is read out before the other end can write it again. The kind of
// the message in flight is in the region's header, written before the
// counter that says it is there.

import { MessagePort, receiveMessageOnPort } from 'node:worker_threads'

/**
 * How long a waiting thread keeps looking before it sleeps (ms). Short: on this project's 2-vCPU
 * machine a longer spin made a 2-thread run no faster (sleeping and waking at each 5-ms window costs
 * about as much as the spin saves), and with more threads than free cores (3 on 2, or tests running
 * beside each other) a spinning thread holds the core the thread it waits for needs: a 20-ms spin made
 * a 3-thread test run take 211 s instead of 5.
 */
const SPIN_MS = 0.05

/** Bytes of shared memory each direction has for sendBytes (a message that does not fit goes by the port). */
export const REGION_BYTES = 1 << 20
/** Bytes of a region's header: kind (u32), then the message's number (f64) and its count of strings (u32). */
const HEADER = 16
const KIND_PORT = 0
const KIND_BYTES = 1

/** What sendBytes sends: a number (a window's end, say) and byte strings (copies, the receiver's own). */
export interface BytesMessage { readonly num: number, readonly parts: Uint8Array[] }

/** The shared memory a channel's two ends are made with: the counters and both directions' regions. */
export function channelMemory (): { signal: SharedArrayBuffer, regions: SharedArrayBuffer } {
  return { signal: new SharedArrayBuffer(12), regions: new SharedArrayBuffer(2 * REGION_BYTES) }
}

export class ThreadChannel {
  readonly #signal: Int32Array
  /** This end's inbox region and the other end's, as bytes and as the header's words. */
  readonly #in: Uint8Array
  readonly #out: Uint8Array
  readonly #inHead: DataView
  readonly #outHead: DataView
  #seen = 0
  /**
   * `port`: this end of a MessageChannel (it sends to the other end and receives from it).
   * `signal` (12 bytes at least) is shared by both ends: slot `inbox` counts messages to this end, the other
   * slot to the other end. `regions` (2 x REGION_BYTES, channelMemory) too: region `inbox` is this end's inbox.
   */
  constructor (readonly port: MessagePort, signal: SharedArrayBuffer, readonly inbox: 0 | 1, regions: SharedArrayBuffer) {
    if (regions.byteLength !== 2 * REGION_BYTES) throw new RangeError(`thread channel: regions must be ${2 * REGION_BYTES} bytes`)
    this.#signal = new Int32Array(signal)
    this.#in = new Uint8Array(regions, inbox * REGION_BYTES, REGION_BYTES)
    this.#out = new Uint8Array(regions, (1 - inbox) * REGION_BYTES, REGION_BYTES)
    this.#inHead = new DataView(regions, inbox * REGION_BYTES, HEADER)
    this.#outHead = new DataView(regions, (1 - inbox) * REGION_BYTES, HEADER)
  }

  send (message: unknown, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer)
    this.#outHead.setUint32(0, KIND_PORT, true)
    this.#signal_()
  }

  /** Sends num and parts through shared memory (by the port, as a BytesMessage, when they do not fit). */
  sendBytes (num: number, parts: readonly Uint8Array[]): void {
    let size = HEADER
    for (const p of parts) size += 4 + p.length
    if (size > REGION_BYTES) { this.send({ num, parts: [...parts] } satisfies BytesMessage); return }
    const out = this.#out
    const head = this.#outHead
    head.setUint32(0, KIND_BYTES, true)
    head.setFloat64(4, num, true)
    head.setUint32(12, parts.length, true)
    let at = HEADER
    for (const p of parts) {
      out[at] = p.length; out[at + 1] = p.length >>> 8; out[at + 2] = p.length >>> 16; out[at + 3] = p.length >>> 24
      out.set(p, at + 4)
      at += 4 + p.length
    }
    this.#signal_()
  }

  /** Tells the other end one more message is there (after its kind and bytes are written: Atomics.add orders them). */
  #signal_ (): void {
    const slot = 1 - this.inbox
    Atomics.add(this.#signal, slot, 1)
    Atomics.notify(this.#signal, slot)
  }

  /** The next message to this end, waiting as long as it takes: what send() sent, or a BytesMessage. */
  receive (): unknown {
    const since = performance.now()
    for (let spin = 0; ; spin++) {
      const now = Atomics.load(this.#signal, this.inbox)
      if (now !== this.#seen) {
        if (this.#inHead.getUint32(0, true) === KIND_BYTES) { this.#seen++; return this.#readBytes() }
        // The counter can run ahead of the port's delivery: look again until the message is there.
        const m = receiveMessageOnPort(this.port)
        if (m) { this.#seen++; return m.message }
      }
      if ((spin & 31) === 31 && performance.now() - since > SPIN_MS) Atomics.wait(this.#signal, this.inbox, this.#seen, 1000)
    }
  }

  #readBytes (): BytesMessage {
    const head = this.#inHead
    const src = this.#in
    const num = head.getFloat64(4, true)
    const count = head.getUint32(12, true)
    const parts: Uint8Array[] = []
    let at = HEADER
    for (let k = 0; k < count; k++) {
      const len = (src[at] | src[at + 1] << 8 | src[at + 2] << 16 | src[at + 3] << 24) >>> 0
      parts.push(src.slice(at + 4, at + 4 + len)) // a copy: the other end writes this region again once answered
      at += 4 + len
    }
    return { num, parts }
  }
}
