// The accelerator the simulator lends every badge's core (docs/ABI.md,
// env.host_ed25519_verify): an Ed25519 verifier whose "yes" is remembered
// across badges, so a block verified by one badge costs the next thousand
// a map lookup. Keyed by signature, key and message (all of their bytes).
//
// The verifier is the core's own (ZIP-215), in one instance of the host
// build (build/core-host.wasm: the same sources as a badge's, with comb
// tables for speed; same verdicts). It answers exactly what the asking core
// would decide itself: the core asks only where a strict yes implies its
// own ZIP-215 yes, and re-checks every "no", so no verdict changes. It is
// faster than node:crypto's strict check (OpenSSL: ~180 µs a signature on
// the project's machine, this ~140 µs); and the page's simulator (picobadge
// web) gets it instead of a JavaScript verifier. Every link's PROOF is
// checked here once: first against the simulator's signer (host-signer.ts),
// which vouches for what it signed itself, so a PROOF made on this thread
// costs a lookup instead of a verification.

import type { Accelerator } from '../core.js'
import { Core, coreModule, instantiateCore } from '../core.js'
import { verifyWith } from '../ed25519.js'
import type { HostSigner } from './host-signer.js'

let verifier: Core | undefined
/** The process's verifier core (made at the first check: a page provides the host build before it simulates). */
function core (): Core { return (verifier ??= new Core(instantiateCore(coreModule('host')))) }

/** The core's verdict on sig (64 bytes) by pk (32) over msg (streamed through its window when long). */
function verify (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  return sig.length === 64 && pk.length === 32 && verifyWith(sig, pk, msg, core())
}

/** Whether entry e holds exactly sig, pk and msg (in that order). */
function holds (e: Uint8Array, sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  if (e.length !== sig.length + pk.length + msg.length) return false
  let o = 0
  for (let i = 0; i < sig.length; i++) if (e[o++] !== sig[i]) return false
  for (let i = 0; i < pk.length; i++) if (e[o++] !== pk[i]) return false
  for (let i = 0; i < msg.length; i++) if (e[o++] !== msg[i]) return false
  return true
}

export class VerifyCache {
  /**
   * The signatures verified so far, each entry its signature, key and message in one array, listed under the
   * signature's first 30 bits (random for any real signature, so a list is almost always one entry long):
   * a number and a byte comparison, where a string of all three bytes cost ~2 µs to make and hash.
   */
  readonly #yes = new Map<number, Uint8Array[]>()
  /** Entries in #yes. */
  #size = 0
  hits = 0
  misses = 0

  /** signer: the simulator's (host-signer.ts), whose own signatures need no check. */
  constructor (readonly signer?: HostSigner) {}

  /** The verdict, not remembered: for a signature only one badge ever checks (a link's PROOF). */
  readonly check: Accelerator = (sig, pk, msg) => this.signer?.made(sig, pk, msg) === true || verify(sig, pk, msg)

  readonly accelerate: Accelerator = (sig, pk, msg) => {
    const key = (sig[0] | sig[1] << 8 | sig[2] << 16 | sig[3] << 24) & 0x3fffffff
    const list = this.#yes.get(key)
    if (list !== undefined) for (const e of list) if (holds(e, sig, pk, msg)) { this.hits++; return true }
    this.misses++
    const ok = this.check(sig, pk, msg)
    if (ok) {
      if (this.#size > 200_000) { this.#yes.clear(); this.#size = 0 }
      const e = new Uint8Array(sig.length + pk.length + msg.length)
      e.set(sig); e.set(pk, sig.length); e.set(msg, sig.length + pk.length)
      const now = this.#yes.get(key) // not `list`: the map may just have been emptied
      if (now) now.push(e); else this.#yes.set(key, [e])
      this.#size++
    }
    return ok
  }
}
