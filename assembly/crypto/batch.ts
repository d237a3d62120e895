// Batch verification of a run of signatures by one key (a chain's blocks
// arriving together), with the same verdict as verifying each one:
//
//   every [8](R_i + k_i A - S_i B) = 0  ⇔  [8](Σ z_i R_i + (Σ z_i k_i) A - (Σ z_i S_i) B) = 0
//
// left to right exactly, right to left except with probability about
// 2^-125 over the 128-bit weights z_i. The weights are derived from a hash
// of everything being verified, so whoever chose the signatures cannot
// choose them too (no randomness import needed). Decoding, S < L and the
// challenge hash follow verification's rules (ed25519.ts) one for one.
// One multi-scalar multiplication (halfmul.ts's terms) replaces n
// double-scalar ones: about 2.5x faster per signature for a run of five.
// Nothing is kept per signature but its challenge k_i and weight z_i: each
// R_i goes into its table of odd multiples as soon as it is decoded.

import { SHA512_ONE_SHOT } from './sha512';
import { scReduce64, scMulAdd, scIsCanonical } from './scalar25519';
import { P3, COMB_TABLE, ODD_B, BASE_NAF_WIDTH, decodeZip215, encodeAffine, times8, isIdentity } from './edwards25519';
import { NAF_LEN, NAF_LEN_256 } from './naf';
import { oddMultiples, termsBegin, termAdd, termsEnd, TERMS_MAX, oddTableBytes } from './halfmul';
import { CRYPTO_SCRATCH, CRYPTO_SCRATCH_BYTES, CALL_POINT } from './scratch';
import { borrowKeyTable } from './ed25519';
import { HOST, BATCH_MAX, BATCH_R_WIDTH, BATCH_A_WIDTH } from '../profile';

export { BATCH_MAX };

// The terms: n weighted R_i, the key and the base point.
if (BATCH_MAX + 2 > TERMS_MAX) unreachable();

const R_TABLE: usize = oddTableBytes(BATCH_R_WIDTH);
const A_TABLE: usize = oddTableBytes(BATCH_A_WIDTH);
// What verifyRun lays out must fit the area it takes: the key's comb table on
// the host, the crypto scratch on a badge (scratch.ts sizes it).
if (<usize>BATCH_MAX * (R_TABLE + NAF_LEN) + A_TABLE + 2 * NAF_LEN_256 > (HOST ? COMB_TABLE : <usize>CRYPTO_SCRATCH_BYTES)) unreachable();

const sha = SHA512_ONE_SHOT;
const point: usize = CALL_POINT; // the point being decoded, then the result
const weights: usize = memory.data(<i32>(<usize>BATCH_MAX * 16));
const encR: usize = memory.data(32);
const encA: usize = memory.data(32);
const digest: usize = memory.data(64);
const seed: usize = memory.data(64);
const a: usize = memory.data(32);
const b: usize = memory.data(32);
const result: usize = point;
const counter: usize = memory.data(4);

/**
 * Verifies n ≤ BATCH_MAX signatures by the key at pk. sigs, msgs and lens
 * are arrays (u32 pointers / lengths) of n entries. 1 when every signature
 * is valid, 0 when at least one is not (the caller then looks one by one
 * if it needs to know which).
 */
export function verifyRun(n: i32, sigs: usize, msgs: usize, lens: usize, pk: usize): i32 {
  if (n < 1 || n > BATCH_MAX) return 0;
  // Scratch: R_i's tables, A's table, the weights' digits, A's and B's digits.
  const area = HOST ? borrowKeyTable() : CRYPTO_SCRATCH;
  const tableA = area + <usize>BATCH_MAX * R_TABLE;
  const digitsR = tableA + A_TABLE;
  const digitsA = digitsR + <usize>BATCH_MAX * NAF_LEN;
  const digitsB = digitsA + NAF_LEN_256;
  // k_i waits in the first 32 bytes of R_i's digit string, which termAdd
  // fills only after a += z_i k_i has read it.
  const ks = digitsR;
  if (decodeZip215(point, pk) != 0) return 0;
  encodeAffine(encA, point);
  oddMultiples(tableA, point, 1 << (BATCH_A_WIDTH - 2));
  for (let i = 0; i < n; i++) {
    const sig = <usize>load<u32>(sigs + (<usize>i << 2));
    const msg = <usize>load<u32>(msgs + (<usize>i << 2));
    const len = <usize>load<u32>(lens + (<usize>i << 2));
    if (scIsCanonical(sig + 32) != 1) return 0;
    if (decodeZip215(point, sig) != 0) return 0;
    encodeAffine(encR, point);
    oddMultiples(area + <usize>i * R_TABLE, point, 1 << (BATCH_R_WIDTH - 2));
    sha.reset();
    sha.update(encR, 32);
    sha.update(encA, 32);
    sha.update(msg, len);
    sha.final(digest);
    scReduce64(ks + <usize>i * NAF_LEN, digest);
  }
  // Weights: z_i = the low 128 bits of SHA-512(transcript || i).
  sha.reset();
  sha.update(pk, 32);
  for (let i = 0; i < n; i++) {
    const sig = <usize>load<u32>(sigs + (<usize>i << 2));
    sha.update(sig, 64);
    sha.update(ks + <usize>i * NAF_LEN, 32);
  }
  sha.final(seed);
  memory.fill(a, 0, 32);
  memory.fill(b, 0, 32);
  termsBegin();
  for (let i = 0; i < n; i++) {
    store<u32>(counter, <u32>i);
    sha.reset();
    sha.update(seed, 64);
    sha.update(counter, 4);
    sha.final(digest);
    // The weight z_i: 128 bits, as the low half of a 32-byte scalar below.
    const z = weights + (<usize>i << 4);
    memory.copy(z, digest, 16);
    if (load<u64>(z) == 0 && load<u64>(z, 8) == 0) store<u8>(z, 1); // a zero weight would hide its term
    memory.fill(digest, 0, 32);
    memory.copy(digest, z, 16);
    const sig = <usize>load<u32>(sigs + (<usize>i << 2));
    scMulAdd(a, digest, ks + <usize>i * NAF_LEN, a); // a += z k
    scMulAdd(b, digest, sig + 32, b); // b += z S
    termAdd(digitsR + <usize>i * NAF_LEN, z, 16, BATCH_R_WIDTH, area + <usize>i * R_TABLE, false, false);
  }
  // Σ z R + a A - b B.
  termAdd(digitsA, a, 32, BATCH_A_WIDTH, tableA, false, false);
  termAdd(digitsB, b, 32, BASE_NAF_WIDTH, ODD_B, true, true);
  termsEnd(result);
  times8(result);
  return isIdentity(result);
}
