// State-engine exports: mount (replay), dispatch, the collector's tick, and
// reading states. The app's collections are registered by its start code.

import { inWindow } from './window';
import { E_RANGE } from './errors';
import { mount, dispatch, tick, readState, engineStats, collectionCount, collectionAt } from '../store/engine';
import { STATE_MAX } from '../store/collection';

/** Mounts the store on the flash region and replays it into the collections' states. 0 or an error. */
export function engine_mount(sectorSize: u32, wordSize: u32, regionSize: u32, now: i64): i32 {
  return mount(sectorSize, wordSize, regionSize, <u64>now);
}

/** Dispatches the feed at ptr (len bytes) received at now; returns blocks accepted, or why the feed was refused. */
export function engine_dispatch(ptr: usize, len: i32, now: i64): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len)) return E_RANGE;
  return dispatch(ptr, <u32>len, <u64>now);
}

/** Moves the collector's clock to now; returns the number of chains evicted. */
export function engine_tick(now: i64): i32 {
  return tick(<u64>now);
}

/** Copies the state of the 32-byte id in collection c to out, then its expiry (u64); returns the state's size. */
export function engine_state(c: i32, id: usize, out: usize): i32 {
  if (!inWindow(id, 32) || !inWindow(out, <usize>STATE_MAX + 8)) return E_RANGE;
  return readState(c, id, out);
}

/** Writes collection c's name (UTF-8) to out; returns its length, or -58 past the last collection. */
export function engine_collection(c: i32, out: usize, cap: i32): i32 {
  if (cap < 0 || !inWindow(out, <usize>cap)) return E_RANGE;
  if (c < 0 || c >= collectionCount()) return -58;
  const col = collectionAt(c);
  if (col.name.length > cap) return E_RANGE;
  return col.copyName(out);
}

/** Six counters: objects, timers, pending blocks, chains evicted, blocks rejected, last reject reason. */
export function engine_stats(out: usize): i32 {
  if (!inWindow(out, 24)) return E_RANGE;
  engineStats(out);
  return 0;
}
