// Equality of public keys (32 bytes) and signatures (64 bytes), a word at
// a time. memory.compare would be inlined as a byte loop at every use; these
// run in the store's scans on every dispatch, write and sweep.

/** True when the 32-byte keys at a and b are equal. */
export function sameKey(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) &&
    load<u64>(a, 16) == load<u64>(b, 16) && load<u64>(a, 24) == load<u64>(b, 24);
}

/** True when the 64-byte signatures at a and b are equal. */
export function sameSig(a: usize, b: usize): bool {
  return sameKey(a, b) && sameKey(a + 32, b + 32);
}
