// Ed25519 (RFC 8032): keys from a 32-byte seed, deterministic signatures,
// and verification with exactly the rules picofeed 8.0.5 applies through
// @noble/curves (ZIP-215):
//   - S must be below L (S = 0 is fine);
//   - A and R decode as in decodeZip215 (non-canonical y and x = 0 with the
//     sign bit set are accepted);
//   - k = SHA-512(enc(R) || enc(A) || M) mod L over the *canonical*
//     re-encodings of R and A, as noble hashes them;
//   - valid iff [8](R + kA - SB) is the identity (cofactored).
//
// Both signing and verification stream the message, so a body of any size
// passes through the fixed I/O window. Signing hashes the message twice
// (nonce, then challenge), so the host feeds it twice, with `signCommit`
// between the passes.
//
// Caches, all fixed-size:
//   - the expanded secret of the last seed (signing the next block of the
//     same feed skips a hash and a base-point multiplication);
//   - host profile only (COMB_TABLES): one public key's comb table
//     (30 KiB). A key verified twice in a row gets a table (keyslot.ts);
//     from then on its blocks verify with 128 mixed additions. A feed is
//     usually one author, so this is the common case;
//   - the decompressed points of the last KEY_SLOTS keys (keycache.ts),
//     for authors taking turns.
// Any other key verifies with half-size scalars (lattice.ts, halfmul.ts):
// ~127 doublings and ~70 additions instead of ref10's ~250 and ~85.

import { sha512Context, SHA512_CONTEXT } from './sha512';
import { scReduce64, scMulAdd, scIsCanonical } from './scalar25519';
import {
  P3, COMB_TABLE, decodeZip215, encode, encodeAffine, mulBase, mulDoubleComb,
  combTableBuild, p3ToCached, addCached, p1p1ToP3, isTorsion8, storeAffine, expandAffine,
} from './edwards25519';
import { halfSize } from './lattice';
import { scReduce64Vartime, scMul128Vartime } from './scalar-vartime';
import { mulHalf } from './halfmul';
import { decodeKey as decodeRecentKey } from './keycache';

import { hostAccepts } from './accept';
import { hostSigns } from './host-sign';
import { slotHolds, slotClaim, slotForget } from './keyslot';
import { COMB_TABLES } from '../profile';
import { CALL_POINT } from './scratch';

/** A streaming call out of order (update before begin, ...). */
export const E_STATE: i32 = -2;

const sha = sha512Context(memory.data(SHA512_CONTEXT));
const digest: usize = memory.data(64);
const point: usize = CALL_POINT; // P3
if (P3 != 320) unreachable(); // CALL_POINT holds one
// The comb path's scratch (host profile).
const combSum: usize = memory.data(<i32>(COMB_TABLES ? P3 : 8));
const cachedR: usize = memory.data(<i32>(COMB_TABLES ? P3 : 8));

/** Constant-time equality of n bytes. */
function ctEqual(a: usize, b: usize, n: usize): bool {
  let d: u32 = 0;
  for (let i: usize = 0; i < n; i++) d |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return d == 0;
}

// ---- keys ------------------------------------------------------------------

const keySeed: usize = memory.data(32);
const keyScalar: usize = memory.data(32);
const keyPrefix: usize = memory.data(32);
const keyPublic: usize = memory.data(32);
let keyValid: bool = false;

/** Expands seed into (clamped scalar, nonce prefix, public key), reusing the last expansion. */
function expand(seed: usize): void {
  if (keyValid && ctEqual(seed, keySeed, 32)) return;
  sha.reset();
  sha.update(seed, 32);
  sha.final(digest);
  memory.copy(keyScalar, digest, 32);
  store<u8>(keyScalar, load<u8>(keyScalar) & 248);
  store<u8>(keyScalar + 31, (load<u8>(keyScalar + 31) & 127) | 64);
  memory.copy(keyPrefix, digest + 32, 32);
  mulBase(point, keyScalar);
  encode(keyPublic, point);
  memory.copy(keySeed, seed, 32);
  keyValid = true;
  memory.fill(digest, 0, 64);
}

/** Writes the 32-byte public key of a 32-byte seed to out. */
export function publicKey(seed: usize, out: usize): void {
  expand(seed);
  memory.copy(out, keyPublic, 32);
}

// ---- signing ---------------------------------------------------------------

const SIGN_IDLE: i32 = 0;
const SIGN_NONCE: i32 = 1; // hashing prefix || M
const SIGN_CHALLENGE: i32 = 2; // hashing R || A || M
let signState: i32 = SIGN_IDLE;
const signSha = sha512Context(memory.data(SHA512_CONTEXT));
const signScalar: usize = memory.data(32);
const signPublic: usize = memory.data(32);
const signNonce: usize = memory.data(32);
const signR: usize = memory.data(32);

export function signBegin(seed: usize): void {
  expand(seed);
  memory.copy(signScalar, keyScalar, 32);
  memory.copy(signPublic, keyPublic, 32);
  signSha.reset();
  signSha.update(keyPrefix, 32);
  signState = SIGN_NONCE;
}

export function signUpdate(ptr: usize, len: usize): i32 {
  if (signState == SIGN_IDLE) return E_STATE;
  signSha.update(ptr, len);
  return 0;
}

/** Ends the first pass: fixes the nonce and R; the message follows again. */
export function signCommit(): i32 {
  if (signState != SIGN_NONCE) return E_STATE;
  signSha.final(digest);
  scReduce64(signNonce, digest);
  mulBase(point, signNonce);
  encode(signR, point);
  signSha.reset();
  signSha.update(signR, 32);
  signSha.update(signPublic, 32);
  signState = SIGN_CHALLENGE;
  return 0;
}

