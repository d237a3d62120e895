// The state engine: picostore 3's dispatch and garbage collector, on the
// flash repo. A feed arrives; its blocks are verified, placed on their
// chain, and applied one by one: the body `[collection, payload, date]` is
// decoded, the collection's compute() accepts or rejects, and what was
// accepted is stored (block first, then state: a power cut in between is
// repaired by the replay at mount). The first rejected block stops the feed.
//
// Forgetting: every state has an expiry; the timer wheel wakes the engine at
// that time (tick), expiresAt() is asked again (a state may have been
// renewed or latched onto another), and a swept state drops its reference
// to its chain. A chain that nothing references is evicted from the repo
// with a tombstone that refuses it until its expiry has passed for every
// badge whose clock is within SKEW of ours.
//
// Rules beyond picostore's, for badges:
//   E1 A block dated more than SKEW ahead of the mesh clock is rejected.
//   E2 A block whose new state would already be expired is rejected, so an
//      expired chain cannot come back through a neighbour that still has it.
//   E3 When the state table, the block index or the flash is full, the chain
//      whose states expire soonest is evicted to make room (never the chain
//      being extended), so the store keeps accepting new blocks: the badge's
//      own posts only (dispatch with evict). A feed from sync never evicts
//      (E9). An eviction the repo refuses (every tombstone slot still holds
//      a chain off, repo R6) leaves the chain and its states as they are.
//   E4 Blocks must carry an AUTHOR header (picorepo refuses anonymous ones).
//   E5 A block larger than BLOCK_MAX (profile.ts) is refused (E_TOO_LARGE):
//      the pending pool and mount's replay hold one block of that size.
//   E6 Only a chain's owner writes to it (E_FOREIGN, the repo's rule, checked
//      before compute()): a block's author is its chain's owner, so a
//      PER_AUTHOR object is only ever changed by its own author, and no
//      collection has to remember to check.
//   E7 Dates never go back along a chain: a block dated before the block it
//      extends is refused (E_BACKDATED), so no block re-dates a state to an
//      earlier time than its chain already reached.
//   E8 Times saturate (store/time.ts): a time near 2^64 never wraps.
//   E9 A feed dispatched without `evict` (sync: a neighbour's blocks) takes
//      only free room: a full state table, block index, chain table or
//      flash refuses it (E_TABLE_FULL / E_FULL, nothing stored), so no
//      neighbour pushes out a chain this badge holds (#12, finding 3). Only
//      the badge's own posts (E3) and the collector's expiry evict.
//   E11 An enrol block (store/enrol.ts) is accepted at a chain's genesis
//      only, with a cert valid for its author when the event key is known
//      (N1), and keeps no state. A new chain from sync (E9) whose genesis is
//      not one is a guest: refused (E_GUEST, nothing stored) while
//      GUEST_MAX guests are held and the event key is known (docs/SYNC.md
//      §6.1). The badge's own posts (E3) are never refused for it.
//   E12 A feed from sync that founds a chain with an enrol block and leaves
//      it holding no state (the blocks after it refused: expired, say, from
//      a neighbour that slept through their expiry) does not keep it: the
//      chain is evicted again before dispatch returns (held off until now +
//      SKEW; when the repo refuses, R6, the collector retries), and the
//      enrol block is not counted. So an enrol block alone never brings back
//      a chain that expired, and no chain comes in over sync without a state
//      that expires. (A badge's own enrol block and its first post are two
//      dispatches, post.ts, so E3's path is exempt: the post extends it.)
//   E10 A block already stored costs no signature check: dispatch finds
//      duplicates before it verifies, so a replayed feed costs a lookup per
//      block (#12, finding 4). A duplicate's bytes are never used (it is
//      not stored again); blocks after it still link to its signature.
// State survives a reboot because it is never stored: mount replays every
// stored chain through compute(), which is deterministic.

