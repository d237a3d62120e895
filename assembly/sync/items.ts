// The set a badge reconciles with its neighbours: one item per chain it
// holds, (owner, height), sorted by a 64-bit key, the owner's first eight
// bytes read big-endian (so key order is byte order). Each item has a
// 64-bit hash, the first eight bytes of SHA-512(owner | height u32 | head
// signature).
//
// Two summaries of the set, for two uses (#12, finding 6):
// - the digest: the first eight bytes of SHA-512 over the items' hashes in
//   key order. Adverts and HELLOs carry it, sent before a link has a key, so
//   it is only a hint: "connect, we differ" (docs/SYNC.md §1). It is not
//   additive: sets built to agree on it (2^32 work, a birthday search)
//   agree only while neither changes at all; any chain both take on, from
//   anyone, tells them apart again.
// - the fingerprints that decide "in sync, skip" on a link (the PROOF's
//   whole-set one, each RECON range's): each item's hash passed through
//   SipHash-2-4 under the link's key (itemsKeyed), summed mod 2^64, with the
//   count beside it (Negentropy's additive construction). Summed without a
//   key, the hashes were public and additive: an author holding many chains
//   (or versions of one) could pick versions so that two different sets sum
//   alike (Wagner's generalised birthday, seconds of work) and hide another's
//   chain from every badge that held one set and met the other. The key is
//   drawn from both ends' fresh nonces at the handshake (link.ts), so nobody
//   can choose items against it in advance.
//   Two badges whose keyed fingerprints and counts agree on a range hold the
//   same chains at the same heads there, barring a collision of the items'
//   64-bit hashes, which an author could only engineer against their own
//   chain (with a 2^32 search).
//
// The view follows the repo's chain slots: when the repo's version moved,
// only slots whose head was set since the last refresh (the repo marks
// them: repoSlotMoved) are hashed again, and the sorted order is repaired by
// insertion sort over slot numbers (already almost sorted), so keeping it
// fresh costs little per stored block, and nothing is read from flash for a
// slot that did not move. Per slot the view keeps the item's hash and its
// key (the owner's first eight bytes), both taken when the slot was last
// hashed: a slot's owner changes only when the slot is freed and founded
// again, and founding sets its head. Whole owners and heights are read from
// the repo's slots (every user refreshes first, and nothing changes the repo
// while the view is read). Sorting and searching compare keys in RAM; only
// two owners with the same key are read from flash to be told apart.

import { SHA512_ONE_SHOT } from '../crypto/sha512';
import { sipHash64 } from '../crypto/siphash';
import { MAX_CHAINS, repoVersion, repoSlotHeight, repoSlotOwner, repoSlotHead, repoSlotMoved, repoSlotSeen } from '../repo/repo';

// Per chain slot: the item's key and its hash (unkeyed): 16 B RAM per slot.
// The two u64 share one record per slot (one address, then constant offsets).
const REC_SIZE: usize = 16;
const KEY_AT: usize = 0;
const FP_AT: usize = 8;
const sRec: usize = memory.data(<i32>(<usize>MAX_CHAINS * REC_SIZE));
// One bit per chain slot: set when the slot is in `order` (it held a chain at the last refresh).
const listed: usize = memory.data(<i32>((MAX_CHAINS + 7) >> 3));
// Slots holding a chain, in key order.
const order: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));
const hashIn: usize = memory.data(<i32>(100));
const hashOut: usize = memory.data(<i32>(64));
const hasher = SHA512_ONE_SHOT;

let count: i32 = 0;
let builtAt: u32 = 0xffffffff;
let digest: u64 = 0;
// The key itemFp() uses: the link being served sets it (itemsKeyed) before any fingerprint is made.
let key0: u64 = 0;
let key1: u64 = 0;

export const KEY_END: u64 = 0xffffffffffffffff;

@inline function slotAt(i: i32): i32 { return <i32>load<u16>(order + (<usize>i << 1)); }
@inline function recOf(c: i32): usize { return sRec + <usize>c * REC_SIZE; }
@inline function isListed(c: i32): bool { return (load<u8>(listed + (<usize>c >> 3)) & (1 << (c & 7))) != 0; }
@inline function setListed(c: i32, on: bool): void {
  const p = listed + (<usize>c >> 3);
  const bit: u8 = <u8>(<u32>1 << <u32>(c & 7));
  store<u8>(p, on ? load<u8>(p) | bit : load<u8>(p) & ~bit);
}
/** Item i's key (the owner's first eight bytes, big-endian), kept since its slot was hashed. */
export function itemKey(i: i32): u64 { return load<u64>(recOf(slotAt(i)), KEY_AT); }
/** Item i's fingerprint under the current link's key (itemsKeyed). */
export function itemFp(i: i32): u64 { return sipHash64(key0, key1, load<u64>(recOf(slotAt(i)), FP_AT)); }

