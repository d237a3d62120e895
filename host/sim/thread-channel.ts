// A blocking channel between two threads. The receiver sleeps on a shared
// counter until a message is there (Atomics.wait), then takes it
// synchronously. The simulator's windows are a few milliseconds of work
// each, so a thread waiting on another must wake in microseconds, not at
// the next turn of an event loop it never returns to.
//
// Two ways across:
//   - send(): any structured-cloneable value, through a MessagePort
//     (receiveMessageOnPort). For requests and answers between windows.
//   - sendBytes(): a number and a list of byte strings, copied into a
//     slot of shared memory. For the windows themselves (thousands a
//     simulated minute): a postMessage costs some 60 µs of cloning and
//     signalling on each side, a copy of a few KB well under one.
//
// Each direction is a ring of SLOTS slots, so a sender may run ahead of its
// receiver (the simulator posts a shard its next windows while the shard
// still runs an earlier one: driver.ts). Invariants:
//   - message n in a direction is in slot n mod SLOTS, and says in the
//     slot's header whether it is bytes there or a value on the port; the
//     header and bytes are written before the counter that says the
//     message is there (Atomics.add orders them);
//   - a receiver copies a message out of its slot before it counts the
//     message consumed; a sender writes slot n only once message n - SLOTS
//     was consumed, waiting for that if it must.

import { MessagePort, receiveMessageOnPort } from 'node:worker_threads'

/**
 * How long a waiting thread keeps looking before it sleeps (ms). Short: on this project's 2-vCPU
 * machine a longer spin made a 2-thread run no faster (sleeping and waking at each window costs
 * about as much as the spin saves), and with more threads than free cores (3 on 2, or tests running
 * beside each other) a spinning thread holds the core the thread it waits for needs: a 20-ms spin made
 * a 3-thread test run take 211 s instead of 5.
 */
const SPIN_MS = 0.05

/** Bytes of shared memory a slot has for sendBytes (a message that does not fit goes by the port). */
export const REGION_BYTES = 1 << 20
/** Messages each direction holds at once (driver.ts keeps at most 4 windows of a shard in flight). */
export const SLOTS = 4
/** Bytes of a slot's header: kind (u32), then the message's number (f64) and its count of strings (u32). */
const HEADER = 16
const KIND_PORT = 0
const KIND_BYTES = 1

/** What sendBytes sends: a number (a window's end, say) and byte strings (copies, the receiver's own). */
export interface BytesMessage { readonly num: number, readonly parts: Uint8Array[] }

/** Slots of the shared signal (Int32): messages sent to end 0 and to end 1, then (after a slot threads.ts uses) how many each end consumed. */
const SENT = 0
const CONSUMED = 3

/** The shared memory a channel's two ends are made with: the counters and both directions' rings. */
export function channelMemory (): { signal: SharedArrayBuffer, regions: SharedArrayBuffer } {
  return { signal: new SharedArrayBuffer(20), regions: new SharedArrayBuffer(2 * SLOTS * REGION_BYTES) }
}

export class ThreadChannel {
  readonly #signal: Int32Array
  /** This end's inbox ring and the other end's: per slot, its bytes and its header. */
  readonly #in: Uint8Array[]
  readonly #out: Uint8Array[]
  readonly #inHead: DataView[]
  readonly #outHead: DataView[]
  /** Messages received by this end, and sent by it. */
  #seen = 0
  #sent = 0
  /**
   * `port`: this end of a MessageChannel (it sends to the other end and receives from it).
   * `signal` (channelMemory) is shared by both ends: slot `inbox` counts messages to this end, the other
   * slot to the other end. `regions` (channelMemory) too: ring `inbox` is this end's inbox.
   */
  constructor (readonly port: MessagePort, signal: SharedArrayBuffer, readonly inbox: 0 | 1, regions: SharedArrayBuffer) {
    if (regions.byteLength !== 2 * SLOTS * REGION_BYTES) throw new RangeError(`thread channel: regions must be ${2 * SLOTS * REGION_BYTES} bytes`)
    if (signal.byteLength < 20) throw new RangeError('thread channel: signal must be 20 bytes at least')
    this.#signal = new Int32Array(signal)
    const ring = (end: number, k: number) => (end * SLOTS + k) * REGION_BYTES
    const slots = Array.from({ length: SLOTS }, (_, k) => k)
    this.#in = slots.map(k => new Uint8Array(regions, ring(inbox, k), REGION_BYTES))
    this.#out = slots.map(k => new Uint8Array(regions, ring(1 - inbox, k), REGION_BYTES))
    this.#inHead = slots.map(k => new DataView(regions, ring(inbox, k), HEADER))
    this.#outHead = slots.map(k => new DataView(regions, ring(1 - inbox, k), HEADER))
  }

