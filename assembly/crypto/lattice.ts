// Half-size scalars for verification (Pornin, "Optimized Lattice Basis
// Reduction In Dimension 2, and Fast Schnorr and EdDSA Signature
// Verification", ePrint 2020/454): for a challenge k mod L, find u and v
// with u ≡ v·k (mod L), 0 ≤ u < 2^127 and 0 < |v| < 2^126. Then
// [8](R + kA − SB) = 0 ⇔ [8](vSB − vR − uA) = 0, whose multiplication
// needs ~127 doublings instead of ~253.
//
// Pornin reduces the lattice basis ((L, 0), (k, 1)) on squared norms; the
// same short vector falls out of the extended Euclidean algorithm on (L, k)
// stopped half way (rational reconstruction, as in GLV decompositions):
// every remainder r_i ≡ t_i·k (mod L), and r_{i-1}·|t_i| + r_i·|t_{i-1}| = L.
// Stopping at the first r_i < 2^127 gives u = r_i and, since
// r_{i-1} ≥ 2^127, |v| = |t_i| ≤ L / 2^127 < 2^126. This needs no squared
// norms (512-bit numbers) and no division of big numbers. Lehmer's
// algorithm (Knuth's Algorithm L, TAOCP 4.5.2) finds runs of ~14 quotients
// from the leading 62 bits alone, accepting a quotient only when both ends
// of the leading bits' uncertainty agree on it, and applies each run to the
// big numbers as one 2 × 2 matrix; a quotient the leading bits cannot vouch
// for is taken by exact long division (31 bits at a time). Either way the
// remainders are Euclid's own, so the bound holds. Runs stop short of the
// first remainder below 2^127, which long division then reaches exactly.
//
// Remainders are 8 little-endian u32 limbs; the t_i are kept mod 2^128
// (4 limbs, two's complement): they never exceed the final |v| < 2^126.
// Variable time: k is public. Nothing allocates after start.

import { bitLength, geq, subMulShifted, divideChunk, shiftedTop, linearCombination } from './limbs';

const L_LIMBS: StaticArray<u32> = [
  0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000,
];

const bufR0: usize = memory.data(32);
const bufR1: usize = memory.data(32);
const bufT0: usize = memory.data(16);
const bufT1: usize = memory.data(16);
const spareR0: usize = memory.data(32);
const spareR1: usize = memory.data(32);
const spareT0: usize = memory.data(16);
const spareT1: usize = memory.data(16);

const COFACTOR_MAX: i64 = 1 << 30; // keeps linearCombination within i64
// The cofactor matrix of the last run: (r0, r1) → (A r0 + B r1, C r0 + D r1).
let cofA: i64 = 1;
let cofB: i64 = 0;
let cofC: i64 = 0;
let cofD: i64 = 1;

/**
 * Algorithm L's inner loop on a = floor(r0 / 2^s), b = floor(r1 / 2^s):
 * leaves the cofactors of the longest run of quotients that are certainly
 * Euclid's. True r0', r1' (over 2^s) lie strictly between a + A and a + B,
 * b + C and b + D (the cofactors' signs alternate), so a quotient is sure
 * when (a + A) / (b + C) and (a + B) / (b + D) have the same floor.
 */
