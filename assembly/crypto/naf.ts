// Width-w non-adjacent form of a 128-bit scalar: signed odd digits
// |d| < 2^(w-1) with at least w - 1 zeros between two of them, so a
// multiplication adds about once every w + 1 doublings from a table of
// 2^(w-2) odd multiples. Variable time: only public scalars come here.

/** Digit positions a 128-bit scalar can need (a final carry lands at 128 at most). */
export const NAF_LEN: usize = 136;

/**
 * Writes the width-w NAF (2 ≤ w ≤ 8) of the 16-byte little-endian number
 * at s to digits (NAF_LEN i8, least significant first). Returns one past
 * the position of the top non-zero digit: 0 for s = 0.
 */
export function nafRecode(digits: usize, s: usize, w: i32): i32 {
  memory.fill(digits, 0, NAF_LEN);
  const x0 = load<u64>(s);
  const x1 = load<u64>(s, 8);
  const width: u64 = <u64>1 << <u64>w;
  const mask: u64 = width - 1;
  let carry: u64 = 0;
  let top: i32 = 0;
  let pos: i32 = 0;
  // Once pos reaches 128 only the carry is left, and it ends as a digit 1.
  while (pos < 128 || carry != 0) {
    let bits: u64 = 0;
    if (pos < 64) bits = pos == 0 ? x0 : (x0 >> <u64>pos) | (x1 << <u64>(64 - pos));
    else if (pos < 128) bits = x1 >> <u64>(pos - 64);
    const window = carry + (bits & mask);
    if ((window & 1) == 0) {
      // Skip the run of zero digits at once: the carry, if any, rides along
      // (trailing ones of the scalar plus a carry are trailing zeros, carry 1).
      pos += window == 0 ? w : <i32>ctz(window);
      continue;
    }
    let d: i32;
    if (window < (width >> 1)) {
      d = <i32>window;
      carry = 0;
    } else {
      d = <i32>window - <i32>width;
      carry = 1;
    }
    store<i8>(digits + <usize>pos, <i8>d);
    top = pos + 1;
    pos += w;
  }
  return top;
}