import { scanBlock, scanFeedBlock, OUT_BLOCK_SIZE, OUT_BODY_OFFSET, OUT_BODY_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { verify } from '../crypto/ed25519';
import { verifyRun, BATCH_MAX } from '../crypto/batch';
import { hostAccepts } from '../crypto/accept';
import { CborReader } from './cbor';
import { Collection, BlockContext, ACCEPT, NEVER, PER_AUTHOR, collectionAt, collectionCount, expiresAt, appRefusal } from './collection';
import { clearObjects, used, collectionOf, stateOf, chainOf, findObject, addObject, dropObject, refsOf, objectCount } from './objects';
import { timersReset, timerSet, timerCancel, timersAdvance, timersNow, timerNextDue, timerCount, expiryOf, timersQuietUntil } from './timers';
import { sameKey, sameSig } from '../feed/equal';
import { pendingAdd, pendingFind, pendingAt, pendingLen, pendingRemove, pendingClear, pendingCount, pendingScratch } from './pending';
import { MAX_OBJECTS, STATE_MAX, MAX_FEED_BLOCKS, PENDING_BYTES, BLOCK_MAX } from '../profile';
import {
  repoMount, repoWrite, repoHas, repoOwnerOf, repoGenesis, repoHead, repoLoad, repoEvictChain, repoChainIndex, repoChainAt,
  repoReadInPlace, E_TABLE_FULL, E_FULL, E_ANONYMOUS, E_MALFORMED, E_NOT_FOUND, E_TOO_LARGE, E_FOREIGN,
} from '../repo/repo';
import { recData } from '../repo/log';
import { later, MAX_TIME } from './time';
import { isEnrolName, certValid, eventKnown, setEnrolled, enrolClear, guestAdmitted, E_GUEST, CERT_BYTES } from './enrol';

export { E_GUEST };

// The app registers its collections through the engine (README, "Your own app").
export { registerCollection, collectionCount, collectionAt } from './collection';

export const SKEW: u64 = 5 * 60 * 1000;

// Results below zero (reasons a feed stopped); zero and above count accepted blocks.
export const E_INVALID_SIGNATURE: i32 = -60;
export const E_INVALID_PARENT: i32 = -61; // the feed's blocks do not link up
export const E_UNRECOGNIZED_BODY: i32 = -62; // not CBOR [collection, payload, date]
export const E_UNKNOWN_COLLECTION: i32 = -63;
export const E_FUTURE: i32 = -64; // E1
export const E_EXPIRED: i32 = -65; // E2
export const E_REJECTED: i32 = -66; // compute() said no
export const E_FEED_TOO_LONG: i32 = -67;
export const E_BACKDATED: i32 = -68; // E7
export { E_FOREIGN }; // E6 (-49)

// The reader and the block context handed to compute(): static records
// (no constructor runs; reset() and compute() set what they use).
const reader = changetype<CborReader>(memory.data(<i32>offsetof<CborReader>(), 8));
const ctx = changetype<BlockContext>(memory.data(<i32>offsetof<BlockContext>(), 8));
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE), 8);
const owner: usize = memory.data(<i32>(32), 8);
const genesis: usize = memory.data(<i32>(64), 8);
const head: usize = memory.data(<i32>(64), 8);
const draft: usize = memory.data(<i32>(<usize>STATE_MAX), 8);
const number: usize = memory.data(<i32>(8), 8);
let evictions: u32 = 0;
let rejections: u32 = 0;
let latestDate: u64 = 0; // the latest date of a block accepted or replayed since mount
let lastReason: i32 = 0;
let mayEvict = true; // E3 / E9: whether the feed being dispatched may evict to make room
let evictOwed = false; // the collector swept a chain it could not evict (repo R6): tick tries again

// ---- applying one block ------------------------------------------------------

let pendingSlot: i32 = -1;
let pendingCollection: i32 = -1;
let pendingExpiry: u64 = 0;
let pendingId: u64 = 0; // the first 8 bytes of the object's id (objects.ts, O1)

