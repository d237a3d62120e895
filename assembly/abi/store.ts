// Block-store exports: the repo on the flash region the host lends through
// the flash imports. Times are milliseconds on the mesh clock (i64).

import { inWindow } from './window';
import { E_RANGE } from './errors';
import { repoMount, repoWrite, repoRead, repoHead, repoLoad, repoEvict, repoChains, repoStats } from '../repo/repo';

/** Mounts the store: reads the region, rebuilds the index, recovers from a power cut. 0 or an error. */
export function store_mount(sectorSize: u32, wordSize: u32, regionSize: u32): i32 {
  return repoMount(sectorSize, wordSize, regionSize);
}

/** Stores a verified block of len bytes at ptr: 1 written, 0 already there, or an error. */
export function store_write(ptr: usize, len: i32, now: i64): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len)) return E_RANGE;
  return repoWrite(ptr, <u32>len, <u64>now);
}

/** Copies the block with the 64-byte signature at sig to out (cap bytes); returns its length. */
export function store_read(sig: usize, out: usize, cap: i32): i32 {
  if (cap < 0 || !inWindow(sig, 64) || !inWindow(out, <usize>cap)) return E_RANGE;
  return repoRead(sig, out, <u32>cap);
}

/** Writes the head signature of the chain owned by the 32-byte key at owner to out; returns the chain length. */
export function store_head(owner: usize, out: usize): i32 {
  if (!inWindow(owner, 32) || !inWindow(out, 64)) return E_RANGE;
  return repoHead(owner, out);
}

/** Writes blocks of owner's chain from height `from` (1 = genesis) to out: u32 byte count, then blocks. Returns the block count. */
export function store_load(owner: usize, from: i32, out: usize, cap: i32): i32 {
  if (cap < 4 || !inWindow(owner, 32) || !inWindow(out, <usize>cap)) return E_RANGE;
  return repoLoad(owner, from, out, <u32>cap);
}

/** Evicts owner's chain, refusing it until `until`; returns the number of blocks evicted. */
export function store_evict(owner: usize, until: i64, now: i64): i32 {
  if (!inWindow(owner, 32)) return E_RANGE;
  return repoEvict(owner, <u64>until, <u64>now);
}

/** Lists chains from the start-th: owner(32) | length u32 | head signature(64) each. Returns how many were written. */
export function store_chains(start: i32, out: usize, cap: i32): i32 {
  if (cap < 0 || !inWindow(out, <usize>cap)) return E_RANGE;
  return repoChains(start, out, <u32>cap);
}

/** Writes six u32 counters to out: blocks, chains, tombstones, free sectors, live bytes, last stamp. */
export function store_stats(out: usize): i32 {
  if (!inWindow(out, 24)) return E_RANGE;
  return repoStats(out);
}
