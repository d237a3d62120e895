// Unsigned big numbers as n little-endian u32 limbs in linear memory, and
// the one step long division needs: subtract a 31-bit chunk of quotient
// times a shifted divisor. For public values only (variable time): the
// half-way Euclid of lattice.ts and reductions mod L in verification.

/** Number of significant bits of the n-limb number at r (0 for 0). */
export function bitLength(r: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const w = load<u32>(r + (<usize>i << 2));
    if (w != 0) return (i << 5) + 32 - <i32>clz(w);
  }
  return 0;
}

/** Limb i of the n-limb number at r, 0 beyond it. */
@inline function limb(r: usize, n: i32, i: i32): u64 {
  return i < n ? <u64>load<u32>(r + (<usize>i << 2)) : 0;
}

/** floor(r / 2^sh) for an n-limb r, assuming it fits in 64 bits. */
export function shiftedTop(r: usize, n: i32, sh: i32): u64 {
  const li = sh >> 5;
  const bi = <u64>(sh & 31);
  const lo = limb(r, n, li) | (limb(r, n, li + 1) << 32);
  const hi = limb(r, n, li + 2);
  // wasm shifts count mod 64: a shift by 64 - 0 must not wrap to 0.
  return bi == 0 ? lo : (lo >> bi) | (hi << (64 - bi));
}

/** a ≥ b, both n limbs. */
export function geq(a: usize, b: usize, n: i32): bool {
  for (let i = n - 1; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2));
    const y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x > y;
  }
  return true;
}

/** dst -= q · (src << e) mod 2^(32n), both n limbs; q < 2^32. */
export function subMulShifted(dst: usize, src: usize, n: i32, q: u64, e: i32): void {
  const w = e >> 5;
  const b = <u64>(e & 31);
  let carry: u64 = 0;
  let borrow: i64 = 0;
  let prev: u64 = 0; // src limb below the current one
  for (let j = 0; j + w < n; j++) {
    const cur = <u64>load<u32>(src + (<usize>j << 2));
    // Limb j + w of src << e: bits of cur and prev (b = 0 gives cur).
    const s = (((cur << 32) | prev) >> (32 - b)) & 0xffffffff;
    prev = cur;
    const p = q * s + carry; // < 2^64: q, s < 2^32, carry < 2^32
    carry = p >> 32;
    const at = dst + (<usize>(j + w) << 2);
    const d = <i64>load<u32>(at) - <i64>(p & 0xffffffff) + borrow;
    store<u32>(at, <u32>d);
    borrow = d >> 32; // 0 or -1
  }
}

/**
 * One chunk of long division, for x ≥ y (n limbs each, y ≥ 2^64): subtracts
 * q·2^e·y from x, with the largest chunk q < 2^31 the top 62 bits of x can
 * vouch for, so x stays ≥ 0; q ≥ 1 when e = 0. Returns q << 16 | e (the
 * caller may need q·2^e for cofactors). Repeat while x ≥ y for x mod y.
 */
export function divideChunk(x: usize, y: usize, n: i32, bitsY: i32): u64 {
  const bitsX = bitLength(x, n);
  let e = bitsX - bitsY - 30;
  if (e < 0) e = 0;
  const sh = bitsX - 62;
  const a = shiftedTop(x, n, sh);
  const b = shiftedTop(y, n, sh - e) + 1; // ≥ 2^31: y·2^e has ≥ bitsX - 30 bits
  let q = a / b;
  if (q == 0) q = 1; // only when e = 0, and x ≥ y holds
  subMulShifted(x, y, (bitsX + 31) >> 5, q, e);
  return (q << 16) | <u64>e;
}

/**
 * dst = a·x + b·y mod 2^(32n) for n-limb x and y and signed |a|, |b| ≤ 2^30
 * (a cofactor row of Lehmer's algorithm). dst must not alias x or y.
 */
export function linearCombination(dst: usize, x: usize, y: usize, n: i32, a: i64, b: i64): void {
  let carry: i64 = 0;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    // |a·x_i + b·y_i + carry| < 2^63: limbs < 2^32, cofactors ≤ 2^30.
    const acc = a * <i64>load<u32>(x + at) + b * <i64>load<u32>(y + at) + carry;
    store<u32>(dst + at, <u32>acc);
    carry = acc >> 32;
  }
}