/**
 * Sets the key of the fingerprints (itemFp, rangeFp) to the 16 bytes at k,
 * a link's (link.ts). Invariant K1: every fingerprint sent or compared on a
 * link is made under that link's key; each link sets it before it makes or
 * reads one, and nothing between that and its last use sets another.
 */
export function itemsKeyed(k: usize): void {
  key0 = load<u64>(k);
  key1 = load<u64>(k, 8);
}
@inline export function itemHeight(i: i32): u32 { return <u32>repoSlotHeight(slotAt(i)); }
@inline export function itemOwner(i: i32): usize { return repoSlotOwner(slotAt(i)); }

/** The key of a 32-byte owner: its first eight bytes, big-endian. */
export function keyOfOwner(owner: usize): u64 {
  return bswap<u64>(load<u64>(owner));
}

/**
 * Byte order of two 32-byte owners (memory.compare's sign). One function for
 * every owner comparison in sync and link code: memory.compare is inlined as
 * a byte loop at each use, which the module cannot afford eight times.
 */
export function ownerCompare(a: usize, b: usize): i32 {
  return memory.compare(a, b, 32);
}

/** Owner byte order, for items whose keys tie. */
function before(a: i32, b: i32): bool {
  const ka = itemKey(a);
  const kb = itemKey(b);
  if (ka != kb) return ka < kb;
  return ownerCompare(itemOwner(a), itemOwner(b)) < 0;
}

/** Brings the view up to date with the repo. Cheap when nothing changed. */
export function itemsRefresh(): void {
  const v = repoVersion();
  if (v == builtAt) return;
  builtAt = v;
  // Keep the previous order for slots still holding a chain, then add new ones.
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = slotAt(i);
    if (repoSlotHeight(c) > 0) { store<u16>(order + (<usize>n << 1), <u16>c); n++; }
  }
  // Only a slot hashed again (new, or its head set since) is read from flash.
  for (let c = 0; c < MAX_CHAINS; c++) {
    const h = repoSlotHeight(c);
    if (h <= 0) { setListed(c, false); continue; }
    const was = isListed(c);
    if (!was) { store<u16>(order + (<usize>n << 1), <u16>c); n++; setListed(c, true); }
    if (was && !repoSlotMoved(c)) continue;
    const rec = recOf(c);
    memory.copy(hashIn, repoSlotOwner(c), 32);
    store<u64>(rec, keyOfOwner(hashIn), KEY_AT);
    store<u32>(hashIn + 32, <u32>h);
    // Flash decay: an item nobody matches, hashed again at the next refresh (the slot stays marked).
    if (repoSlotHead(c, hashIn + 36) != 0) memory.fill(hashIn + 36, 0, 64);
    else repoSlotSeen(c);
    hasher.update(hashIn, 100);
    hasher.final(hashOut);
    store<u64>(rec, load<u64>(hashOut), FP_AT);
  }
  count = n;
  // A slot freed and taken again by another owner between refreshes sits in the kept part under its new key: sorting fixes that too.
  for (let i = 1; i < count; i++) {
    for (let j = i; j > 0 && before(j, j - 1); j--) {
      const a = load<u16>(order + (<usize>j << 1));
      store<u16>(order + (<usize>j << 1), load<u16>(order + (<usize>(j - 1) << 1)));
      store<u16>(order + (<usize>(j - 1) << 1), a);
    }
  }
  // The digest, over the hashes in key order (one order for one set; the length counts the items).
  for (let i = 0; i < count; i++) hasher.update(recOf(slotAt(i)) + FP_AT, 8);
  hasher.final(hashOut);
  digest = load<u64>(hashOut);
}

/** Forces the next refresh to rebuild from scratch (after a remount). */
export function itemsInvalidate(): void {
  builtAt = 0xffffffff;
  count = 0;
  memory.fill(listed, 0, <usize>((MAX_CHAINS + 7) >> 3));
}

export function itemCount(): i32 { return count; }
/** The set's digest: a hint for adverts and HELLOs, never a proof of sync (see the top). */
export function itemsDigest(): u64 { return digest; }

/** Index of the first item whose key is at least k (count when none is), searched from item `from` on (every key before it is below k). */
export function lowerBound(k: u64, from: i32 = 0): i32 {
  let lo = from;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (itemKey(mid) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item past the range that ends at bound (exclusive; KEY_END means "to the end"), searched from item `from` on. */
export function rangeEnd(bound: u64, from: i32 = 0): i32 {
  return bound == KEY_END ? count : lowerBound(bound, from);
}

/** Sum of the fingerprints of items [from, to). */
export function rangeFp(from: i32, to: i32): u64 {
  let s: u64 = 0;
  for (let i = from; i < to; i++) s += itemFp(i);
  return s;
}

/** The height at which this badge holds owner's chain, 0 when it holds none. */
export function heightOf(owner: usize): u32 {
  const k = keyOfOwner(owner);
  for (let i = lowerBound(k); i < count && itemKey(i) == k; i++) {
    if (ownerCompare(itemOwner(i), owner) == 0) return itemHeight(i);
  }
  return 0;
}
