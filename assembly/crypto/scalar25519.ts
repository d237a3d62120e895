// Scalars mod L = 2^252 + 27742317777372353535851937790883648493, the order
// of Ed25519's prime-order subgroup. Scalars are 32 little-endian bytes.
//
// Reduction is TweetNaCl's modL: 64 signed radix-2^8 digits in i64, folded
// from the top using 2^256 = -16 * (L - 2^252) mod L. It is slow next to
// ref10's 21-bit version but short enough to audit, branch-free, and runs
// only a few times per signature. Nothing here allocates after start.

const L: StaticArray<u8> = [ // bytes, widened where used
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

// 64 digits of the number being reduced.
const x: usize = memory.data(<i32>(64 * 8));

/** Reduces the 64 digits in x mod L and writes 32 bytes to r. */
function modL(r: usize): void {
  for (let i = 63; i >= 32; i--) {
    let carry: i64 = 0;
    const xi = load<i64>(x + (<usize>i << 3));
    let j = i - 32;
    for (; j < i - 12; j++) {
      const p = x + (<usize>j << 3);
      let v = load<i64>(p) + carry - 16 * xi * <i64>unchecked(L[j - (i - 32)]);
      carry = (v + 128) >> 8;
      v -= carry << 8;
      store<i64>(p, v);
    }
    const p = x + (<usize>j << 3);
    store<i64>(p, load<i64>(p) + carry);
    store<i64>(x + (<usize>i << 3), 0);
  }
  let carry: i64 = 0;
  const top = load<i64>(x + (31 << 3)) >> 4;
  for (let j = 0; j < 32; j++) {
    const p = x + (<usize>j << 3);
    let v = load<i64>(p) + carry - top * <i64>unchecked(L[j]);
    carry = v >> 8;
    store<i64>(p, v & 255);
  }
  for (let j = 0; j < 32; j++) {
    const p = x + (<usize>j << 3);
    store<i64>(p, load<i64>(p) - carry * <i64>unchecked(L[j]));
  }
  for (let i = 0; i < 32; i++) {
    const p = x + (<usize>i << 3);
    const v = load<i64>(p);
    if (i < 31) store<i64>(p + 8, load<i64>(p + 8) + (v >> 8));
    store<u8>(r + <usize>i, <u8>(v & 255));
  }
}

/** r = (64-byte little-endian number at s) mod L. r may alias s. */
export function scReduce64(r: usize, s: usize): void {
  for (let i: usize = 0; i < 64; i++) store<i64>(x + (i << 3), <i64>load<u8>(s + i));
  modL(r);
}

/** r = (a * b + c) mod L, for 32-byte scalars. r may alias any input. */
export function scMulAdd(r: usize, a: usize, b: usize, c: usize): void {
  for (let i: usize = 0; i < 64; i++) store<i64>(x + (i << 3), i < 32 ? <i64>load<u8>(c + i) : 0);
  for (let i: usize = 0; i < 32; i++) {
    const ai = <i64>load<u8>(a + i);
    for (let j: usize = 0; j < 32; j++) {
      const p = x + ((i + j) << 3);
      store<i64>(p, load<i64>(p) + ai * <i64>load<u8>(b + j));
    }
  }
  modL(r);
}

/** 1 when the 32-byte number at s is below L (a canonical S of a signature). Variable time: S is public. */
export function scIsCanonical(s: usize): i32 {
  for (let i = 31; i >= 0; i--) {
    const a = <i64>load<u8>(s + <usize>i);
    const b = <i64>unchecked(L[i]);
    if (a < b) return 1;
    if (a > b) return 0;
  }
  return 0; // equal to L
}
