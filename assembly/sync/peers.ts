// Neighbours this badge has heard advertising, in a fixed table, and the
// rule for connecting:
//   P1 Connect only to a badge whose advertised chain set differs from ours
//      and that has a connection slot free.
//   P2 Of two badges that differ, the one with the lower id connects at
//      once; the other only when the difference has lasted CONNECT_LATE
//      (the lower one may be busy), so they rarely both connect.
//   P3 After a sync that ended well, not again while both sets are what
//      they were when it ended (some differences cannot be resolved: a
//      chain one of them refuses, say). After a failed or dropped link,
//      back off, doubling up to BACKOFF_MAX.
//   P4 One connection attempt at a time (badge.ts). After an attempt that
//      never completed, attempts to neighbours never synced with are gated
//      (badge.ts, GATE_MAX): a spoofer's address never answers, so spoofers
//      hold the one attempt a bounded share of the time (#12, finding 4;
//      docs/SYNC.md §1). Ranking candidates (synced-before first, then by
//      how long they differed) was tried and dropped: it made honest cards
//      spread a third slower in a 200-badge crowd, and no attack needed it.
//   P5 The table is full: forget first an address heard once (a spoofer's
//      rotating address is), then one that failed, then one never tried,
//      then one backed off for a violation, and last one we synced with;
//      the least recently heard of its kind. A flood of newcomers flushes
//      newcomers, not the neighbours this badge knows or is refusing.
//      A record is 48 bytes, so the table cannot outlast a fast flood; a
//      bitmap of hashed addresses heard lately (SEEN_BITS, cleared every
//      SEEN_CLEAR_MS) remembers more: an address whose bit is set when it
//      gets a record again counts as heard before. A neighbour advertising
//      once a second survives a flood of 100 new addresses a second
//      (tests/hostile-dos.test.ts; 200 a second flush it); a faster flood
//      can flush newcomers, never the neighbours of the later kinds.
//   P6 An address backed off after a violation is refused inbound too,
//      until its backoff ends (peerRefused).

import { PEERS } from '../profile';
import { later } from '../store/time';

export { PEERS };
export const CONNECT_LATE: u64 = 3000;
export const BACKOFF: u64 = 5000;
export const BACKOFF_MAX: u64 = 120000;
// An advert heard this recently is still there to connect to (adverts go about once a second).

// One record of PEER_SIZE bytes per peer, u64 fields at these offsets (a record pointer and a
// constant offset is one load, where parallel arrays cost an address computation at each use).
const PEER_SIZE: usize = 48;
const ADDR: usize = 0; // 6-byte address in a u64; 0 = free
const SEEN: usize = 8;
const DIFF_SINCE: usize = 16; // 0 = not differing
const RETRY_AT: usize = 24;
const WAIT: usize = 32; // the current backoff (ms, < 2^32), and HEARD and the flags above it
const HEARD_SHIFT: u64 = 32; // adverts heard, 8 bits, saturating
const F_SYNCED: u64 = <u64>1 << 48; // a sync with it ended well, ever
const F_FAILED: u64 = <u64>1 << 49; // the last attempt or link failed (cleared by one that ends well)
const F_BAD: u64 = <u64>1 << 50; // the last link ended in a violation
const BACKOFF_MASK: u64 = 0xffffffff;
const SYNCED: usize = 40; // both digests when a sync ended well, folded into one (synced())
const peers: usize = memory.data(<i32>(<usize>PEERS * PEER_SIZE));
const SEEN_BITS: u32 = 256; // 32 B: 100 new addresses a second set about half of them between clearings
const SEEN_CLEAR_MS: u64 = 2000;
const seenBits: usize = memory.data(<i32>(SEEN_BITS >> 3));
let seenSince: u64 = 0;

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
  memory.fill(seenBits, 0, SEEN_BITS >> 3);
  seenSince = 0;
}

/** P5: true when this address was heard lately (its bit was set); sets its bit. */
function heardLately(key: u64, now: u64): bool {
  if (now < seenSince || now - seenSince >= SEEN_CLEAR_MS) { memory.fill(seenBits, 0, SEEN_BITS >> 3); seenSince = now; }
  const h = <u32>((key * 0x9e3779b97f4a7c15) >> 56); // the top 8 bits mix all of the address
  const at = seenBits + <usize>(h >> 3);
  const bit = <u8>(<u32>1 << (h & 7));
  const was = (load<u8>(at) & bit) != 0;
  store<u8>(at, load<u8>(at) | bit);
  return was;
}

/** The slot of the peer with this address key, or -1. */
export function findPeer(key: u64): i32 {
  for (let i = 0; i < PEERS; i++) if (load<u64>(peerAt(i), ADDR) == key) return i;
  return -1;
}

