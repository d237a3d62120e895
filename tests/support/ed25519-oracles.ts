// The two Ed25519 oracles the core is held to, each an independent
// implementation: @noble/curves 1.9.7, the library picofeed 8.0.5 verifies
// with (ZIP-215 rules by default), and @noble/ed25519 3.2.0 with its ZIP-215
// option asked for by name.
//
// They part on one rule only: @noble/curves 1.9.7 hashes the challenge over R
// and A re-encoded, @noble/ed25519 from 3.1.0 on over the bytes as given
// (ZIP-215 as written). That matters only when R or A is a non-canonical
// encoding; picofeed verifies with the first, so the mesh must too. Each
// case where the second oracle differs is recorded in `parted`, and each test
// says how many it expects (none, but in the one test about that rule).

import { createHash } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519'
import * as ed from '@noble/ed25519'

ed.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest())

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** @noble/curves 1.9.7, picofeed's verifier. */
export const noble = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean => { try { return ed25519.verify(sig, msg, pk) } catch { return false } }

/** @noble/ed25519 3.2.0, ZIP-215. */
export const zip215 = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean => { try { return ed.verify(sig, msg, pk, { zip215: true }) } catch { return false } }

/** True when `enc` decodes (ZIP-215: y below 2^255) to a point whose canonical encoding is other bytes. */
export function nonCanonical (enc: Uint8Array): boolean {
  try { return hex(ed25519.ExtendedPoint.fromHex(enc, true).toRawBytes()) !== hex(enc) } catch { return false }
}

/** Cases (by name) where @noble/ed25519 parted from the other two: drain it in each test. */
export const parted: string[] = []

/**
 * Holds picobadge's verdict `got` to both oracles: it must equal picofeed's, and
 * @noble/ed25519 must agree too unless R or A is non-canonical (then `parted` says so).
 */
export function threeAgree (got: boolean, sig: Uint8Array, pk: Uint8Array, msg: Uint8Array, what: string): boolean {
  const want = noble(sig, pk, msg)
  const second = zip215(sig, pk, msg)
  const detail = `\n sig ${hex(sig)}\n pk ${hex(pk)}\n msg ${hex(msg)}`
  if (got !== want) throw new Error(`${what}: @noble/curves ${want}, picobadge ${got}, @noble/ed25519 ${second}${detail}`)
  if (second !== want) {
    if (!nonCanonical(sig.subarray(0, 32)) && !nonCanonical(pk)) throw new Error(`${what}: @noble/curves and picobadge ${want}, @noble/ed25519 ${second}${detail}`)
    parted.push(what)
  }
  return got
}

/** Runs fn and returns the cases in which @noble/ed25519 parted from the other two. */
export function partedIn (fn: () => void): string[] {
  const from = parted.length
  fn()
  return parted.splice(from)
}
