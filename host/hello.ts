// The sync protocol's HELLO and PROOF (docs/SYNC.md §4, assembly/badge/proof.ts),
// for hosts that speak for a badge: the simulator's hostile kinds, tests.
// One encoding, here, so that everything that crafts a HELLO agrees with the core.
//
// HELLO body (75 bytes): version u8 | public key 32 | nonce 16 | mesh time u64 | chains u16 |
// set digest u64 | beacon time u64. PROOF: a signature by the sender's key over
// "picobadge PROOF2" | the receiver's nonce | the sender's HELLO body, then the sender's set
// summary for the link, chains u16 | fingerprint u64, keyed by the link's key (protocol 3).

import { signWith, publicKeyOf } from './ed25519.js'

export const PROTOCOL_VERSION = 3
export const MSG_HELLO = 1
export const MSG_PROOF = 7
export const HELLO_BODY = 75
const DOMAIN = new TextEncoder().encode('picobadge PROOF2')

export interface Hello {
  version?: number
  pk: Uint8Array
  nonce: Uint8Array
  time: bigint
  chains?: number
  fp?: bigint
  beacon?: bigint
}

/** A HELLO's body (HELLO_BODY bytes). Times are taken mod 2^64, as the wire carries them. */
export function helloBody (h: Hello): Uint8Array {
  const b = new Uint8Array(HELLO_BODY)
  const v = new DataView(b.buffer)
  b[0] = h.version ?? PROTOCOL_VERSION
  b.set(h.pk, 1)
  b.set(h.nonce.subarray(0, 16), 33)
  v.setBigUint64(49, BigInt.asUintN(64, h.time), true)
  v.setUint16(57, h.chains ?? 0, true)
  v.setBigUint64(59, BigInt.asUintN(64, h.fp ?? 0n), true)
  v.setBigUint64(67, BigInt.asUintN(64, h.beacon ?? 0n), true)
  return b
}

/** The HELLO message: type, body. */
export function helloMessage (h: Hello): Uint8Array {
  return Uint8Array.from([MSG_HELLO, ...helloBody(h)])
}

/** Reads a HELLO message (type byte first); undefined when it is not one of this version's size. */
export function parseHello (msg: Uint8Array): Required<Hello> | undefined {
  if (msg.length !== 1 + HELLO_BODY || msg[0] !== MSG_HELLO) return undefined
  const v = new DataView(msg.buffer, msg.byteOffset + 1, HELLO_BODY)
  return {
    version: msg[1],
    pk: msg.slice(2, 34),
    nonce: msg.slice(34, 50),
    time: v.getBigUint64(49, true),
    chains: v.getUint16(57, true),
    fp: v.getBigUint64(59, true),
    beacon: v.getBigUint64(67, true)
  }
}

/** What a PROOF signs: the domain, the receiver's nonce, the sender's HELLO body. */
export function proofMessageBytes (peerNonce: Uint8Array, ownHello: Hello): Uint8Array {
  return Uint8Array.from([...DOMAIN, ...peerNonce.subarray(0, 16), ...helloBody(ownHello)])
}

/** A PROOF's set summary: chains and the keyed fingerprint of the whole set. */
export interface Summary { chains: number, fp: bigint }

/**
 * The PROOF message (type, 64-byte signature, summary) for our HELLO `own`, by the key of `seed`,
 * answering the peer's nonce. The summary defaults to what the HELLO said (a badge's set summary
 * is keyed, so a host that does not compute it claims a set the badge will reconcile with).
 */
export function proofMessage (seed: Uint8Array, peerNonce: Uint8Array, own: Hello, summary: Summary = { chains: own.chains ?? 0, fp: own.fp ?? 0n }): Uint8Array {
  const tail = new Uint8Array(10)
  const v = new DataView(tail.buffer)
  v.setUint16(0, summary.chains, true)
  v.setBigUint64(2, BigInt.asUintN(64, summary.fp), true)
  return Uint8Array.from([MSG_PROOF, ...signWith(seed, proofMessageBytes(peerNonce, own)), ...tail])
}

/** Reads a PROOF message's summary; undefined when it is not a PROOF of this version's size. */
export function parseProofSummary (msg: Uint8Array): Summary | undefined {
  if (msg.length !== 1 + 64 + 10 || msg[0] !== MSG_PROOF) return undefined
  const v = new DataView(msg.buffer, msg.byteOffset + 65, 10)
  return { chains: v.getUint16(0, true), fp: v.getBigUint64(2, true) }
}

/** A key pair for speaking as a badge: seed and public key. */
export function helloKey (seed: Uint8Array): { seed: Uint8Array, pk: Uint8Array } {
  return { seed, pk: publicKeyOf(seed) }
}
