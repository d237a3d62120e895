// A blocking request channel between two threads: messages go through a
// MessagePort and the receiver sleeps on a shared counter until one is
// there (Atomics.wait), then takes it synchronously (receiveMessageOnPort).
// The simulator's windows are a few milliseconds of work each, so a thread
// waiting on another must wake in microseconds, not at the next turn of an
// event loop it never returns to.

import { MessagePort, receiveMessageOnPort } from 'node:worker_threads'

/**
 * How long a waiting thread keeps looking before it sleeps (ms). Short: on this project's 2-vCPU
 * machine a longer spin made a 2-thread run no faster (sleeping and waking at each 5-ms window costs
 * about as much as the spin saves), and with more threads than free cores (3 on 2, or tests running
 * beside each other) a spinning thread holds the core the thread it waits for needs: a 20-ms spin made
 * a 3-thread test run take 211 s instead of 5.
 */
const SPIN_MS = 0.05

export class ThreadChannel {
  readonly #signal: Int32Array
  #seen = 0
  /**
   * `port`: this end of a MessageChannel (it sends to the other end and receives from it).
   * `signal` is shared by both ends: slot `inbox` counts messages to this end, the other slot to the other end.
   */
  constructor (readonly port: MessagePort, signal: SharedArrayBuffer, readonly inbox: 0 | 1) {
    this.#signal = new Int32Array(signal)
  }

  send (message: unknown, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer)
    const slot = 1 - this.inbox
    Atomics.add(this.#signal, slot, 1)
    Atomics.notify(this.#signal, slot)
  }

  /** The next message to this end, waiting as long as it takes. */
  receive (): unknown {
    const since = performance.now()
    for (let spin = 0; ; spin++) {
      const now = Atomics.load(this.#signal, this.inbox)
      if (now !== this.#seen) {
        const m = receiveMessageOnPort(this.port)
        if (m) { this.#seen++; return m.message }
      }
      if ((spin & 31) === 31 && performance.now() - since > SPIN_MS) Atomics.wait(this.#signal, this.inbox, this.#seen, 1000)
    }
  }
}
