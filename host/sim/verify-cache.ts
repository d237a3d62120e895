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
// costs a lookup instead of a verification; then in the threads' shared
// table (shared-signatures.ts), for one made or verified on another thread.

import type { Accelerator } from '../core.js'
import { Core, coreModule, instantiateCore } from '../core.js'
import { verifyWith } from '../ed25519.js'
import type { HostSigner } from './host-signer.js'
import { SignatureMemo } from './signature-memo.js'
import type { SharedSignatures } from './shared-signatures.js'

let verifier: Core | undefined
/** The process's verifier core (made at the first check: a page provides the host build before it simulates). */
function core (): Core { return (verifier ??= new Core(instantiateCore(coreModule('host')))) }

/** The core's verdict on sig (64 bytes) by pk (32) over msg (streamed through its window when long). */
function verify (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  return sig.length === 64 && pk.length === 32 && verifyWith(sig, pk, msg, core())
}

export class VerifyCache {
  /** The signatures verified so far (signature-memo.ts): two generations of 100,000. */
  readonly #yes = new SignatureMemo(100_000)
  hits = 0
  misses = 0
  /** Signatures verified for real (not vouched for by a signer or a table). */
  verified = 0

  /**
   * signer: the simulator's (host-signer.ts), whose own signatures need no check. shared: the threads'
   * table (shared-signatures.ts), where each thread's signer and cache write what they know good.
   */
  constructor (readonly signer?: HostSigner, readonly shared?: SharedSignatures) {}

  /** The verdict, not remembered here: for a signature only one badge ever checks (a link's PROOF). */
  readonly check: Accelerator = (sig, pk, msg) => {
    if (this.signer?.made(sig, pk, msg) === true || this.shared?.has(sig, pk, msg) === true) return true
    this.verified++
    return verify(sig, pk, msg)
  }

  readonly accelerate: Accelerator = (sig, pk, msg) => {
    if (this.#yes.has(sig, pk, msg)) { this.hits++; return true }
    this.misses++
    const ok = this.check(sig, pk, msg)
    if (ok) { this.#yes.add(sig, pk, msg); this.shared?.add(sig, pk, msg) }
    return ok
  }
}
