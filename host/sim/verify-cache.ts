// The accelerator the simulator lends every badge's core (docs/ABI.md,
// env.host_ed25519_verify): an Ed25519 verifier whose "yes" is remembered
// across badges, so a block verified by one badge costs the next thousand
// a map lookup. Keyed by signature, key and message.
//
// The verifier is the core's own (ZIP-215), in one instance of the host
// build (build/core-host.wasm: the same sources as a badge's, with comb
// tables for speed; same verdicts). It answers exactly what the asking core
// would decide itself: the core asks only where a strict yes implies its
// own ZIP-215 yes, and re-checks every "no", so no verdict changes. It is
// faster than node:crypto's strict check (OpenSSL: ~180 µs a signature on
// the project's machine, this ~140 µs), which mattered: every link's PROOF
// is checked here once, about a quarter of a run's time; and the page's
// simulator (picobadge web) gets it instead of a JavaScript verifier.

import type { Accelerator } from '../core.js'
import { Core, coreModule, instantiateCore, IO_SIG, IO_PK, IO_DATA } from '../core.js'
import { latin1 } from '../bytes.js'

let verifier: Core | undefined
/** The process's verifier core (made at the first check: a page provides the host build before it simulates). */
function core (): Core { return (verifier ??= new Core(instantiateCore(coreModule('host')))) }

/** The core's verdict on sig (64 bytes) by pk (32) over msg; its window takes any message, in pieces when long. */
function verify (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  if (sig.length !== 64 || pk.length !== 32) return false
  const c = core()
  const x = c.x
  const u8 = c.u8
  const io = c.io
  u8.set(sig, io + IO_SIG)
  u8.set(pk, io + IO_PK)
  if (msg.length <= c.dataCap) {
    u8.set(msg, io + IO_DATA)
    return x.ed25519_verify(io + IO_SIG, io + IO_PK, io + IO_DATA, msg.length) === 1
  }
  x.ed25519_verify_begin(io + IO_SIG, io + IO_PK)
  for (let at = 0; at < msg.length; at += c.dataCap) {
    const piece = msg.subarray(at, at + c.dataCap)
    u8.set(piece, io + IO_DATA)
    x.ed25519_verify_update(io + IO_DATA, piece.length)
  }
  return x.ed25519_verify_end() === 1
}

export class VerifyCache {
  readonly #yes = new Set<string>()
  hits = 0
  misses = 0

  /** The verdict, not remembered: for a signature only one badge ever checks (a link's PROOF). */
  readonly check: Accelerator = (sig, pk, msg) => verify(sig, pk, msg)

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
