// The signer the simulator lends every badge's core (docs/ABI.md,
// env.host_ed25519_sign). node:crypto (OpenSSL) signs in ~40 µs where the
// badge build of the core takes ~100 µs (its base-point tables are what a
// badge's RAM allows), and every link's handshake signs twice. Ed25519 is
// deterministic, so the signatures, and every report, are the bytes the
// core would make (tests/host-signer.test.ts).
//
// It also remembers the signatures it made lately, with their key and
// message. A signature made with a key over a message is valid under that
// key, so the simulator's check of a link's PROOF (verify-cache.ts) looks
// here first and skips the verification (~75 µs) when the other end's
// signature was made on this thread.
//
// With threads, what it signs goes to the threads' shared table too
// (shared-signatures.ts), for a PROOF checked on another thread.
//
// In a browser page node:crypto is web/node/crypto.ts, which cannot sign:
// the first call finds that out, and from then on the cores sign for
// themselves.

import { createPrivateKey, sign, KeyObject } from 'node:crypto'
import { sameBytes, toBase64Url, fromBase64Url } from '../bytes.js'
import { SignatureMemo, head30 } from './signature-memo.js'
import type { SharedSignatures } from './shared-signatures.js'

// Keys kept (a run's badges, and a flood's fresh keys): past this many the cache starts again.
const MAX_KEYS = 50_000
// Signatures remembered: two generations of this many (a PROOF is checked milliseconds after it is made).
const GENERATION = 4096

interface Key { seed: Uint8Array, key: KeyObject, pk: Uint8Array }

export class HostSigner {
  readonly #keys = new Map<number, Key[]>()
  #keyCount = 0
  /** Signatures made lately (signature-memo.ts). */
  readonly #made = new SignatureMemo(GENERATION)
  /** False once node:crypto said it cannot sign here (a browser page): the cores sign. */
  #works = true
  signed = 0

  /** shared: the threads' table (shared-signatures.ts), told of every signature made here. */
  constructor (readonly shared?: SharedSignatures) {}

  /** The Signer a core is given (core.ts): signs msg with seed's key into out. */
  readonly sign = (seed: Uint8Array, msg: Uint8Array, out: Uint8Array): boolean => {
    if (!this.#works) return false
    let k: Key
    try {
      k = this.#key(seed)
      out.set(sign(null, msg, k.key))
    } catch (e) {
      // Only the page's node:crypto (web/node/crypto.ts) turns the signer off; anything else is a real fault.
      if (!(e instanceof Error && /not available in a browser page/.test(e.message))) throw e
      this.#works = false
      return false
    }
    this.signed++
    this.#made.add(out, k.pk, msg)
    this.shared?.add(out, k.pk, msg)
    return true
  }

  /** True when this signer made sig with the key pk over msg (so it is valid); false says nothing. */
  made (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
    return sig.length === 64 && pk.length === 32 && this.#made.has(sig, pk, msg)
  }

  #key (seed: Uint8Array): Key {
    const h = head30(seed)
    const list = this.#keys.get(h)
    if (list) for (const k of list) if (sameBytes(k.seed, seed)) return k
    // As a JWK: OpenSSL 3 decodes a PKCS #8 DER key in ~500 µs, Node makes one from a JWK's raw seed in ~45
    // (measured side by side; the keys sign the same bytes). Node reads only `d` of a private key's JWK, but
    // wants `x` to be a string. No Buffer: a page has none, and using one there threw a ReferenceError
    // before the page's node:crypto could say that it cannot sign.
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(seed), x: '' }, format: 'jwk' })
    const pk = fromBase64Url(key.export({ format: 'jwk' }).x ?? '')
    if (pk.length !== 32) throw new Error('host signer: not an Ed25519 key')
    const k: Key = { seed: seed.slice(), key, pk }
    if (this.#keyCount >= MAX_KEYS) { this.#keys.clear(); this.#keyCount = 0 }
    const now = this.#keys.get(h) // not `list`: the map may just have been emptied
    if (now) now.push(k); else this.#keys.set(h, [k])
    this.#keyCount++
    return k
  }
}
