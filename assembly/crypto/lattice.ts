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
// norms (512-bit numbers) and no division of big numbers: each quotient is
// found 31 bits at a time from the leading 62 bits, and corrected exactly,
// so the remainders are Euclid's own and the bound holds.
//
// Remainders are 8 little-endian u32 limbs; the t_i are kept mod 2^128
// (4 limbs, two's complement): they never exceed the final |v| < 2^126.
// Variable time: k is public. Nothing allocates after start.

import { bitLength, geq, subMulShifted, divideChunk } from './limbs';

const L_LIMBS: StaticArray<u32> = [
  0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000,
];

const bufR0: usize = heap.alloc(32);
const bufR1: usize = heap.alloc(32);
const bufT0: usize = heap.alloc(16);
const bufT1: usize = heap.alloc(16);

/**
 * Writes u (16 bytes, little-endian, < 2^127) and |v| (16 bytes, 0 < |v| < 2^126)
 * with u ≡ v·k (mod L) for the scalar k < L (32 bytes). Returns the sign of
 * v: 1 for v > 0, -1 for v < 0.
 */
export function halfSize(u: usize, vAbs: usize, k: usize): i32 {
  let r0 = bufR0, r1 = bufR1, t0 = bufT0, t1 = bufT1;
  memory.copy(r0, changetype<usize>(L_LIMBS), 32);
  memory.copy(r1, k, 32);
  memory.fill(t0, 0, 16);
  memory.fill(t1, 0, 16);
  store<u32>(t1, 1);
  let bl1 = bitLength(r1, 8);
  while (bl1 > 127) {
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
