// Signatures known good, shared by the simulator's threads (threads.ts).
// Each thread's signer (host-signer.ts) and verify cache (verify-cache.ts)
// remember on their own thread; but a link between badges on two threads
// has each PROOF made on one and checked on the other, and a block is
// verified once per thread. So what a thread signs, or verifies, it also
// writes here, and a thread looks here before it verifies: on 2 threads
// half of all links cross, and each crossing PROOF cost a verification
// (~75 µs) that this turns into a hash (~1 µs).
//
// An entry is SHA-256 of signature | key | message, in a table of SLOTS
// slots of shared memory at the digest's first bits (a newer entry takes
// the slot). Only a valid signature's digest is ever written, so a match
// vouches for exactly that signature, key and message (short of a SHA-256
// collision). Writes are not atomic: a slot read while another thread
// writes it may be torn, which reads as no match (a torn slot equal to a
// digest asked for would take a collision too). A miss only costs the
// verification it would have cost anyway, so every verdict, and every
// report, is the same with the table as without it.

import { createHash } from 'node:crypto'

const DIGEST = 32
/** Slots (a power of two): 65,536 of 32 bytes, 2 MiB, the last ~65,000 signatures made or checked. */
export const SLOTS = 1 << 16

export class SharedSignatures {
  readonly #table: Uint8Array

  /** Over `buffer` (a SharedArrayBuffer of SLOTS * 32 bytes, the same on every thread); a new one when not given. */
  constructor (readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * DIGEST)) {
    if (buffer.byteLength !== SLOTS * DIGEST) throw new RangeError(`shared signatures: the table is ${SLOTS * DIGEST} bytes, not ${buffer.byteLength}`)
    this.#table = new Uint8Array(buffer)
  }

  /** Remembers a signature known to be valid (made or verified by this thread). */
  add (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): void {
    if (sig.length !== 64 || pk.length !== 32) return
    const d = digest(sig, pk, msg)
    this.#table.set(d, slotOf(d) * DIGEST)
  }

  /** True when some thread remembered exactly this signature, key and message; false says nothing. */
  has (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
    if (sig.length !== 64 || pk.length !== 32) return false
    const d = digest(sig, pk, msg)
    const t = this.#table
    const at = slotOf(d) * DIGEST
    for (let i = 0; i < DIGEST; i++) if (t[at + i] !== d[i]) return false
    return true
  }
}

function digest (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): Uint8Array {
  return createHash('sha256').update(sig).update(pk).update(msg).digest()
}

function slotOf (d: Uint8Array): number { return (d[0] | d[1] << 8 | d[2] << 16) & (SLOTS - 1) }
