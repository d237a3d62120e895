// GF(2^255 - 19) arithmetic, ref10's representation: ten signed limbs of
// alternately 26 and 25 bits (radix 2^25.5) held in i64, so a product of
// two elements is 100 i64 multiplies with no 128-bit arithmetic (WebAssembly
// has none). An element is 80 bytes of linear memory at a pointer; callers
// own the storage (static scratch: `memory.data(FE)`), so nothing here
// allocates.
//
// Bounds (ref10's): after mul/sq/carry, |even limb| <= 2^25 and
// |odd limb| <= 2^24 (give or take 1.1x); add/sub of two such elements may
// feed mul/sq directly, but sums of sums must not. The point formulas in
// edwards25519.ts keep ref10's order of operations for this reason.
//
// Constant time: no branch or memory index depends on an element's value,
// except in the functions marked vartime.

export const FE: usize = 80;

/** Static storage for n elements, allocated once at module start. */
export function fe0(h: usize): void {
  memory.fill(h, 0, FE);
}

export function fe1(h: usize): void {
  memory.fill(h, 0, FE);
  store<i64>(h, 1);
}

export function feCopy(h: usize, f: usize): void {
  memory.copy(h, f, FE);
}

// Unrolled: the point formulas call these ~10 times per doubling or
// addition, and the compiler keeps the loop form.
export function feAdd(h: usize, f: usize, g: usize): void {
  store<i64>(h, load<i64>(f, 0) + load<i64>(g, 0), 0);
  store<i64>(h, load<i64>(f, 8) + load<i64>(g, 8), 8);
  store<i64>(h, load<i64>(f, 16) + load<i64>(g, 16), 16);
  store<i64>(h, load<i64>(f, 24) + load<i64>(g, 24), 24);
  store<i64>(h, load<i64>(f, 32) + load<i64>(g, 32), 32);
  store<i64>(h, load<i64>(f, 40) + load<i64>(g, 40), 40);
  store<i64>(h, load<i64>(f, 48) + load<i64>(g, 48), 48);
  store<i64>(h, load<i64>(f, 56) + load<i64>(g, 56), 56);
  store<i64>(h, load<i64>(f, 64) + load<i64>(g, 64), 64);
  store<i64>(h, load<i64>(f, 72) + load<i64>(g, 72), 72);
}

export function feSub(h: usize, f: usize, g: usize): void {
  store<i64>(h, load<i64>(f, 0) - load<i64>(g, 0), 0);
  store<i64>(h, load<i64>(f, 8) - load<i64>(g, 8), 8);
  store<i64>(h, load<i64>(f, 16) - load<i64>(g, 16), 16);
  store<i64>(h, load<i64>(f, 24) - load<i64>(g, 24), 24);
  store<i64>(h, load<i64>(f, 32) - load<i64>(g, 32), 32);
  store<i64>(h, load<i64>(f, 40) - load<i64>(g, 40), 40);
  store<i64>(h, load<i64>(f, 48) - load<i64>(g, 48), 48);
  store<i64>(h, load<i64>(f, 56) - load<i64>(g, 56), 56);
  store<i64>(h, load<i64>(f, 64) - load<i64>(g, 64), 64);
  store<i64>(h, load<i64>(f, 72) - load<i64>(g, 72), 72);
}

export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < FE; i += 8) store<i64>(h + i, -load<i64>(f + i));
}

/** h = f when b == 1, unchanged when b == 0, without branching on b. */
export function feCmov(h: usize, f: usize, b: i64): void {
  const mask = -b;
  for (let i: usize = 0; i < FE; i += 8) {
    const x = load<i64>(h + i);
    store<i64>(h + i, x ^ ((x ^ load<i64>(f + i)) & mask));
  }
}

/** Loads an element stored compactly as ten i32 limbs (tables keep that form). */
export function feLoad32(h: usize, src: usize): void {
  for (let i: usize = 0; i < 10; i++) store<i64>(h + (i << 3), <i64>load<i32>(src + (i << 2)));
}

/** Stores a carried element (limbs fit in i32) as ten i32 limbs. */
export function feStore32(dst: usize, f: usize): void {
  for (let i: usize = 0; i < 10; i++) store<i32>(dst + (i << 2), <i32>load<i64>(f + (i << 3)));
}

// Bit offset of each limb in the 255-bit little-endian number.
const LIMB_AT: StaticArray<i32> = [0, 26, 51, 77, 102, 128, 153, 179, 204, 230];

const padded: usize = memory.data(40);

/**
 * Reads 32 little-endian bytes, ignoring bit 255. Values from p to
 * 2^255 - 1 (non-canonical encodings) are kept as they are: the limbs
 * represent them exactly and arithmetic is mod p anyway, as ZIP-215 wants.
 */
export function feFromBytes(h: usize, s: usize): void {
  memory.copy(padded, s, 32);
  store<u64>(padded + 32, 0);
  for (let i = 0; i < 10; i++) {
    const at = unchecked(LIMB_AT[i]);
    const width = (i & 1) == 0 ? 26 : 25;
    const word = load<u64>(padded + <usize>(at >> 3));
    const limb = (word >> <u64>(at & 7)) & ((<u64>1 << <u64>width) - 1);
    store<i64>(h + (<usize>i << 3), <i64>limb);
  }
}