/** Scans block (ptr, len) into scanOut: the offset of its 32-byte author key, or E_MALFORMED / E_ANONYMOUS. */
function scanSigned(ptr: usize, len: u32): i32 {
  if (scanBlock(ptr, <i32>len, <i32>len, scanOut) != SCAN_OK) return E_MALFORMED;
  const ko = load<i32>(scanOut + OUT_KEY_OFFSET);
  return ko < 0 || load<i32>(scanOut + OUT_KEY_LEN) != 32 ? E_ANONYMOUS : ko;
}

// What readBody() found: the date (NaN when there is none) and where the payload lies.
let bodyDate: f64 = NaN;
let bodyEnrol = false; // the collection is "enrol" (E11): no registered collection, no state
let bodyPayload: usize = 0;
let bodyEnd: usize = 0;

/**
 * Decodes the body of block (ptr, len), scanned into scanOut: picostore's
 * `[collection, payload, date]`. The collection's index, or
 * E_UNRECOGNIZED_BODY / E_UNKNOWN_COLLECTION (then bodyDate is still set
 * when the rest of the body was read). Sets bodyDate, bodyPayload, bodyEnd.
 */
function readBody(ptr: usize, len: u32): i32 {
  bodyDate = NaN;
  bodyEnrol = false;
  const bodySize = load<i32>(scanOut + OUT_BODY_SIZE);
  const bo = load<i32>(scanOut + OUT_BODY_OFFSET);
  if (bodySize <= 0) return E_UNRECOGNIZED_BODY;
  // picofeed's body runs 2 bytes per header past the block (a picofeed quirk the core mirrors); the CBOR is within the block.
  const end = ptr + <usize>len;
  bodyEnd = end;
  reader.reset(ptr + <usize>bo, end - (ptr + <usize>bo));
  const n = reader.arrayLength();
  if (n == -2 || n == 0) return E_UNRECOGNIZED_BODY;
  if (reader.peekMajor() != 3 || !reader.text()) return E_UNKNOWN_COLLECTION;
  let c: i32 = E_UNKNOWN_COLLECTION;
  bodyEnrol = isEnrolName(reader.spanPtr, reader.spanLen); // E11: the name is reserved, no app collection takes it
  for (let i = 0, k = bodyEnrol ? 0 : collectionCount(); i < k; i++) {
    if (collectionAt(i).hasName(reader.spanPtr, reader.spanLen)) { c = i; break; }
  }
  // The payload (item 1), the date (item 2) and any items after them, to
  // the array's end; the whole body must be one well-formed item.
  bodyPayload = end; // no payload: compute() gets an empty one
  let date: f64 = NaN;
  let k: i64 = 1;
  for (; n == -1 ? !reader.isBreak() : k < n; k++) {
    const at = reader.pos;
    if (k == 1) bodyPayload = at;
    if (k == 2) {
      if (reader.number(number)) { date = load<f64>(number); continue; }
      reader.reset(at, end - at); // not a number: skip it as any other item
    }
    if (!reader.skip()) return E_UNRECOGNIZED_BODY;
  }
  if (reader.failed || !reader.atEnd()) return E_UNRECOGNIZED_BODY;
  bodyDate = date;
  return c;
}

/** A body's date as a time, or -1 when it is not one (not a whole number from 0 to MAX_TIME). */
function timeOf(date: f64): i64 {
  return date >= 0 && date == Math.floor(date) && date <= <f64>MAX_TIME ? <i64>date : -1;
}

/** The date of the stored block whose signature is at sig; 0 when it is not stored or carries none. */
export function blockDate(sig: usize): u64 {
  const n = repoReadInPlace(sig); // the block is in the repo's record buffer until the next repo call
  if (n <= 0 || scanSigned(recData, <u32>n) < 0 || readBody(recData, <u32>n) == E_UNRECOGNIZED_BODY) return 0;
  const t = timeOf(bodyDate);
  return t < 0 ? 0 : <u64>t;
}

