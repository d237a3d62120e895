// Time arithmetic for the mesh clock and expiries (ms, u64). A sum of two
// times saturates instead of wrapping: a time near 2^64 (a hostile HELLO, a
// host's bad hint, a collection's far expiry) must not wrap into the past,
// which would refuse every block as dated ahead and expire every state.
//
// No date a block can carry exceeds MAX_TIME: picostore's dates are
// JavaScript numbers, and the engine refuses a date that is not a safe
// integer. The mesh clock never runs past it either (badge/clock.ts).

export const MAX_TIME: u64 = 9007199254740991; // 2^53 - 1

/** a + b, or u64's largest value when the sum would wrap. */
@inline export function later(a: u64, b: u64): u64 {
  const s = a + b;
  return s < a ? <u64>-1 : s;
}