const reduced: usize = memory.data(<i32>FE);

/**
 * Writes the canonical (fully reduced, < p) 32-byte little-endian encoding.
 * Loops over the limbs in memory: it runs a few times per signature, so
 * size matters more here than the loads unrolling would save.
 */
export function feToBytes(s: usize, f: usize): void {
  memory.copy(reduced, f, FE);
  // q = 1 exactly when the value is >= p: then adding 19 carries out of bit 255.
  let q: i64 = (19 * load<i64>(reduced, 72) + (1 << 24)) >> 25;
  for (let i = 0; i < 10; i++) q = (load<i64>(reduced + (<usize>i << 3)) + q) >> (26 - (i & 1));
  store<i64>(reduced, load<i64>(reduced) + 19 * q);
  // Carry limb to limb (the carry out of the top limb is the 2^255 that
  // subtracting p leaves), packing the now non-negative limbs as they settle.
  let c: i64 = 0;
  let acc: u64 = 0;
  let bits: i32 = 0;
  let o: usize = 0;
  for (let i = 0; i < 10; i++) {
    const width: i32 = 26 - (i & 1);
    let limb = load<i64>(reduced + (<usize>i << 3)) + c;
    c = limb >> width;
    limb -= c << width;
    acc |= <u64>limb << <u64>bits;
    bits += width;
    while (bits >= 8) {
      store<u8>(s + o, <u8>acc);
      acc >>= 8;
      bits -= 8;
      o++;
    }
  }
  store<u8>(s + 31, <u8>acc); // the last 7 bits
}

const bytesTmp: usize = memory.data(32);

/** 1 when f is odd once fully reduced (the "negative" of RFC 8032 encodings). */
export function feIsNegative(f: usize): i32 {
  feToBytes(bytesTmp, f);
  return load<u8>(bytesTmp) & 1;
}

/** 1 when f is not 0 mod p. */
export function feIsNonZero(f: usize): i32 {
  feToBytes(bytesTmp, f);
  let acc: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) acc |= load<u64>(bytesTmp + i);
  return <i32>(acc != 0);
}

export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const g0 = load<i64>(g, 0);
  const g1 = load<i64>(g, 8);
  const g2 = load<i64>(g, 16);
  const g3 = load<i64>(g, 24);
  const g4 = load<i64>(g, 32);
  const g5 = load<i64>(g, 40);
  const g6 = load<i64>(g, 48);
  const g7 = load<i64>(g, 56);
  const g8 = load<i64>(g, 64);
  const g9 = load<i64>(g, 72);
  const f1_2 = f1 * 2;
  const f3_2 = f3 * 2;
  const f5_2 = f5 * 2;
  const f7_2 = f7 * 2;
  const f9_2 = f9 * 2;
  // The products past limb 9 wrap around times 19 (2^255 = 19 mod p), as a
  // sum multiplied once rather than nine multiples of g kept live: fewer
  // values for the register allocator, the same bounds as ref10 (< 2^60).
  let h0: i64 = f0 * g0 + 19 * (f1_2 * g9 + f2 * g8 + f3_2 * g7 + f4 * g6 + f5_2 * g5 + f6 * g4 + f7_2 * g3 + f8 * g2 + f9_2 * g1);
  let h1: i64 = f0 * g1 + f1 * g0 + 19 * (f2 * g9 + f3 * g8 + f4 * g7 + f5 * g6 + f6 * g5 + f7 * g4 + f8 * g3 + f9 * g2);
  let h2: i64 = f0 * g2 + f1_2 * g1 + f2 * g0 + 19 * (f3_2 * g9 + f4 * g8 + f5_2 * g7 + f6 * g6 + f7_2 * g5 + f8 * g4 + f9_2 * g3);
  let h3: i64 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + 19 * (f4 * g9 + f5 * g8 + f6 * g7 + f7 * g6 + f8 * g5 + f9 * g4);
  let h4: i64 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + 19 * (f5_2 * g9 + f6 * g8 + f7_2 * g7 + f8 * g6 + f9_2 * g5);
  let h5: i64 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + 19 * (f6 * g9 + f7 * g8 + f8 * g7 + f9 * g6);
  let h6: i64 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + 19 * (f7_2 * g9 + f8 * g8 + f9_2 * g7);
  let h7: i64 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + 19 * (f8 * g9 + f9 * g8);
  let h8: i64 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + 19 * (f9_2 * g9);
  let h9: i64 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  // Carry chain from ref10: even limbs end within ±2^25, odd within ±2^24.
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0); store<i64>(h, h1, 8); store<i64>(h, h2, 16); store<i64>(h, h3, 24); store<i64>(h, h4, 32);
  store<i64>(h, h5, 40); store<i64>(h, h6, 48); store<i64>(h, h7, 56); store<i64>(h, h8, 64); store<i64>(h, h9, 72);
}