// The date of the block the one being applied extends (0 for a genesis); set by applyBlock.
let parentDate: u64 = 0;
// Whether the block being applied founds its chain (E11); set by applyBlock and mount.
let founding = false;
let pendingEnrol = false; // the block computed last is an enrol block: commit() keeps no state
let foundedSlot: i32 = -1; // E12: the chain slot this dispatch founded with an enrol block from sync, or -1

/** E11: an enrol block's checks (compute() has read its body, dated d). ACCEPT or a reason. */
function computeEnrol(now: u64, replay: bool): i32 {
  const p = bodyPayload;
  // The payload is the cert as a CBOR byte string of 64 (0x58 0x40), as cborg encodes it.
  if (!founding || p + 2 + <usize>CERT_BYTES > bodyEnd || load<u8>(p) != 0x58 || load<u8>(p, 1) != 0x40) {
    lastReason = -1; return E_REJECTED;
  }
  // On flash it was checked when it came (N2); a key to check it against may be unknown (N3).
  if (!replay && eventKnown() && !certValid(p + 2, owner)) { lastReason = -2; return E_REJECTED; }
  pendingEnrol = true;
  return ACCEPT;
}

/**
 * Decodes and computes block (ptr, len) of the chain owned by `owner` (whose
 * genesis signature is in `genesis`), without changing anything: the new
 * state is left in `draft`. ACCEPT or a negative reason.
 */
function compute(ptr: usize, len: u32, now: u64, replay: bool): i32 {
  const ko = scanSigned(ptr, len);
  if (ko < 0) return ko;
  // E6: only the chain's owner writes to it (the repo refuses the block too; flash written by an older build may hold one).
  if (!sameKey(ptr + <usize>ko, owner)) return E_FOREIGN;
  pendingEnrol = false;
  const ci = readBody(ptr, len);
  if (ci < 0 && !(bodyEnrol && ci == E_UNKNOWN_COLLECTION)) return ci;
  const t = timeOf(bodyDate);
  if (t < 0) return E_REJECTED;
  const d = <u64>t;
  if (!replay && d > later(now, SKEW)) return E_FUTURE;
  if (!replay && d < parentDate) return E_BACKDATED; // E7
  if (bodyEnrol) {
    const rc = computeEnrol(now, replay);
    if (rc == ACCEPT && d > latestDate) latestDate = d;
    return rc;
  }
  const col = collectionAt(ci);
  const payloadAt = bodyPayload;

  // The object this block addresses.
  const id = col.identity == PER_AUTHOR ? owner : genesis;
  const slot = findObject(col.index, id);
  memory.fill(draft, 0, <usize>STATE_MAX);
  if (slot >= 0) memory.copy(draft, stateOf(slot), <usize>col.stateSize);
  ctx.author = ptr + <usize>ko;
  ctx.owner = owner;
  ctx.chain = genesis;
  ctx.date = d;
  ctx.now = replay ? 0 : now;
  ctx.fresh = slot < 0;
  reader.reset(payloadAt, bodyEnd - payloadAt);
  const rc = col.compute(slot >= 0 ? stateOf(slot) : draft, draft, reader, ctx);
  if (rc != ACCEPT) { lastReason = rc; return E_REJECTED; }
  const exp = expiresAt(col, draft);
  if (!replay && exp <= now) return E_EXPIRED;
  if (d > latestDate) latestDate = d;
  pendingSlot = slot;
  pendingCollection = col.index;
  pendingExpiry = exp;
  pendingId = load<u64>(id);
  return ACCEPT;
}

/** Stores the draft computed last as its object's state and schedules its expiry. -1 when the table is full. */
function commit(): i32 {
  // N2: a genesis sets its slot's bit, whatever it is (a reused slot held another chain).
  if (founding) setEnrolled(repoChainIndex(owner), pendingEnrol);
  if (pendingEnrol) return 0; // E11: no state
  let slot = pendingSlot;
  if (slot < 0) {
    const chain = repoChainIndex(owner);
    if (chain < 0) return -1;
    store<u64>(number, pendingId);
    slot = addObject(pendingCollection, number, chain);
  }
  if (slot < 0) return -1;
  memory.copy(stateOf(slot), draft, <usize>STATE_MAX);
  // The expiry is the timer's (timers.ts): none for a state that never expires.
  if (pendingExpiry == NEVER) timerCancel(slot);
  else timerSet(slot, pendingExpiry);
  return slot;
}

