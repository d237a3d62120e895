// node:crypto for a browser page (host/web/modules.ts maps the specifier
// here): the strict Ed25519 check the simulator's accelerator makes
// (host/sim/verify-cache.ts), with @noble/ed25519 instead of OpenSSL. Both
// are strict RFC 8032 verifiers (canonical S, canonical points, cofactorless),
// and the core re-checks every "no" anyway, so verdicts, and the report, match Node's.

import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { unavailable } from './unavailable.js'

ed.hashes.sha512 = (m: Uint8Array) => sha512(m) as Uint8Array<ArrayBuffer>

const SPKI_PREFIX_LENGTH = 12

/** A public key, as createPublicKey returns it: here just its 32 bytes. */
export class KeyObject { constructor (readonly raw: Uint8Array) {} }

/** An Ed25519 key from its SPKI DER bytes (the only form the shared code passes); throws on anything else, as Node does. */
export function createPublicKey (o: { key: Uint8Array, format: 'der', type: 'spki' }): KeyObject {
  if (o.format !== 'der' || o.type !== 'spki' || o.key.length !== SPKI_PREFIX_LENGTH + 32) throw new Error('only Ed25519 SPKI keys are supported here')
  const raw = o.key.slice(SPKI_PREFIX_LENGTH)
  ed.Point.fromBytes(raw) // Node refuses a key that is not a point on the curve, at creation
  return new KeyObject(raw)
}

export function verify (algorithm: null, msg: Uint8Array, key: KeyObject, sig: Uint8Array): boolean {
  if (algorithm !== null) unavailable(`crypto.verify(${String(algorithm)})`)
  return ed.verify(sig, msg, key.raw, { zip215: false })
}

export const createHash = (alg: string): never => unavailable(`createHash(${alg}) (host/hash.ts serves both Node and the page)`)
export const randomBytes = (n: number): never => unavailable(`randomBytes(${n})`)
export const randomFillSync = (): never => unavailable('randomFillSync()')
