// SipHash-2-4 (Aumasson and Bernstein, 2012) of one 64-bit word: the keyed
// pseudorandom function the sync fingerprints pass each item through
// (sync/items.ts), the standard defence against an input chosen to make
// hashes collide when the chooser does not know the key.
//
// Only the 8-byte message is needed: its one word, then the final block
// (the length, 8, in the top byte). The same as the reference on the eight
// little-endian bytes of m (assembly/__tests__/siphash.spec.ts checks the
// paper's test vector).

/** SipHash-2-4 under the key (k0, k1) (its 16 bytes read as two little-endian words) of the 8 bytes of m, little-endian. */
export function sipHash64(k0: u64, k1: u64, m: u64): u64 {
  let v0 = k0 ^ 0x736f6d6570736575;
  let v1 = k1 ^ 0x646f72616e646f6d;
  let v2 = k0 ^ 0x6c7967656e657261;
  let v3 = k1 ^ 0x7465646279746573 ^ m;
  // Eight SipRounds in one loop (inlined copies would cost the module hundreds of bytes): two for
  // the message word, two for the final block (the length, 8, in its top byte), four to finish.
  for (let i = 0; i < 8; i++) {
    if (i == 2) { v0 ^= m; v3 ^= <u64>8 << 56; }
    else if (i == 4) { v0 ^= <u64>8 << 56; v2 ^= 0xff; }
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
  }
  return v0 ^ v1 ^ v2 ^ v3;
}