function lehmerRun(a: i64, b: i64, floor: i64): void {
  let A: i64 = 1, B: i64 = 0, C: i64 = 0, D: i64 = 1;
  while (true) {
    const d1 = b + C;
    const d2 = b + D;
    const n1 = a + A;
    const n2 = a + B;
    if (d1 <= 0 || d2 <= 0 || n1 < 0 || n2 < 0) break;
    if (n1 < d1) break; // q would be 0
    // Most quotients are 1 to 3 (Gauss-Kuzmin): subtract before dividing.
    let q: i64 = 1;
    let rest = n1 - d1;
    while (rest >= d1 && q < 4) { rest -= d1; q++; }
    if (rest >= d1) q = n1 / d1;
    // The other end, by multiplying: q = floor(n2 / d2) ⇔ q·d2 ≤ n2 < q·d2 + d2.
    if (q >= COFACTOR_MAX) break;
    const low = q * d2;
    if (low > n2 || n2 - low >= d2) break;
    const nextC = A - q * C;
    const nextD = B - q * D;
    if (nextC > COFACTOR_MAX || nextC < -COFACTOR_MAX || nextD > COFACTOR_MAX || nextD < -COFACTOR_MAX) break;
    // Stop short of the first remainder below 2^127 (floor = 2^127 / 2^s).
    const nextB = a - q * b;
    if (nextB + min(nextC, nextD) < floor) break;
    A = C; B = D; C = nextC; D = nextD;
    a = b; b = nextB;
  }
  cofA = A; cofB = B; cofC = C; cofD = D;
}

/**
 * Writes u (16 bytes, little-endian, < 2^127) and |v| (16 bytes, 0 < |v| < 2^126)
 * with u ≡ v·k (mod L) for the scalar k < L (32 bytes). Returns the sign of
 * v: 1 for v > 0, -1 for v < 0. lehmer = false takes every quotient by long
 * division: the same result, slower (the specs compare the two).
 */
export function halfSize(u: usize, vAbs: usize, k: usize, lehmer: bool = true): i32 {
  let r0 = bufR0, r1 = bufR1, t0 = bufT0, t1 = bufT1;
  let s0 = spareR0, s1 = spareR1, w0 = spareT0, w1 = spareT1;
  memory.copy(r0, changetype<usize>(L_LIMBS), 32);
  memory.copy(r1, k, 32);
  memory.fill(t0, 0, 16);
  memory.fill(t1, 0, 16);
  store<u32>(t1, 1);
  let bl1 = bitLength(r1, 8);
  while (bl1 > 127) {
    if (lehmer) {
      const sh = bitLength(r0, 8) - 62; // ≥ 66: r0 > r1 ≥ 2^127
      lehmerRun(<i64>shiftedTop(r0, 8, sh), <i64>shiftedTop(r1, 8, sh), <i64>1 << (127 - sh));
      if (cofB != 0) {
        linearCombination(s0, r0, r1, 8, cofA, cofB);
        linearCombination(s1, r0, r1, 8, cofC, cofD);
        const bl = bitLength(s1, 8);
        if (bl > 127) {
          linearCombination(w0, t0, t1, 4, cofA, cofB);
          linearCombination(w1, t0, t1, 4, cofC, cofD);
          let p = r0; r0 = s0; s0 = p;
          p = r1; r1 = s1; s1 = p;
          p = t0; t0 = w0; w0 = p;
          p = t1; t1 = w1; w1 = p;
          bl1 = bl;
          continue;
        }
        lehmer = false; // cannot happen (lehmerRun stops short); finish one quotient at a time
      }
    }
    // r0 := r0 mod r1 and t0 := t0 - (r0 div r1) t1, a chunk of quotient at a time.
    while (geq(r0, r1, 8)) {
      const qe = divideChunk(r0, r1, 8, bl1);
      subMulShifted(t0, t1, 4, qe >> 16, <i32>(qe & 0xffff));
    }
    const r = r0; r0 = r1; r1 = r;
    const t = t0; t0 = t1; t1 = t;
    bl1 = bitLength(r1, 8);
  }
  memory.copy(u, r1, 16);
  if (load<u32>(t1 + 12) >> 31 == 0) {
    memory.copy(vAbs, t1, 16);
    return 1;
  }
  // |v| = -t1 mod 2^128.
  let c: i64 = 1;
  for (let i: usize = 0; i < 16; i += 4) {
    // Not <i64>~limb: the compiler folds that into a 64-bit complement.
    const x = 0xffffffff - <i64>load<u32>(t1 + i) + c;
    store<u32>(vAbs + i, <u32>x);
    c = x >> 32;
  }
  return -1;
}