// ---- forgetting ------------------------------------------------------------------

/** Evicts the chain in repo slot c and every state it holds up; refuses it until `until`. */
function evictChain(c: i32, until: u64, now: u64): i32 {
  // The repo first: when it refuses (no tombstone slot free, R6) the chain keeps its states.
  const n = repoEvictChain(c, until, now);
  if (n < 0) return n;
  evictions++;
  for (let s = 0; refsOf(c) > 0 && s < MAX_OBJECTS; s++) {
    if (used(s) && chainOf(s) == c) {
      timerCancel(s);
      dropObject(s);
    }
  }
  return n;
}

const victim: usize = head; // free while makeRoom runs: drainPending reads head anew each round

/** E3: evicts the chain whose states expire first, sparing `keep`'s. False when there is none. */
function makeRoom(keep: usize, now: u64): bool {
  const kept = repoChainIndex(keep); // an object's owner is its chain (objects.ts, O2); -1 matches none
  let best: i32 = -1;
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (!used(s) || chainOf(s) == kept) continue;
    if (best < 0 || expiryOf(s) < expiryOf(best)) best = s;
  }
  if (best >= 0) {
    const exp = expiryOf(best);
    return evictChain(chainOf(best), later(exp == NEVER ? now : max(exp, now), SKEW), now) >= 0;
  }
  // Chains no state refers to (every block refused by compute, say) go next.
  for (let n = 0; repoChainAt(n, victim); n++) {
    const c = repoChainIndex(victim);
    if (!sameKey(victim, keep) && refsOf(c) == 0) return evictChain(c, later(now, SKEW), now) >= 0;
  }
  return false;
}

/** The mesh clock moved: sweeps expired states; returns how many chains were evicted. */
export function tick(now: u64): i32 {
  timersAdvance(now);
  // The collector's clock never goes back (gc/wheel.ts, W4): a timer it already passed is due, and
  // its state is judged at that clock, else a state due by the wheel but not by `now` would be
  // filed as due again, and again.
  now = max(now, timersNow());
  let evicted = 0;
  let slot = timerNextDue();
  while (slot >= 0) {
    if (used(slot)) {
      const c = collectionAt(collectionOf(slot));
      const exp = expiresAt(c, stateOf(slot));
      if (exp <= now) {
        const chain = dropObject(slot);
        if (refsOf(chain) == 0) {
          if (evictChain(chain, later(exp, SKEW), now) >= 0) evicted++;
          else evictOwed = true; // no tombstone slot free yet (repo R6): the chain stays until one is
        }
      } else if (exp != NEVER) {
        timerSet(slot, exp);
      } // else: no timer, so its expiry reads NEVER
    }
    slot = timerNextDue();
  }
  if (evictOwed) evicted += evictUnreferenced(now);
  return evicted;
}

/** A mesh time before which tick() only moves the collector's clock: 0 while it owes an eviction. */
export function quietUntil(): u64 { return evictOwed ? 0 : timersQuietUntil(); }

/**
 * Evicts the chains no state refers to any more, which the collector could
 * not evict when their states expired (repo R6). Their states expired at or
 * before `now`, so refusing them until now + SKEW holds them at least as
 * long as their expiry + SKEW would have. Clears evictOwed when none is left.
 */
function evictUnreferenced(now: u64): i32 {
  let evicted = 0;
  evictOwed = false;
  for (let n = 0; repoChainAt(n, victim); ) {
    const c = repoChainIndex(victim);
    if (refsOf(c) != 0) { n++; continue; }
    if (evictChain(c, later(now, SKEW), now) < 0) { evictOwed = true; break; }
    evicted++; // the chain left the list: the n-th is the next one
  }
  return evicted;
}

// ---- dispatch ---------------------------------------------------------------------

