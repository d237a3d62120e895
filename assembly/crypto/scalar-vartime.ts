// Scalars mod L for public values only (verification): reductions by
// chunked long division (limbs.ts), which take as long as the numbers say,
// several times faster than scalar25519.ts's branch-free TweetNaCl modL.
// Secrets (signing) must keep using scalar25519.ts.

import { geq, divideChunk } from './limbs';

const L_BITS: i32 = 253;
/** L as 16 little-endian u32 limbs, to divide numbers of up to 512 bits. */
const L_WIDE: StaticArray<u32> = [
  0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000,
  0, 0, 0, 0, 0, 0, 0, 0,
];
const wide: usize = memory.data(64);

/** r (32 bytes) = wide mod L, wide holding n ≤ 16 limbs. */
function reduceWide(r: usize, n: i32): void {
  const l = changetype<usize>(L_WIDE);
  while (geq(wide, l, n)) divideChunk(wide, l, n, L_BITS);
  memory.copy(r, wide, 32);
}

/** r = (64-byte little-endian number at s) mod L. Variable time. */
export function scReduce64Vartime(r: usize, s: usize): void {
  memory.copy(wide, s, 64);
  reduceWide(r, 16);
}

/** r = a · b mod L for a < 2^128 (16 bytes) and b < 2^256 (32 bytes). Variable time. */
export function scMul128Vartime(r: usize, a: usize, b: usize): void {
  memory.fill(wide, 0, 48);
  for (let i: usize = 0; i < 4; i++) {
    const ai = <u64>load<u32>(a + (i << 2));
    let carry: u64 = 0;
    for (let j: usize = 0; j < 8; j++) {
      const at = wide + ((i + j) << 2);
      // ≤ (2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1: no overflow.
      const p = ai * <u64>load<u32>(b + (j << 2)) + <u64>load<u32>(at) + carry;
      store<u32>(at, <u32>p);
      carry = p >> 32;
    }
    store<u32>(wide + ((i + 8) << 2), <u32>carry);
  }
  reduceWide(r, 12);
}
