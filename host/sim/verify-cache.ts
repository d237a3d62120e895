// The accelerator the simulator lends every badge's core (docs/ABI.md,
// env.host_ed25519_verify): a strict Ed25519 verifier (node:crypto, OpenSSL)
// whose "yes" is remembered across badges, so a block verified by one
// badge costs the next thousand a map lookup. The core asks only where a
// strict yes implies its own ZIP-215 yes, and re-checks every "no", so
// this changes speed, never verdicts. Keyed by signature, key and message.

import { createPublicKey, verify as nodeVerify, KeyObject } from 'node:crypto'
import type { Accelerator } from '../core.js'
import { latin1 } from '../bytes.js'

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

const concatBytes = (a: Uint8Array, b: Uint8Array): Uint8Array => { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o }

export class VerifyCache {
  readonly #yes = new Set<string>()
  readonly #keys = new Map<string, KeyObject | null>()
  hits = 0
  misses = 0

  #key (pk: Uint8Array): KeyObject | null {
    const k = latin1(pk)
    let o = this.#keys.get(k)
    if (o === undefined) {
      // Any TypedArray will do for Node; not Buffer, which a browser page (picobadge web) lacks.
      try { o = createPublicKey({ key: concatBytes(SPKI_PREFIX, pk) as Buffer, format: 'der', type: 'spki' }) } catch { o = null }
      if (this.#keys.size > 100_000) this.#keys.clear()
      this.#keys.set(k, o)
    }
    return o
  }

  /** The strict verdict, not remembered: for a signature only one badge ever checks (a link's PROOF). */
  readonly check: Accelerator = (sig, pk, msg) => {
    const key = this.#key(pk)
    if (key === null) return false
    try { return nodeVerify(null, msg, key, sig) } catch { return false }
  }

  readonly accelerate: Accelerator = (sig, pk, msg) => {
    const id = latin1(sig) + latin1(pk) + latin1(msg)
    if (this.#yes.has(id)) { this.hits++; return true }
    this.misses++
    const ok = this.check(sig, pk, msg)
    if (ok) {
      if (this.#yes.size > 200_000) this.#yes.clear()
      this.#yes.add(id)
    }
    return ok
  }
}
