// Width-w non-adjacent form of a scalar: signed odd digits |d| < 2^(w-1)
// with at least w - 1 zeros between two of them, so a multiplication adds
// about once every w + 1 doublings from a table of 2^(w-2) odd multiples.
// Half-size verification recodes 128-bit halves, batch verification whole
// scalars below 2^255. Variable time: only public scalars come here.

/** Digit positions a 128-bit scalar can need (a final carry lands at 128 at most). */
export const NAF_LEN: usize = 136;
/** Digit positions a scalar below 2^255 can need (the top digit lands at 255 at most). */
export const NAF_LEN_256: usize = 264;

const padded: usize = memory.data(40);

/**
 * Writes the width-w NAF (2 ≤ w ≤ 8) of the little-endian number of
 * `bytes` (16 or 32) bytes at s to digits (8·bytes + 8 i8, least
 * significant first). Returns one past the position of the top non-zero
 * digit: 0 for s = 0.
 */
export function nafRecode(digits: usize, s: usize, bytes: i32, w: i32): i32 {
  const bits: i32 = bytes << 3;
  memory.fill(digits, 0, <usize>bits + 8);
  // Zero bytes after the number let every window be one unaligned load.
  memory.copy(padded, s, <usize>bytes);
  memory.fill(padded + <usize>bytes, 0, 8);
  const width: u64 = <u64>1 << <u64>w;
  const mask: u64 = width - 1;
  let carry: u64 = 0;
  let top: i32 = 0;
  let pos: i32 = 0;
  // Once pos reaches the end only the carry is left, and it ends as a digit 1.
  while (pos < bits || carry != 0) {
    const chunk: u64 = pos < bits ? load<u64>(padded + <usize>(pos >> 3)) >> <u64>(pos & 7) : 0;
    const window = carry + (chunk & mask);
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
