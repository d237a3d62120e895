// Decompressed public keys of recent authors. Decompression is a square
// root (an exponentiation, ~250 squarings): a mesh delivers blocks of a few
// dozen authors in turn, so their keys come back again and again, usually
// not twice in a row (ed25519.ts's comb table, on the host, is for that
// case). KEY_SLOTS is the profile's (profile.ts).
//
// A slot keeps the key's 32 bytes exactly as received (non-canonical
// encodings are their own entries), its canonical re-encoding and x in
// compact limbs; y is read from the key again, which is cheap. Only keys
// that decode are kept. Replacement is first in, first out. Fixed size.

import { FE, feFromBytes, feLoad32, feStore32, fe1, feMul } from './field25519';
import { decodeZip215, encodeAffine } from './edwards25519';

import { KEY_SLOTS } from '../profile';

export { KEY_SLOTS };
const SLOT: usize = 32 + 32 + 40; // key, canonical encoding, x
/** The cache's bytes (docs/ABI.md's memory table). */
export const KEY_CACHE_BYTES: usize = <usize>KEY_SLOTS * SLOT;

const slots: usize = memory.data(<i32>(KEY_CACHE_BYTES));
let filled: i32 = 0;
let next: i32 = 0;

/** The slot holding exactly these 32 key bytes, or 0. Variable time: keys are public. */
function find(pk: usize): usize {
  const k0 = load<u64>(pk);
  for (let i = 0; i < filled; i++) {
    const s = slots + <usize>i * SLOT;
    if (load<u64>(s) == k0 && load<u64>(s, 8) == load<u64>(pk, 8) &&
      load<u64>(s, 16) == load<u64>(pk, 16) && load<u64>(s, 24) == load<u64>(pk, 24)) return s;
  }
  return 0;
}

/**
 * decodeZip215 (edwards25519.ts) of a public key into h (P3, Z = 1) and
 * its canonical encoding into enc (32 bytes), from the cache when it can.
 * Returns 0, or -1 when pk is not a point.
 */
export function decodeKey(h: usize, enc: usize, pk: usize): i32 {
  const s = find(pk);
  if (s != 0) {
    feLoad32(h, s + 64); // X
    feFromBytes(h + FE, pk); // Y, as decodeZip215 reads it
    fe1(h + 2 * FE);
    feMul(h + 3 * FE, h, h + FE);
    memory.copy(enc, s + 32, 32);
    return 0;
  }
  if (decodeZip215(h, pk) != 0) return -1;
  encodeAffine(enc, h);
  const d = slots + <usize>next * SLOT;
  memory.copy(d, pk, 32);
  memory.copy(d + 32, enc, 32);
  feStore32(d + 64, h); // decodeZip215's x is carried: its limbs fit in i32
  next = next + 1 == KEY_SLOTS ? 0 : next + 1;
  if (filled < KEY_SLOTS) filled++;
  return 0;
}