  send (message: unknown, transfer: ArrayBuffer[] = []): void {
    const slot = this.#slot()
    this.port.postMessage(message, transfer)
    this.#outHead[slot].setUint32(0, KIND_PORT, true)
    this.#signal_()
  }

  /** Sends num and parts through shared memory (by the port, as a BytesMessage, when they do not fit). */
  sendBytes (num: number, parts: readonly Uint8Array[]): void {
    let size = HEADER
    for (const p of parts) size += 4 + p.length
    if (size > REGION_BYTES) { this.send({ num, parts: [...parts] } satisfies BytesMessage); return }
    const slot = this.#slot()
    const out = this.#out[slot]
    const head = this.#outHead[slot]
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

  /** The slot the next message goes in, once the other end has consumed the message that was there. */
  #slot (): number {
    const consumed = CONSUMED + 1 - this.inbox
    for (;;) {
      const done = Atomics.load(this.#signal, consumed)
      if (this.#sent - done < SLOTS) return this.#sent % SLOTS
      Atomics.wait(this.#signal, consumed, done, 1000)
    }
  }

  /** Tells the other end one more message is there (after its kind and bytes are written: Atomics.add orders them). */
  #signal_ (): void {
    const slot = SENT + 1 - this.inbox
    this.#sent++
    Atomics.add(this.#signal, slot, 1)
    Atomics.notify(this.#signal, slot)
  }

  /** The next message to this end, waiting as long as it takes: what send() sent, or a BytesMessage. */
  receive (): unknown {
    const since = performance.now()
    const slot = this.#seen % SLOTS
    for (let spin = 0; ; spin++) {
      const now = Atomics.load(this.#signal, SENT + this.inbox)
      if (now !== this.#seen) {
        if (this.#inHead[slot].getUint32(0, true) === KIND_BYTES) return this.#consumed(this.#readBytes(slot))
        // The counter can run ahead of the port's delivery: look again until the message is there.
        const m = receiveMessageOnPort(this.port)
        if (m) return this.#consumed(m.message)
      }
      if ((spin & 31) === 31 && performance.now() - since > SPIN_MS) Atomics.wait(this.#signal, SENT + this.inbox, this.#seen, 1000)
    }
  }

  /** Counts a message out of its slot (the sender may write the slot again). */
  #consumed<T> (message: T): T {
    this.#seen++
    Atomics.store(this.#signal, CONSUMED + this.inbox, this.#seen)
    Atomics.notify(this.#signal, CONSUMED + this.inbox)
    return message
  }

  #readBytes (slot: number): BytesMessage {
    const head = this.#inHead[slot]
    const src = this.#in[slot]
    const num = head.getFloat64(4, true)
    const count = head.getUint32(12, true)
    const parts: Uint8Array[] = []
    let at = HEADER
    for (let k = 0; k < count; k++) {
      const len = (src[at] | src[at + 1] << 8 | src[at + 2] << 16 | src[at + 3] << 24) >>> 0
      parts.push(src.slice(at + 4, at + 4 + len)) // a copy: the other end writes this slot again once it is consumed
      at += 4 + len
    }
    return { num, parts }
  }
}
