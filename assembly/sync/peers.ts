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

export const PEERS: i32 = 32;
export const CONNECT_LATE: u64 = 3000;
export const BACKOFF: u64 = 5000;
export const BACKOFF_MAX: u64 = 120000;

const pAddr: usize = memory.data(<i32>(<usize>PEERS * 8)); // 6-byte address in a u64; 0 = free
const pId: usize = memory.data(<i32>(<usize>PEERS * 4));
const pSeen: usize = memory.data(<i32>(<usize>PEERS * 8));
const pDiffSince: usize = memory.data(<i32>(<usize>PEERS * 8)); // 0 = not differing
const pRetryAt: usize = memory.data(<i32>(<usize>PEERS * 8));
const pBackoff: usize = memory.data(<i32>(<usize>PEERS * 8));
const pSyncedMine: usize = memory.data(<i32>(<usize>PEERS * 8));
const pSyncedTheirs: usize = memory.data(<i32>(<usize>PEERS * 8));
const pTheirs: usize = memory.data(<i32>(<usize>PEERS * 8)); // their last advertised fingerprint

@inline function get64(a: usize, i: i32): u64 { return load<u64>(a + (<usize>i << 3)); }
@inline function set64(a: usize, i: i32, v: u64): void { store<u64>(a + (<usize>i << 3), v); }

export function addrKey(addr: usize): u64 {
  return (<u64>load<u32>(addr)) | (<u64>load<u16>(addr, 4) << 32) | (<u64>1 << 63);
}

export function peersClear(): void {
  memory.fill(pAddr, 0, <usize>PEERS * 8);
}

/** The slot of the peer with this address key, or -1. */
export function findPeer(key: u64): i32 {
  for (let i = 0; i < PEERS; i++) if (get64(pAddr, i) == key) return i;
  return -1;
}

/** The slot for this address, taking the least recently heard one if needed. */
export function peerSlot(key: u64, now: u64): i32 {
  let i = findPeer(key);
  if (i >= 0) return i;
  let oldest = 0;
  for (let j = 0; j < PEERS; j++) {
    if (get64(pAddr, j) == 0) { oldest = j; break; }
    if (get64(pSeen, j) < get64(pSeen, oldest)) oldest = j;
  }
  i = oldest;
  set64(pAddr, i, key);
  store<u32>(pId + (<usize>i << 2), 0);
  set64(pSeen, i, now);
  set64(pDiffSince, i, 0);
  set64(pRetryAt, i, 0);
  set64(pBackoff, i, 0);
  set64(pSyncedMine, i, 0);
  set64(pSyncedTheirs, i, 0);
  set64(pTheirs, i, 0);
  return i;
}

/** Records an advertisement; true when P1–P3 say connect now. */
export function peerHeard(i: i32, id: u32, theirs: u64, free: u32, mine: u64, myId: u32, now: u64): bool {
  store<u32>(pId + (<usize>i << 2), id);
  set64(pSeen, i, now);
  set64(pTheirs, i, theirs);
  if (theirs == mine) { set64(pDiffSince, i, 0); return false; }
  if (get64(pDiffSince, i) == 0) set64(pDiffSince, i, now);
  if (free == 0 || now < get64(pRetryAt, i)) return false;
  if (get64(pSyncedMine, i) == mine && get64(pSyncedTheirs, i) == theirs) return false;
  return myId < id || now - get64(pDiffSince, i) >= CONNECT_LATE;
}

/** A connection attempt or link ended; `ok` when it synced to the end. */
export function peerDone(key: u64, ok: bool, mine: u64, theirs: u64, now: u64): void {
  const i = findPeer(key);
  if (i < 0) return;
  if (ok) {
    set64(pBackoff, i, 0);
    set64(pRetryAt, i, 0);
    set64(pSyncedMine, i, mine);
    set64(pSyncedTheirs, i, theirs);
  } else {
    const b = min(max(get64(pBackoff, i) * 2, BACKOFF), BACKOFF_MAX);
    set64(pBackoff, i, b);
    set64(pRetryAt, i, now + b);
  }
}

/** Holds off connecting to a peer for `ms` (a connection attempt in flight, say). */
export function peerHoldOff(key: u64, until: u64): void {
  const i = findPeer(key);
  if (i >= 0 && get64(pRetryAt, i) < until) set64(pRetryAt, i, until);
}

/** Writes the 6-byte address of a peer's key to out. */
export function addrOfKey(key: u64, out: usize): void {
  store<u32>(out, <u32>key);
  store<u16>(out, <u16>(key >> 32), 4);
}
