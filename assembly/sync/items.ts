// The set a badge reconciles with its neighbours: one item per chain it
// holds, (owner, height), sorted by a 64-bit key, the owner's first eight
// bytes read big-endian (so key order is byte order). Each item has a
// 64-bit fingerprint, the first eight bytes of SHA-512(owner | height u32 |
// head signature); a range's fingerprint is the sum of its items' mod 2^64
// with the count beside it (Negentropy's additive construction). Two badges
// whose range fingerprints and counts agree hold the same chains at the
// same heads there, barring a 64-bit collision, which an author could only
// engineer against their own chains.
//
// The view is rebuilt from the repo when the repo's version changed: at
// most 128 hashes, and only after something was written.

import { Sha512 } from '../crypto/sha512';
import { MAX_CHAINS, repoChainAt, repoHead, repoVersion } from '../repo/repo';

const iKey: usize = heap.alloc(<usize>MAX_CHAINS * 8);
const iFp: usize = heap.alloc(<usize>MAX_CHAINS * 8);
const iHeight: usize = heap.alloc(<usize>MAX_CHAINS * 4);
const iOwner: usize = heap.alloc(<usize>MAX_CHAINS * 32);
const hashIn: usize = heap.alloc(100);
const hashOut: usize = heap.alloc(64);
const hasher = new Sha512();

let count: i32 = 0;
let builtAt: u32 = 0xffffffff;
let total: u64 = 0;

export const KEY_END: u64 = 0xffffffffffffffff;

@inline export function itemKey(i: i32): u64 { return load<u64>(iKey + (<usize>i << 3)); }
@inline export function itemFp(i: i32): u64 { return load<u64>(iFp + (<usize>i << 3)); }
@inline export function itemHeight(i: i32): u32 { return load<u32>(iHeight + (<usize>i << 2)); }
@inline export function itemOwner(i: i32): usize { return iOwner + (<usize>i << 5); }

/** The key of a 32-byte owner: its first eight bytes, big-endian. */
export function keyOfOwner(owner: usize): u64 {
  return bswap<u64>(load<u64>(owner));
}

function swap(a: i32, b: i32): void {
  const k = itemKey(a); store<u64>(iKey + (<usize>a << 3), itemKey(b)); store<u64>(iKey + (<usize>b << 3), k);
  const f = itemFp(a); store<u64>(iFp + (<usize>a << 3), itemFp(b)); store<u64>(iFp + (<usize>b << 3), f);
  const h = itemHeight(a); store<u32>(iHeight + (<usize>a << 2), itemHeight(b)); store<u32>(iHeight + (<usize>b << 2), h);
  memory.copy(hashIn, itemOwner(a), 32); memory.copy(itemOwner(a), itemOwner(b), 32); memory.copy(itemOwner(b), hashIn, 32);
}

/** Owner byte order, for items whose keys tie. */
function before(a: i32, b: i32): bool {
  const ka = itemKey(a);
  const kb = itemKey(b);
  if (ka != kb) return ka < kb;
  return memory.compare(itemOwner(a), itemOwner(b), 32) < 0;
}

/** Brings the view up to date with the repo. Cheap when nothing changed. */
export function itemsRefresh(): void {
  const v = repoVersion();
  if (v == builtAt) return;
  builtAt = v;
  count = 0;
  total = 0;
  for (let n = 0; count < MAX_CHAINS && repoChainAt(n, itemOwner(count)); n++) {
    const owner = itemOwner(count);
    const h = repoHead(owner, hashIn + 36);
    if (h <= 0) continue; // cannot happen for a listed chain; keeps the view consistent if it did
    memory.copy(hashIn, owner, 32);
    store<u32>(hashIn + 32, <u32>h);
    hasher.update(hashIn, 100);
    hasher.final(hashOut);
    const fp = load<u64>(hashOut);
    store<u64>(iKey + (<usize>count << 3), keyOfOwner(owner));
    store<u64>(iFp + (<usize>count << 3), fp);
    store<u32>(iHeight + (<usize>count << 2), <u32>h);
    total += fp;
    count++;
  }
  // Insertion sort: at most 128 items, usually almost sorted already.
  for (let i = 1; i < count; i++) {
    for (let j = i; j > 0 && before(j, j - 1); j--) swap(j, j - 1);
  }
}

/** Forces the next refresh to rebuild (after a remount). */
export function itemsInvalidate(): void { builtAt = 0xffffffff; }

export function itemCount(): i32 { return count; }
export function itemsFingerprint(): u64 { return total; }

/** Index of the first item whose key is at least k (count when none is). */
export function lowerBound(k: u64): i32 {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (itemKey(mid) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item past the range that ends at bound (exclusive; KEY_END means "to the end"). */
export function rangeEnd(bound: u64): i32 {
  return bound == KEY_END ? count : lowerBound(bound);
}

/** Sum of the fingerprints of items [from, to). */
export function rangeFp(from: i32, to: i32): u64 {
  let s: u64 = 0;
  for (let i = from; i < to; i++) s += itemFp(i);
  return s;
}

/** The height at which this badge holds owner's chain, 0 when it holds none. */
export function heightOf(owner: usize): u32 {
  for (let i = lowerBound(keyOfOwner(owner)); i < count && itemKey(i) == keyOfOwner(owner); i++) {
    if (memory.compare(itemOwner(i), owner, 32) == 0) return itemHeight(i);
  }
  return 0;
}
