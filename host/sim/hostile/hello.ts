// Every HELLO a hostile badge or a hostile test peer sends is made here,
// and only here, on the one encoding of host/hello.ts (docs/SYNC.md §4,
// protocol 2: a HELLO carries a nonce, and counts only once a PROOF, a
// signature by the claimed key over the peer's nonce and the HELLO, has
// verified). An attacker that must sign signs with the made-up keys it
// claims (it holds their secrets: keys are free), never with another
// badge's: an impersonator has no secret, and its HELLO never counts.

import { helloMessage, proofMessage, helloKey as keyOfSeed, Hello, PROTOCOL_VERSION } from '../../hello.js'
import type { Rng } from '../../rng.js'

export { PROTOCOL_VERSION }

export interface HelloFields {
  /** The key the HELLO claims (made up, the attacker's own, or another badge's). */
  key: Uint8Array
  /** The claimed key's secret (Ed25519 seed), when the attacker holds it (made-up keys): the PROOF is signed with it; without one there is no PROOF. */
  secret?: Uint8Array
  /** The mesh time it claims (ms). */
  time: bigint
  version?: number
  chains?: number
  fingerprint?: bigint
  nonce?: Uint8Array
}

/** A made-up key whose secret the attacker holds. */
export function madeUpKey (rng: Rng): { key: Uint8Array, secret: Uint8Array } {
  const { seed, pk } = keyOfSeed(rng.bytes(32))
  return { key: pk, secret: seed }
}

const fieldsOf = (f: HelloFields): Hello => ({
  version: f.version ?? PROTOCOL_VERSION, pk: f.key, nonce: f.nonce ?? new Uint8Array(16), time: f.time, chains: f.chains ?? 1, fp: f.fingerprint ?? 0x1234n
})

export function hello (key: Uint8Array, time: bigint, { version = PROTOCOL_VERSION, chains = 1, fp = 0x1234n } = {}): Uint8Array {
  return craftHello({ key, time, version, chains, fingerprint: fp })
}

export function craftHello (f: HelloFields): Uint8Array {
  return helloMessage(fieldsOf(f))
}

/** The PROOF of a HELLO crafted from `f`, answering the peer's nonce; undefined when the attacker does not hold the key's secret. */
export function craftProof (f: HelloFields, peerNonce: Uint8Array): Uint8Array | undefined {
  return f.secret ? proofMessage(f.secret, peerNonce, fieldsOf(f)) : undefined
}

/** The key a HELLO claims. */
export const helloKey = (m: Uint8Array): Uint8Array => m.slice(2, 34)
/** The nonce a HELLO carries (what the PROOF answering it signs). */
export const helloNonce = (m: Uint8Array): Uint8Array => m.slice(34, 50)