/** Finds the chain a block extends or founds: sets owner and genesis. False when its parent is unknown. */
function place(ptr: usize): bool {
  const po = load<i32>(scanOut + OUT_PSIG_OFFSET);
  if (po < 0) {
    memory.copy(owner, ptr + <usize>load<i32>(scanOut + OUT_KEY_OFFSET), 32);
    if (repoGenesis(owner, genesis) != 0) memory.copy(genesis, ptr, 64);
    return true;
  }
  if (repoOwnerOf(ptr + <usize>po, owner) < 0) return false;
  return repoGenesis(owner, genesis) == 0;
}

let parked = false; // the last applyBlock put its block in the pending pool

/** Applies one verified block: returns 1 stored, 0 already stored, or a reason < 0. */
function applyBlock(ptr: usize, len: u32, now: u64): i32 {
  if (len > <u32>BLOCK_MAX) return E_TOO_LARGE; // E5
  if (repoHas(ptr)) return 0;
  const ko = scanSigned(ptr, len);
  if (ko < 0) return ko;
  parked = false;
  if (!place(ptr)) {
    pendingAdd(ptr, len);
    parked = true;
    return E_NOT_FOUND;
  }
  const po = load<i32>(scanOut + OUT_PSIG_OFFSET); // scanOut is still this block's (place() reads it)
  parentDate = po < 0 ? 0 : blockDate(ptr + <usize>po);
  founding = po < 0;
  let rc = compute(ptr, len, now, false);
  if (rc != ACCEPT) { rejections++; return rc; }
  // E11: a chain from sync that is not enrolled comes in only while there is room for guests.
  if (!mayEvict && founding && !pendingEnrol && repoChainIndex(owner) < 0 && !guestAdmitted()) return E_GUEST;
  // E9: without evicting, a new state needs a free slot, checked before the block is stored.
  if (!mayEvict && !pendingEnrol && pendingSlot < 0 && objectCount() >= MAX_OBJECTS) return E_TABLE_FULL;
  // Block first (R1 of the repo), then state.
  for (let attempt = 0; attempt < 4; attempt++) {
    rc = repoWrite(ptr, len, now);
    if ((rc != E_TABLE_FULL && rc != E_FULL) || !mayEvict || !makeRoom(owner, now)) break;
    // makeRoom may have evicted a state this block's draft was built on: recompute.
    if (compute(ptr, len, now, false) != ACCEPT) return E_REJECTED;
  }
  if (rc < 0) return rc;
  if (commit() < 0) {
    if (!mayEvict || !makeRoom(owner, now) || commit() < 0) return E_TABLE_FULL;
  }
  if (founding && pendingEnrol && !mayEvict) foundedSlot = repoChainIndex(owner); // E12
  return 1;
}

/**
 * Dispatches a feed (picofeed bytes, optionally with PIC0) received at `now`:
 * verifies it, then applies its new blocks in order until one is refused.
 * `evict`: whether it may evict chains to make room (E3: the badge's own
 * posts); a neighbour's feed is dispatched without (E9).
 * Returns the number of blocks accepted, or a reason < 0 when none was and
 * the feed was refused. Blocks whose parent is unknown wait in the pending
 * pool; a block that completes a chain pulls its waiting children in.
 * The feed is walked three times (count, verify, apply) rather than
 * remembering where each block starts: a rescan costs far less than the
 * signature checks, and RAM for MAX_FEED_BLOCKS offsets.
 */
