// Neighbours this badge has heard advertising, in a fixed table (the
// least recently heard is forgotten first), and the rule for connecting:
//   P1 Connect only to a badge whose advertised chain set differs from ours
//      and that has a connection slot free.
//   P2 Of two badges that differ, the one with the lower id connects at
//      once; the other only when the difference has lasted CONNECT_LATE
//      (the lower one may be busy), so they rarely both connect.
//   P3 After a sync that ended well, not again while both sets are what
//      they were when it ended (some differences cannot be resolved: a
//      chain one of them refuses, say). After a failed or dropped link,
//      back off, doubling up to BACKOFF_MAX.
//   P4 One connection attempt at a time.

import { PEERS } from '../profile';

export { PEERS };
export const CONNECT_LATE: u64 = 3000;
export const BACKOFF: u64 = 5000;
export const BACKOFF_MAX: u64 = 120000;

// One record of PEER_SIZE bytes per peer, u64 fields at these offsets (a record pointer and a
// constant offset is one load, where parallel arrays cost an address computation at each use).
const PEER_SIZE: usize = 48;
const ADDR: usize = 0; // 6-byte address in a u64; 0 = free
const SEEN: usize = 8;
const DIFF_SINCE: usize = 16; // 0 = not differing
const RETRY_AT: usize = 24;
const WAIT: usize = 32; // the current backoff
const SYNCED: usize = 40; // both digests when a sync ended well, folded into one (synced())
const peers: usize = memory.data(<i32>(<usize>PEERS * PEER_SIZE));

@inline function peerAt(i: i32): usize { return peers + <usize>i * PEER_SIZE; }

/**
 * Our set digest and theirs, folded into one u64 for P3 (8 bytes per peer
 * instead of 16). The multiplier is odd, so for a given `mine` different
 * `theirs` give different folds and the reverse; two unrelated pairs agree
 * with odds of 2^-64, and then only postpone a sync until a set changes.
 */
function synced(mine: u64, theirs: u64): u64 {
  return mine * 0x9e3779b97f4a7c15 + (theirs ^ (theirs >> 29)) + 1;
}

export function addrKey(addr: usize): u64 {
  return (<u64>load<u32>(addr)) | (<u64>load<u16>(addr, 4) << 32) | (<u64>1 << 63);
}

export function peersClear(): void {
  memory.fill(peers, 0, <usize>PEERS * PEER_SIZE);
}

/** The slot of the peer with this address key, or -1. */
export function findPeer(key: u64): i32 {
  for (let i = 0; i < PEERS; i++) if (load<u64>(peerAt(i), ADDR) == key) return i;
  return -1;
}

/** The slot for this address, taking the least recently heard one if needed. */
export function peerSlot(key: u64, now: u64): i32 {
  let i = findPeer(key);
  if (i >= 0) return i;
  let oldest = 0;
  for (let j = 0; j < PEERS; j++) {
    if (load<u64>(peerAt(j), ADDR) == 0) { oldest = j; break; }
    if (load<u64>(peerAt(j), SEEN) < load<u64>(peerAt(oldest), SEEN)) oldest = j;
  }
  i = oldest;
  const p = peerAt(i);
  memory.fill(p, 0, PEER_SIZE);
  store<u64>(p, key, ADDR);
  store<u64>(p, now, SEEN);
  return i;
}

/** Records an advertisement; true when P1–P3 say connect now. */
export function peerHeard(i: i32, id: u32, theirs: u64, free: u32, mine: u64, myId: u32, now: u64): bool {
  const p = peerAt(i);
  store<u64>(p, now, SEEN);
  if (theirs == mine) { store<u64>(p, 0, DIFF_SINCE); return false; }
  if (load<u64>(p, DIFF_SINCE) == 0) store<u64>(p, now, DIFF_SINCE);
  if (free == 0 || now < load<u64>(p, RETRY_AT)) return false;
  if (load<u64>(p, SYNCED) == synced(mine, theirs)) return false;
  return myId < id || now - load<u64>(p, DIFF_SINCE) >= CONNECT_LATE;
}

/** A connection attempt or link ended; `ok` when it synced to the end. */
export function peerDone(key: u64, ok: bool, mine: u64, theirs: u64, now: u64): void {
  const i = findPeer(key);
  if (i < 0) return;
  const p = peerAt(i);
  if (ok) {
    store<u64>(p, 0, WAIT);
    store<u64>(p, 0, RETRY_AT);
    store<u64>(p, synced(mine, theirs), SYNCED);
  } else {
    const b = min(max(load<u64>(p, WAIT) * 2, BACKOFF), BACKOFF_MAX);
    store<u64>(p, b, WAIT);
    store<u64>(p, now + b, RETRY_AT);
  }
}

/** Holds off connecting to a peer for `ms` (a connection attempt in flight, say). */
export function peerHoldOff(key: u64, until: u64): void {
  const i = findPeer(key);
  if (i < 0) return;
  const p = peerAt(i);
  if (load<u64>(p, RETRY_AT) < until) store<u64>(p, until, RETRY_AT);
}

/** Writes the 6-byte address of a peer's key to out. */
export function addrOfKey(key: u64, out: usize): void {
  store<u32>(out, <u32>key);
  store<u16>(out, <u16>(key >> 32), 4);
}