/** h = f^2. */
export function feSq(h: usize, f: usize): void { square(h, f, 1, false); }

/** h = 2 f^2 (the doubling formula needs it; doubling before the carry is free). */
export function feSq2(h: usize, f: usize): void { square(h, f, 1, true); }

/** h = f^(2^n), n >= 1. */
export function feSqN(h: usize, f: usize, n: i32): void { square(h, f, n, false); }

/**
 * h = f^(2^n), doubled before the last carry when `twice`. One body for
 * every squaring: the loop keeps limbs in locals, so the ~250 squarings of
 * an inversion or square root skip 20 loads and stores each, and the module
 * carries one copy of this code instead of three (about 1.6 KiB).
 */
function square(h: usize, f: usize, n: i32, twice: bool): void {
  let f0 = load<i64>(f, 0);
  let f1 = load<i64>(f, 8);
  let f2 = load<i64>(f, 16);
  let f3 = load<i64>(f, 24);
  let f4 = load<i64>(f, 32);
  let f5 = load<i64>(f, 40);
  let f6 = load<i64>(f, 48);
  let f7 = load<i64>(f, 56);
  let f8 = load<i64>(f, 64);
  let f9 = load<i64>(f, 72);
  for (let i = 0; i < n; i++) {
    const f0_2 = f0 * 2;
    const f1_2 = f1 * 2;
    const f1_4 = f1 * 4;
    const f2_2 = f2 * 2;
    const f3_2 = f3 * 2;
    const f3_4 = f3 * 4;
    const f4_2 = f4 * 2;
    const f5_19 = f5 * 19;
    const f5_2 = f5 * 2;
    const f5_4 = f5 * 4;
    const f6_19 = f6 * 19;
    const f6_2 = f6 * 2;
    const f7_19 = f7 * 19;
    const f7_2 = f7 * 2;
    const f7_4 = f7 * 4;
    const f8_19 = f8 * 19;
    const f8_2 = f8 * 2;
    const f9_19 = f9 * 19;
    const f9_2 = f9 * 2;
    let h0: i64 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
    let h1: i64 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
    let h2: i64 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
    let h3: i64 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
    let h4: i64 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
    let h5: i64 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
    let h6: i64 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
    let h7: i64 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
    let h8: i64 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
    let h9: i64 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
    if (twice) { h0 += h0; h1 += h1; h2 += h2; h3 += h3; h4 += h4; h5 += h5; h6 += h6; h7 += h7; h8 += h8; h9 += h9; }
    // Carry chain from ref10: even limbs end within ±2^25, odd within ±2^24.
    let c: i64;
    c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
    c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
    c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
    c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
    c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
    c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
    c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
    c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
    c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
    c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
    c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
    c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
    f0 = h0; f1 = h1; f2 = h2; f3 = h3; f4 = h4; f5 = h5; f6 = h6; f7 = h7; f8 = h8; f9 = h9;
  }
  store<i64>(h, f0, 0); store<i64>(h, f1, 8); store<i64>(h, f2, 16); store<i64>(h, f3, 24); store<i64>(h, f4, 32);
  store<i64>(h, f5, 40); store<i64>(h, f6, 48); store<i64>(h, f7, 56); store<i64>(h, f8, 64); store<i64>(h, f9, 72);
}

const t0: usize = memory.data(<i32>FE);
const t1: usize = memory.data(<i32>FE);
const t2: usize = memory.data(<i32>FE);

/** out = z^(2^250 - 1), and t0 = z^11 on return (both exponent chains need it). */
function pow2_250_1(out: usize, z: usize): void {
  feSq(t0, z); // 2
  feSqN(t1, t0, 2); // 8
  feMul(t1, z, t1); // 9
  feMul(t0, t0, t1); // 11
  feSq(t2, t0); // 22
  feMul(t1, t1, t2); // 2^5 - 1
  feSqN(t2, t1, 5);
  feMul(t1, t2, t1); // 2^10 - 1
  feSqN(t2, t1, 10);
  feMul(t2, t2, t1); // 2^20 - 1
  feSqN(out, t2, 20);
  feMul(t2, out, t2); // 2^40 - 1
  feSqN(t2, t2, 10);
  feMul(t1, t2, t1); // 2^50 - 1
  feSqN(t2, t1, 50);
  feMul(t2, t2, t1); // 2^100 - 1
  feSqN(out, t2, 100);
  feMul(t2, out, t2); // 2^200 - 1
  feSqN(t2, t2, 50);
  feMul(out, t2, t1); // 2^250 - 1
}

/** h = 1/z = z^(p - 2); 0 maps to 0. */
export function feInvert(h: usize, z: usize): void {
  pow2_250_1(h, z);
  feSqN(h, h, 5); // 2^255 - 2^5
  feMul(h, h, t0); // 2^255 - 21
}

/** h = z^((p - 5) / 8) = z^(2^252 - 3), the core of the square root. */
export function fePow22523(h: usize, z: usize): void {
  pow2_250_1(h, z);
  feSqN(h, h, 2); // 2^252 - 4
  feMul(h, h, z); // 2^252 - 3
}