export function dispatch(ptr: usize, len: u32, now: u64, evict: bool = true): i32 {
  mayEvict = evict;
  const first: u32 = len >= 4 && load<u32>(ptr) == 0x30434950 ? 4 : 0; // "PIC0"
  let n = 0;
  for (let at = first; at < len; at += nextBlock(ptr, len, at)) {
    if (scanFeedBlock(ptr + <usize>at, <i32>(len - at), <i32>(len - at), scanOut) != SCAN_OK) break;
    if (n == MAX_FEED_BLOCKS) return E_FEED_TOO_LONG;
    n++;
  }
  // Verify everything first, as Feed.from does: parent links, then
  // signatures, a run of blocks by one author at a time (batch.ts).
  let run = 0;
  let runKey: usize = 0;
  let at = first;
  let prev: usize = 0;
  for (let i = 0; i < n; i++) {
    const p = ptr + <usize>at;
    const size = nextBlock(ptr, len, at);
    at += size;
    const ko = scanSigned(p, size); // scanFeedBlock found it well-formed: E_ANONYMOUS or an offset
    if (ko < 0) return ko;
    if (i > 0) {
      const po = load<i32>(scanOut + OUT_PSIG_OFFSET);
      if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) != 64 || !sameSig(p + <usize>po, prev)) return E_INVALID_PARENT;
    }
    prev = p;
    // E10: a block already stored is not verified again (applyBlock skips it unread).
    if (size <= <u32>BLOCK_MAX && repoHas(p)) continue;
    const key = p + <usize>ko;
    if (run > 0 && (run == BATCH_MAX || !sameKey(key, runKey))) {
      if (!verifyBlocks(run, runKey)) return E_INVALID_SIGNATURE;
      run = 0;
    }
    if (run == 0) runKey = key;
    store<u32>(runSigs + (<usize>run << 2), <u32>p);
    store<u32>(runLens + (<usize>run << 2), size - 64);
    run++;
  }
  if (run > 0 && !verifyBlocks(run, runKey)) return E_INVALID_SIGNATURE;
  let accepted = 0;
  let last: i32 = 0;
  foundedSlot = -1;
  at = first;
  for (let i = 0; i < n; i++) {
    const size = nextBlock(ptr, len, at);
    last = applyBlock(ptr + <usize>at, size, now);
    if (last < 0) break;
    accepted += last;
    at += size;
  }
  if (accepted > 0) accepted += drainPending(now);
  // E12: sync brings no chain that holds only its enrol block (no eviction ran meanwhile: the slot is the chain's).
  if (foundedSlot >= 0 && refsOf(foundedSlot) == 0) {
    if (repoEvictChain(foundedSlot, later(now, SKEW), now) < 0) evictOwed = true;
    accepted--;
    if (last >= 0) last = E_REJECTED; // a lone enrol block (its chain's other blocks never came): refused, quietly
  }
  return accepted > 0 || last >= 0 ? accepted : last;
}

/** The size of the feed block at offset `at` (scanned well-formed before: dispatch's first walk). */
function nextBlock(ptr: usize, len: u32, at: u32): u32 {
  scanFeedBlock(ptr + <usize>at, <i32>(len - at), <i32>(len - at), scanOut);
  return <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
}

// The run of blocks being verified together: where each starts (its
// signature comes first) and how many bytes its signature covers (its size
// - 64), as verifyRun() takes them, and where each signed message starts.
const runSigs: usize = memory.data(<i32>(<usize>BATCH_MAX * 4), 8);
const runLens: usize = memory.data(<i32>(<usize>BATCH_MAX * 4), 8);
const runMsgs: usize = memory.data(<i32>(<usize>BATCH_MAX * 4), 8);

/** Verifies the run's k blocks, all signed by the key at key: one by one, or as a batch. */
function verifyBlocks(k: i32, key: usize): bool {
  if (k == 1) { // verify() asks the host itself
    const p = <usize>load<u32>(runSigs);
    return verify(p, key, p + 64, load<u32>(runLens)) == 1;
  }
  // The batch never asks the host: a host that vouches for every signature of the run saves it.
  let vouched = true;
  for (let i = 0; i < k && vouched; i++) {
    const p = <usize>load<u32>(runSigs + (<usize>i << 2));
    vouched = hostAccepts(p, key, p + 64, load<u32>(runLens + (<usize>i << 2)));
  }
  if (vouched) return true;
  for (let i = 0; i < k; i++) store<u32>(runMsgs + (<usize>i << 2), load<u32>(runSigs + (<usize>i << 2)) + 64);
  return verifyRun(k, runSigs, runMsgs, runLens, key) == 1;
}

