// Blocks that arrived before their parent wait here (picostore's mempool):
// a fixed byte pool. When it is full, the oldest block of the source that
// holds the most (in bytes, or in blocks when the count is full) is dropped:
// each block is tagged with where it came from (the host, or a link), so a
// link flooding orphans drops its own, not what others left waiting (#12,
// finding 6). When a chain
// grows, the engine looks for the block whose parent is the new head and
// applies it where it lies, then removes it.
//
// Invariants:
//   P1 The waiting blocks lie back to back from the pool's start, in
//      arrival order; only their lengths are kept (u16: a block is at most
//      BLOCK_MAX bytes), so a walk adds up where each starts.
//   P2 A block is waiting at most once (same length and signature).
//   P3 While nothing waits (at mount, after pendingClear) the pool is free
//      scratch: it holds at least one BLOCK_MAX block and its u32 count.
//   P4 Room is made only from the largest source: a source can take no
//      more than the others leave it, and never a block of a smaller one.

import { scanBlock, OUT_PSIG_OFFSET, OUT_PSIG_LEN, SCAN_OK } from '../feed/block';
import { sameSig } from '../feed/equal';
import { PENDING_BYTES, MAX_PENDING, BLOCK_MAX, MAX_LINKS } from '../profile';

// @ts-ignore: compile-time check (P1, P3)
if (PENDING_BYTES < BLOCK_MAX + 4 || BLOCK_MAX > 0xffff) ERROR('the pending pool must hold one BLOCK_MAX block and its count');

const POOL_BYTES: u32 = <u32>PENDING_BYTES;
const pool: usize = memory.data(PENDING_BYTES, 8);
const lens: usize = memory.data(MAX_PENDING * 2, 8);
const tags: usize = memory.data(MAX_PENDING); // each waiting block's source (P4)
let count: i32 = 0;
let used: u32 = 0;
let source: u8 = 0; // where the blocks being dispatched come from: 0 the host, 1 + i link i

/** Tags the blocks added from now on as coming from `s` (0: the host, 1 + i: link i; at most MAX_LINKS). */
export function pendingSource(s: i32): void { source = <u8>s; }

@inline function lenOf(i: i32): u32 { return <u32>load<u16>(lens + (<usize>i << 1)); }

export function pendingCount(): i32 { return count; }
export function pendingClear(): void { count = 0; used = 0; }

/** P3: the pool as scratch (PENDING_BYTES), for mount's replay; only while nothing waits. */
export function pendingScratch(): usize {
  if (count != 0) unreachable();
  return pool;
}

/** Drops waiting block i, which starts at pool offset s. */
function remove(i: i32, s: u32): void {
  const n = lenOf(i);
  memory.copy(pool + s, pool + s + n, used - s - n);
  memory.copy(lens + (<usize>i << 1), lens + (<usize>(i + 1) << 1), <usize>(count - 1 - i) << 1);
  memory.copy(tags + <usize>i, tags + <usize>(i + 1), <usize>(count - 1 - i));
  count--;
  used -= n;
}

/** Keeps a copy of the block at ptr (len bytes) until its parent arrives, or until it is the oldest and room is needed. */
export function pendingAdd(ptr: usize, len: u32): void {
  if (len > POOL_BYTES) return;
  let s: u32 = 0;
  for (let i = 0; i < count; i++) {
    if (lenOf(i) == len && sameSig(pool + s, ptr)) return; // already waiting (P2)
    s += lenOf(i);
  }
  while (count > 0 && (count == MAX_PENDING || used + len > POOL_BYTES)) {
    if (!dropFromLargest(count == MAX_PENDING, len)) return; // P4: the adding source is the largest
  }
  memory.copy(pool + used, ptr, len);
  store<u16>(lens + (<usize>count << 1), <u16>len);
  store<u8>(tags + <usize>count, source);
  count++;
  used += len;
}

/**
 * P4: drops the oldest waiting block of the source holding the most (blocks when `byCount`, else
 * bytes), counting the block being added (len bytes) as the adding source's, which loses ties.
 * False when that source is the adding one and it has nothing waiting: the block is not taken.
 */
function dropFromLargest(byCount: bool, len: u32): bool {
  let worst: i32 = -1;
  let most: u32 = 0;
  for (let t = 0; t <= MAX_LINKS; t++) {
    let held: u32 = t == <i32>source ? (byCount ? 1 : len) : 0;
    for (let i = 0; i < count; i++) {
      if (<i32>load<u8>(tags + <usize>i) == t) held += byCount ? 1 : lenOf(i);
    }
    if (held > most || (held == most && held > 0 && t == <i32>source)) { most = held; worst = t; }
  }
  let s: u32 = 0;
  for (let i = 0; i < count; i++) {
    if (<i32>load<u8>(tags + <usize>i) == worst) { remove(i, s); return true; }
    s += lenOf(i);
  }
  return false;
}

/** The first waiting block whose parent signature equals the 64 bytes at sig: its index, or -1. scanOut: the caller's OUT_SIZE scratch. */
export function pendingFind(sig: usize, scanOut: usize): i32 {
  let s: u32 = 0;
  for (let i = 0; i < count; i++) {
    const p = pool + s;
    const n = lenOf(i);
    s += n;
    if (scanBlock(p, <i32>n, <i32>n, scanOut) != SCAN_OK) continue;
    const po = load<i32>(scanOut + OUT_PSIG_OFFSET);
    if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) != 64) continue;
    if (sameSig(p + <usize>po, sig)) return i;
  }
  return -1;
}

/** Where waiting block i lies (it stays there until a block is added or removed). */
export function pendingAt(i: i32): usize {
  let s: u32 = 0;
  for (let k = 0; k < i; k++) s += lenOf(k);
  return pool + s;
}
export function pendingLen(i: i32): u32 { return lenOf(i); }

/** Removes waiting block i. */
export function pendingRemove(i: i32): void {
  remove(i, <u32>(pendingAt(i) - pool));
}
