// Blocks that arrived before their parent wait here (picostore's mempool):
// a fixed byte pool, oldest dropped first when it is full, so a flood of
// orphans costs a neighbour nothing but the pool's turnover. When a chain
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

import { scanBlock, OUT_PSIG_OFFSET, OUT_PSIG_LEN, SCAN_OK } from '../feed/block';
import { sameSig } from '../feed/equal';
import { PENDING_BYTES, MAX_PENDING, BLOCK_MAX } from '../profile';

// @ts-ignore: compile-time check (P1, P3)
if (PENDING_BYTES < BLOCK_MAX + 4 || BLOCK_MAX > 0xffff) ERROR('the pending pool must hold one BLOCK_MAX block and its count');

const POOL_BYTES: u32 = <u32>PENDING_BYTES;
const pool: usize = memory.data(PENDING_BYTES, 8);
const lens: usize = memory.data(MAX_PENDING * 2, 8);
let count: i32 = 0;
let used: u32 = 0;

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
  while (count > 0 && (count == MAX_PENDING || used + len > POOL_BYTES)) remove(0, 0);
  memory.copy(pool + used, ptr, len);
  store<u16>(lens + (<usize>count << 1), <u16>len);
  count++;
  used += len;
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