/** Applies waiting blocks whose parents are now the head of their chain. */
function drainPending(now: u64): i32 {
  let added = 0;
  let more = true;
  while (more && pendingCount() > 0) {
    more = false;
    if (repoHead(owner, head) < 0) break;
    const i = pendingFind(head, scanOut);
    if (i < 0) break;
    // Applied where it waits: applyBlock leaves the pool as it is (its
    // parent is the head, so it is placed; were it not, pendingAdd would
    // find it already waiting and it would stay).
    const p = pendingAt(i);
    const len = pendingLen(i);
    // A waiting block was checked only for shape: verify it now.
    const ko = scanSigned(p, len); // it had a key when it was put aside
    if (ko < 0 || verify(p, p + <usize>ko, p + 64, len - 64) != 1) { pendingRemove(i); more = true; continue; }
    const rc = applyBlock(p, len, now);
    if (!parked) pendingRemove(i);
    if (rc > 0) { added += rc; more = true; }
  }
  return added;
}

// ---- mount: replay ----------------------------------------------------------------

/**
 * Mounts the repo and rebuilds every state by replaying the stored chains. 0 or an error.
 * An app whose start asked for what the engine cannot hold is refused first (E_APP_*,
 * collection.ts), before the flash is read: it never runs with a collection missing.
 */
export function mount(sectorSize: u32, wordSize: u32, regionSize: u32, now: u64): i32 {
  const refused = appRefusal();
  if (refused != 0) return refused;
  const rc = repoMount(sectorSize, wordSize, regionSize);
  if (rc != 0) return rc;
  clearObjects();
  enrolClear();
  pendingClear();
  timersReset(now);
  latestDate = 0;
  // The blocks are read in runs into the pending pool, empty now (pending.ts, P3).
  const buf = pendingScratch();
  for (let c = 0; repoChainAt(c, owner); c++) {
    if (repoGenesis(owner, genesis) != 0) continue;
    let from = 1;
    while (true) {
      const count = repoLoad(owner, from, buf, <u32>PENDING_BYTES);
      if (count <= 0) break;
      let at: usize = 4;
      for (let k = 0; k < count; k++) {
        const room = <i32>(<usize>PENDING_BYTES - at);
        scanBlock(buf + at, room, room, scanOut);
        const size = <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
        founding = from == 1 && k == 0;
        if (compute(buf + at, size, now, true) == ACCEPT) commit();
        at += <usize>size;
      }
      from += count;
    }
  }
  return 0;
}

/**
 * The latest date of any block accepted or replayed since mount. Every such
 * block was dated at most SKEW ahead of the mesh clock when it came, so
 * after a reboot the mesh clock was at least this minus SKEW.
 */
export function latestBlockDate(): u64 { return latestDate; }

/**
 * Copies the state of (collection, 32-byte id) to out; returns its size, or
 * E_NOT_FOUND. Writes its expiry after it, as expiresAt() says now (a
 * latched state follows the object it latches onto).
 */
export function readState(collection: i32, id: usize, out: usize): i32 {
  if (collection < 0 || collection >= collectionCount()) return E_NOT_FOUND;
  const slot = findObject(collection, id);
  if (slot < 0) return E_NOT_FOUND;
  const c = collectionAt(collection);
  memory.copy(out, stateOf(slot), <usize>c.stateSize);
  store<u64>(out + <usize>c.stateSize, expiresAt(c, stateOf(slot)));
  return c.stateSize;
}

/** Counters: objects, timers, pending blocks, chains evicted, blocks rejected, last reject reason. */
export function engineStats(out: usize): void {
  store<u32>(out, <u32>objectCount());
  store<u32>(out, <u32>timerCount(), 4);
  store<u32>(out, <u32>pendingCount(), 8);
  store<u32>(out, evictions, 12);
  store<u32>(out, rejections, 16);
  store<i32>(out, lastReason, 20);
}