/** P5: which kind of record to forget first (lowest first). */
function keep(p: usize): u32 {
  const w = load<u64>(p, WAIT);
  if (w & F_SYNCED) return 4;
  if (w & F_BAD) return 3;
  if ((w >> HEARD_SHIFT & 0xff) < 2) return 0;
  return w & F_FAILED ? 1 : 2;
}

/** The slot for this address, forgetting another (P5) if needed. */
export function peerSlot(key: u64, now: u64): i32 {
  let i = findPeer(key);
  if (i >= 0) return i;
  let victim = 0;
  for (let j = 0; j < PEERS; j++) {
    const p = peerAt(j);
    if (load<u64>(p, ADDR) == 0) { victim = j; break; }
    const v = peerAt(victim);
    const kj = keep(p); const kv = keep(v);
    if (kj < kv || (kj == kv && load<u64>(p, SEEN) < load<u64>(v, SEEN))) victim = j;
  }
  i = victim;
  const p = peerAt(i);
  memory.fill(p, 0, PEER_SIZE);
  store<u64>(p, key, ADDR);
  store<u64>(p, now, SEEN);
  if (heardLately(key, now)) store<u64>(p, <u64>1 << HEARD_SHIFT, WAIT);
  return i;
}

/** Records an advertisement; true when P1–P3 say connect now. */
export function peerHeard(i: i32, id: u32, theirs: u64, free: u32, mine: u64, myId: u32, now: u64): bool {
  const p = peerAt(i);
  store<u64>(p, now, SEEN);
  let w = load<u64>(p, WAIT);
  if ((w >> HEARD_SHIFT & 0xff) < 0xff) w += <u64>1 << HEARD_SHIFT;
  store<u64>(p, w, WAIT);
  return wouldGo(p, id, theirs, free, mine, myId, now);
}

function wouldGo(p: usize, id: u32, theirs: u64, free: u32, mine: u64, myId: u32, now: u64): bool {
  if (theirs == mine) { store<u64>(p, 0, DIFF_SINCE); return false; }
  if (load<u64>(p, DIFF_SINCE) == 0) store<u64>(p, now, DIFF_SINCE);
  if (free == 0 || now < load<u64>(p, RETRY_AT)) return false;
  if (load<u64>(p, SYNCED) == synced(mine, theirs)) return false;
  return myId < id || now - load<u64>(p, DIFF_SINCE) >= CONNECT_LATE;
}

/**
 * A link with this address is up: its record, kept as one heard more than once (P5), so that
 * newcomers do not flush it before the link ends and a violation can back it off (P6).
 */
export function peerLinked(key: u64, now: u64): void {
  const p = peerAt(peerSlot(key, now));
  const w = load<u64>(p, WAIT);
  if ((w >> HEARD_SHIFT & 0xff) < 2) store<u64>(p, (w & ~(<u64>0xff << HEARD_SHIFT)) | (<u64>2 << HEARD_SHIFT), WAIT);
}

/** True when a sync with the neighbour in slot i ever ended well. */
export function peerSynced(i: i32): bool { return (load<u64>(peerAt(i), WAIT) & F_SYNCED) != 0; }

/** P6: true when a link from this address is refused (it is backed off after a violation). */
export function peerRefused(key: u64, now: u64): bool {
  const i = findPeer(key);
  if (i < 0) return false;
  const p = peerAt(i);
  return (load<u64>(p, WAIT) & F_BAD) != 0 && now < load<u64>(p, RETRY_AT);
}

/** The link with this address broke a rule (after peerDone backed it off): P5, P6. */
export function peerBlame(key: u64): void {
  const i = findPeer(key);
  if (i < 0) return;
  const p = peerAt(i);
  store<u64>(p, load<u64>(p, WAIT) | F_BAD, WAIT);
}

/** A connection attempt or link ended; `ok` when it synced to the end. */
export function peerDone(key: u64, ok: bool, mine: u64, theirs: u64, now: u64): void {
  const i = findPeer(key);
  if (i < 0) return;
  const p = peerAt(i);
  const w = load<u64>(p, WAIT);
  const flags = w & ~BACKOFF_MASK & ~(F_FAILED | F_BAD);
  if (ok) {
    store<u64>(p, flags | F_SYNCED, WAIT);
    store<u64>(p, 0, RETRY_AT);
    store<u64>(p, synced(mine, theirs), SYNCED);
  } else {
    const b = min(max((w & BACKOFF_MASK) * 2, BACKOFF), BACKOFF_MAX);
    store<u64>(p, flags | F_FAILED | b, WAIT);
    store<u64>(p, later(now, b), RETRY_AT);
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
