// Blocks that arrived before their parent wait here (picostore's mempool):
// a fixed byte pool, oldest dropped first when it is full, so a flood of
// orphans costs a neighbour nothing but the pool's turnover. When a chain
// grows, the engine asks for the block whose parent is the new head.

import { scanBlock, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { sameSig } from '../feed/equal';

const POOL_BYTES: u32 = 4096;
const MAX_PENDING: i32 = 24;

const pool: usize = memory.data(<i32>(POOL_BYTES));
// Only lengths are kept: the blocks lie back to back in the pool, in
// arrival order, so a walk over them adds up where each starts.
const lens: usize = memory.data(<i32>(<usize>MAX_PENDING * 4));
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE));
let count: i32 = 0;
let used: u32 = 0;

@inline function lenOf(i: i32): u32 { return load<u32>(lens + (<usize>i << 2)); }

export function pendingCount(): i32 { return count; }
export function pendingClear(): void { count = 0; used = 0; }

/** Drops waiting block i, which starts at pool offset s. */
function remove(i: i32, s: u32): void {
  const n = lenOf(i);
  memory.copy(pool + s, pool + s + n, used - s - n);
  memory.copy(lens + (<usize>i << 2), lens + (<usize>(i + 1) << 2), <usize>(count - 1 - i) << 2);
  count--;
  used -= n;
}

/** Keeps a copy of the block at ptr (len bytes) until its parent arrives, or until it is the oldest and room is needed. */
export function pendingAdd(ptr: usize, len: u32): void {
  if (len > POOL_BYTES) return;
  let s: u32 = 0;
  for (let i = 0; i < count; i++) {
    if (lenOf(i) == len && sameSig(pool + s, ptr)) return; // already waiting
    s += lenOf(i);
  }
  while (count > 0 && (count == MAX_PENDING || used + len > POOL_BYTES)) remove(0, 0);
  memory.copy(pool + used, ptr, len);
  store<u32>(lens + (<usize>count << 2), len);
  count++;
  used += len;
}

/** Moves a waiting block whose parent signature equals the 64 bytes at sig to out; its length, or 0 when none waits. */
export function pendingTake(sig: usize, out: usize): u32 {
  let s: u32 = 0;
  for (let i = 0; i < count; i++) {
    const p = pool + s;
    const n = lenOf(i);
    s += n;
    if (scanBlock(p, <i32>n, <i32>n, scanOut) != SCAN_OK) continue;
    const po = load<i32>(scanOut + OUT_PSIG_OFFSET);
    if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) != 64) continue;
    if (!sameSig(p + <usize>po, sig)) continue;
    memory.copy(out, p, n);
    remove(i, <u32>(p - pool));
    return n;
  }
  return 0;
}
