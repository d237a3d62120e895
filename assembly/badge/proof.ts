// HELLO and PROOF: a link's peer proves it holds the key its HELLO names
// (#12, finding 6: a badge could send another's public key and lock it out,
// and made-up keys counted as neighbours for the clock). Each side's HELLO
// carries a nonce fresh for the link; each side then sends a PROOF, its
// signature over
//   "picobadge PROOF2" (16) | the receiver's nonce (16) | the sender's HELLO body (75)
// so a PROOF is good for one link only (the nonce: no replay from an
// earlier session), binds what the HELLO said (time, set) to the key, and
// is nothing else's signature (the domain: not a block, not a beacon).
// HELLO body, at fixed offsets:
//   version 0 | public key 1 | nonce 33 | mesh time 49 | chains 57 (u16) | fingerprint 59 | beacon time 67
// A PROOF also carries, after its signature, the sender's set summary for
// this link: chains u16 | fingerprint u64, keyed (sync/items.ts) by the
// link's key, which both sides draw from the two HELLO nonces
//   first 16 bytes of SHA-512("picobadge FP" (12) | central's nonce | peripheral's nonce)
// once both are known. The HELLO's own fingerprint is the set's unkeyed
// digest, sent before the peer's nonce is known: a hint, never a proof of
// sync (#12, finding 6). The summary is not signed: it is the peer's word
// about its set, as every RECON is, and a peer that lies about its set
// only withholds from itself.
// Invariant P1: nothing a HELLO says takes effect before its PROOF verified
// (link.ts: `proven`).

import { sign, verify } from '../crypto/ed25519';
import { SHA512_ONE_SHOT } from '../crypto/sha512';
import { seed, publicKeyOf, hostEntropy } from './identity';
import { PROTOCOL_VERSION, HELLO_SIZE } from '../sync/messages';

export const HELLO_BODY: u32 = HELLO_SIZE - 1; // 75
export const NONCE: u32 = 16;
export const PROOF_MESSAGE: u32 = 16 + NONCE + HELLO_BODY; // 107: what a PROOF signs
export const LINK_KEY: u32 = 16;

let drawn: u64 = 0;

/**
 * Starts the count of nonces again (badge_init): a boot's nonces then depend on
 * the host's entropy and on nothing left from an earlier run in the same
 * instance, so a fuzzer's input replays alike (its entropy is fixed).
 */
export function nonceReset(): void { drawn = 0; }

/**
 * A fresh nonce (16 bytes at out) for a link at local time `local`: the host's
 * entropy, mixed with a count of nonces drawn and the time, so that even a weak
 * or failing entropy source never repeats a nonce within one boot.
 */
export function nonceDraw(out: usize, local: u64): void {
  if (hostEntropy(out, NONCE) != 0) memory.fill(out, 0, NONCE);
  drawn++;
  store<u64>(out, load<u64>(out) ^ drawn);
  store<u64>(out, load<u64>(out, 8) ^ local, 8);
}

/** Writes a HELLO body (HELLO_BODY bytes) at p. */
export function helloWrite(p: usize, pk: usize, nonce: usize, time: u64, items: u32, fp: u64, beacon: u64): void {
  store<u8>(p, <u8>PROTOCOL_VERSION);
  memory.copy(p + 1, pk, 32);
  memory.copy(p + 33, nonce, NONCE);
  store<u64>(p, time, 49);
  store<u16>(p, <u16>items, 57);
  store<u64>(p, fp, 59);
  store<u64>(p, beacon, 67);
}

/** Writes what a PROOF signs at p (PROOF_MESSAGE bytes), its HELLO body already at p + 32: the domain and the nonce. */
export function proofFrame(p: usize, nonce: usize): void {
  store<u64>(p, 0x676461626f636970); // "picobadg"
  store<u64>(p, 0x32464f4f52502065, 8); // "e PROOF2"
  memory.copy(p + 16, nonce, NONCE);
}

/** Signs the PROOF_MESSAGE bytes at p with the badge's key: 64 bytes at out. */
export function proofSign(p: usize, out: usize): void {
  sign(seed, p, PROOF_MESSAGE, out);
}

/** True when sig is pk's signature of the PROOF_MESSAGE bytes at p. */
export function proofVerify(sig: usize, pk: usize, p: usize): bool {
  return verify(sig, pk, p, PROOF_MESSAGE) == 1;
}

/**
 * Derives a link's key (LINK_KEY bytes at out) from its two nonces, ours at
 * nonces and the peer's right after it, with [p, p + 64) as workspace: the
 * central's nonce goes first, so both sides get the same key, and neither
 * could know it before it drew its own nonce.
 */
export function linkKeyDerive(p: usize, nonces: usize, central: bool, out: usize): void {
  store<u64>(p, 0x676461626f636970); // "picobadg"
  store<u32>(p, 0x50462065, 8); // "e FP"
  const ours: usize = central ? 12 : 12 + NONCE;
  memory.copy(p + ours, nonces, NONCE);
  memory.copy(p + (24 + NONCE - ours), nonces + NONCE, NONCE);
  SHA512_ONE_SHOT.update(p, 12 + 2 * NONCE);
  SHA512_ONE_SHOT.final(p);
  memory.copy(out, p, LINK_KEY);
}

export { publicKeyOf };
