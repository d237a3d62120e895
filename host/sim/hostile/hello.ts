// Every HELLO a hostile badge or a hostile test peer sends is made here,
// and only here (docs/SYNC.md §4: type 1 · version u8 · public key 32 ·
// mesh time u64 · chains u16 · set fingerprint u64). When HELLO changes
// (issue #12: a nonce and a signed PROOF of the key), this is the one
// function to adapt; an attacker that must sign signs with the made-up
// keys it claims (it holds their secrets), never with another badge's.

import { MSG, u64 } from './wire.js'

export const PROTOCOL_VERSION = 1

export interface HelloFields {
  /** The key the HELLO claims (made up, the attacker's own, or another badge's). */
  key: Uint8Array
  /**
   * The claimed key's secret (Ed25519 seed), when the attacker holds it (made-up keys): with protocol
   * version 2 (a nonce in HELLO, a PROOF of type 7 signing the peer's nonce and one's own HELLO) the
   * scripted peer (peer.ts, on the peer's HELLO) signs the PROOF with it; without one it cannot.
   */
  secret?: Uint8Array
  /** The mesh time it claims (ms). */
  time: bigint
  version?: number
  chains?: number
  fingerprint?: bigint
}

export function hello (key: Uint8Array, time: bigint, { version = PROTOCOL_VERSION, chains = 1, fp = 0x1234n } = {}): Uint8Array {
  return craftHello({ key, time, version, chains, fingerprint: fp })
}

export function craftHello (f: HelloFields): Uint8Array {
  const chains = f.chains ?? 1
  return Uint8Array.from([MSG.HELLO, f.version ?? PROTOCOL_VERSION, ...f.key, ...u64(f.time), chains & 0xff, (chains >> 8) & 0xff, ...u64(f.fingerprint ?? 0x1234n)])
}

/** The key a HELLO claims. */
export const helloKey = (m: Uint8Array): Uint8Array => m.slice(2, 34)