/** Writes R || S (64 bytes) to out. */
export function signEnd(out: usize): i32 {
  if (signState != SIGN_CHALLENGE) return E_STATE;
  signSha.final(digest);
  scReduce64(digest, digest);
  memory.copy(out, signR, 32);
  scMulAdd(out + 32, digest, signScalar, signNonce);
  memory.fill(signNonce, 0, 32);
  memory.fill(signScalar, 0, 32);
  memory.fill(digest, 0, 64);
  signState = SIGN_IDLE;
  return 0;
}

/** The RFC 8032 signature of len bytes at msg by the seed's key, to out (64 bytes): the host's when it signs (host-sign.ts), else the core's. */
export function sign(seed: usize, msg: usize, len: usize, out: usize): void {
  if (hostSigns(seed, msg, len, out)) return;
  signBegin(seed);
  signUpdate(msg, len);
  signCommit();
  signUpdate(msg, len);
  signEnd(out);
}

// ---- verification ------------------------------------------------------------

// The comb table of the key that owns it (keyslot.ts): host profile only.
const slotTable: usize = memory.data(<i32>(COMB_TABLES ? COMB_TABLE : 8));
const slotEncoded: usize = memory.data(32);

const VERIFY_IDLE: i32 = 0;
const VERIFY_HASHING: i32 = 1;
let verifyState: i32 = VERIFY_IDLE;
let verifyDecoded: bool = false; // S canonical, A and R decoded
let verifyUsesSlot: bool = false;
const verifyS: usize = memory.data(32);
// R and A between begin and end, compactly (storeAffine: x, y; Z = 1).
const verifyR: usize = memory.data(80);
const verifyA: usize = memory.data(80);
const encR: usize = memory.data(32);
const encA: usize = memory.data(32);
const k: usize = memory.data(32);
const halfU: usize = memory.data(16);
const halfV: usize = memory.data(16);
const halfT: usize = memory.data(32);

/**
 * Lends the cached key's table memory (30 KiB, host profile) to batch
 * verification, which never runs at the same time as a single
 * verification: the cache is simply forgotten.
 */
export function borrowKeyTable(): usize {
  slotForget();
  return slotTable;
}

/** Decodes the public key into verifyA (or finds its table); fills encA. */
function decodeKey(pk: usize): bool {
  verifyUsesSlot = false;
  if (COMB_TABLES) {
    if (slotHolds(pk)) {
      memory.copy(encA, slotEncoded, 32);
      verifyUsesSlot = true;
      return true;
    }
  }
  if (decodeRecentKey(point, encA, pk) != 0) return false;
  storeAffine(verifyA, point);
  if (COMB_TABLES) {
    if (slotClaim(pk)) {
      combTableBuild(slotTable, point);
      memory.copy(slotEncoded, encA, 32);
      verifyUsesSlot = true;
    }
  }
  return true;
}

export function verifyBegin(sig: usize, pk: usize): void {
  memory.copy(verifyS, sig + 32, 32);
  verifyDecoded = scIsCanonical(verifyS) == 1 && decodeKey(pk) && decodeZip215(point, sig) == 0;
  if (verifyDecoded) {
    encodeAffine(encR, point);
    storeAffine(verifyR, point);
  }
  sha.reset();
  sha.update(encR, 32);
  sha.update(encA, 32);
  verifyState = VERIFY_HASHING;
}

export function verifyUpdate(ptr: usize, len: usize): i32 {
  if (verifyState != VERIFY_HASHING) return E_STATE;
  sha.update(ptr, len);
  return 0;
}

/** point = S B - k A - R with the key's comb table (host profile). */
function combVerify(): void {
  mulDoubleComb(point, verifyS, slotTable, k);
  // point = S B - k A; subtract R.
  expandAffine(combSum, verifyR);
  p3ToCached(cachedR, combSum);
  addCached(combSum, point, cachedR, true);
  p1p1ToP3(point, combSum);
}

/** 1 valid, 0 invalid, E_STATE without a begin. */
export function verifyEnd(): i32 {
  if (verifyState != VERIFY_HASHING) return E_STATE;
  verifyState = VERIFY_IDLE;
  sha.final(digest);
  if (!verifyDecoded) return 0;
  scReduce64Vartime(k, digest); // k is public
  if (COMB_TABLES && verifyUsesSlot) {
    if (COMB_TABLES) combVerify();
  } else {
    // Half-size scalars (lattice.ts): u ≡ v k (mod L) with 0 < |v| < L, so
    // [8](R + kA - SB) = 0 ⇔ [8](|v| S B - |v| R - sign(v) u A) = 0: L is
    // prime, 8·anything is in the order-L subgroup, and [8] kills the
    // torsion parts of A and R that make |v| k and sign(v) u differ.
    const sign = halfSize(halfU, halfV, k);
    scMul128Vartime(halfT, halfV, verifyS);
    mulHalf(point, halfT, verifyR, halfV, verifyA, halfU, sign < 0);
  }
  return isTorsion8(point); // [8] point = 0
}

/**
 * One-shot verification of a message in memory. A host accelerator is asked
 * first, but only when S, A and R are canonical: then its (strict) yes
 * implies the cofactored yes. Its no is never trusted.
 */
export function verify(sig: usize, pk: usize, msg: usize, len: usize): i32 {
  // A host verifier's yes, where it cannot differ from ours (accept.ts), saves decoding and the multiplication.
  if (hostAccepts(sig, pk, msg, <u32>len)) {
    verifyState = VERIFY_IDLE;
    return 1;
  }
  verifyBegin(sig, pk);
  verifyUpdate(msg, len);
  return verifyEnd();
}
