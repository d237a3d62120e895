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
//      being extended), so the store keeps accepting new blocks.
//   E4 Blocks must carry an AUTHOR header (picorepo refuses anonymous ones).
// State survives a reboot because it is never stored: mount replays every
// stored chain through compute(), which is deterministic.

import { scanBlock, scanFeedBlock, OUT_BLOCK_SIZE, OUT_BODY_OFFSET, OUT_BODY_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { verify } from '../crypto/ed25519';
import { verifyRun, BATCH_MAX } from '../crypto/batch';
import { hostAccepts } from '../crypto/accept';
import { CborReader } from './cbor';
import { Collection, BlockContext, Latch, ACCEPT, NEVER, STATE_MAX, PER_AUTHOR } from './collection';
import { MAX_OBJECTS, clearObjects, used, collectionOf, idOf, ownerOf, stateOf, expiryOf, setExpiry, chainOf, findObject, addObject, dropObject, refsOf, objectCount } from './objects';
import { sameKey, sameSig } from '../feed/equal';
import { pendingAdd, pendingTake, pendingClear, pendingCount } from './pending';
import { TimerWheel } from '../gc/wheel';
import {
  repoMount, repoWrite, repoHas, repoOwnerOf, repoGenesis, repoHead, repoLoad, repoEvictChain, repoChainIndex, repoChainAt,
  E_TABLE_FULL, E_FULL, E_ANONYMOUS, E_MALFORMED, E_NOT_FOUND,
} from '../repo/repo';

export const SKEW: u64 = 5 * 60 * 1000;
const MAX_COLLECTIONS: i32 = 8;
const MAX_FEED_BLOCKS: i32 = 256; // more than the I/O window can hold (blocks are at least 67 bytes)
const LATCH_DEPTH: i32 = 5;

// Results below zero (reasons a feed stopped); zero and above count accepted blocks.
export const E_INVALID_SIGNATURE: i32 = -60;
export const E_INVALID_PARENT: i32 = -61; // the feed's blocks do not link up
export const E_UNRECOGNIZED_BODY: i32 = -62; // not CBOR [collection, payload, date]
export const E_UNKNOWN_COLLECTION: i32 = -63;
export const E_FUTURE: i32 = -64; // E1
export const E_EXPIRED: i32 = -65; // E2
export const E_REJECTED: i32 = -66; // compute() said no
export const E_FEED_TOO_LONG: i32 = -67;

// The registered collections: a fixed table of object pointers (the stub
// runtime never moves or frees an object), not a growable Array, whose
// code would cost more than the table.
const registry: usize = memory.data(<i32>(<usize>MAX_COLLECTIONS * sizeof<usize>()));
let registered: i32 = 0;

/**
 * Registers a collection; only before the first mount (the app's start
 * code). Returns its index. A collection the engine cannot hold (more than
 * MAX_COLLECTIONS, a state over STATE_MAX bytes, a name that is not 1 to
 * 32 ASCII characters or is taken) stops the module's start: an app that
 * would silently miss a collection never runs (`picobadge build` says why).
 */
export function registerCollection(c: Collection): i32 {
  if (registered >= MAX_COLLECTIONS || c.stateSize < 0 || c.stateSize > STATE_MAX || !c.nameIsAscii()) unreachable();
  const n = c.copyName(draft);
  for (let i = 0; i < registered; i++) if (collectionAt(i).hasName(draft, <u32>n)) unreachable();
  c.index = registered;
  store<usize>(registry + <usize>registered * sizeof<usize>(), changetype<usize>(c));
  return registered++;
}

export function collectionCount(): i32 { return registered; }
/** The collection with index i (0 ≤ i < collectionCount()). */
export function collectionAt(i: i32): Collection { return changetype<Collection>(load<usize>(registry + <usize>i * sizeof<usize>())); }

const wheel = new TimerWheel(MAX_OBJECTS);
const reader = new CborReader();
const ctx = new BlockContext();
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE));
// The blocks of the feed being dispatched: where each starts (its signature
// comes first) and how many bytes its signature covers (its size - 64). Laid
// out as verifyRun() takes a run's signatures and lengths, so a run is passed
// in place.
const feedSigs: usize = memory.data(<i32>(<usize>MAX_FEED_BLOCKS * 4));
const feedLens: usize = memory.data(<i32>(<usize>MAX_FEED_BLOCKS * 4));
const owner: usize = memory.data(<i32>(32));
const genesis: usize = memory.data(<i32>(64));
const head: usize = memory.data(<i32>(64));
const draft: usize = memory.data(<i32>(<usize>STATE_MAX));
const number: usize = memory.data(<i32>(8));
const blockBuf: usize = memory.data(<i32>(4096));
let evictions: u32 = 0;
let rejections: u32 = 0;
let latestDate: u64 = 0; // the latest date of a block accepted or replayed since mount
let lastReason: i32 = 0;

class ExpiryLatch extends Latch {
  depth: i32 = 0;
  expiryOf(c: Collection, id: usize): u64 {
    if (this.depth >= LATCH_DEPTH) return NEVER;
    const slot = findObject(c.index, id);
    if (slot < 0) return 0; // gone: picostore's latch returns 0
    this.depth++;
    const t = c.expiresAt(stateOf(slot), this);
    this.depth--;
    return t;
  }
}
const latch = new ExpiryLatch();

function expiresAt(c: Collection, state: usize): u64 {
  latch.depth = 0;
  return c.expiresAt(state, latch);
}

// ---- applying one block ------------------------------------------------------

let pendingSlot: i32 = -1;
let pendingCollection: i32 = -1;
let pendingExpiry: u64 = 0;
const pendingId: usize = memory.data(<i32>(32));

/** Scans block (ptr, len) into scanOut: the offset of its 32-byte author key, or E_MALFORMED / E_ANONYMOUS. */
function scanSigned(ptr: usize, len: u32): i32 {
  if (scanBlock(ptr, <i32>len, <i32>len, scanOut) != SCAN_OK) return E_MALFORMED;
  const ko = load<i32>(scanOut + OUT_KEY_OFFSET);
  return ko < 0 || load<i32>(scanOut + OUT_KEY_LEN) != 32 ? E_ANONYMOUS : ko;
}

/**
 * Decodes and computes block (ptr, len) of the chain owned by `owner` (whose
 * genesis signature is in `genesis`), without changing anything: the new
 * state is left in `draft`. ACCEPT or a negative reason.
 */
function compute(ptr: usize, len: u32, now: u64, replay: bool): i32 {
  const ko = scanSigned(ptr, len);
  if (ko < 0) return ko;
  const bodySize = load<i32>(scanOut + OUT_BODY_SIZE);
  const bo = load<i32>(scanOut + OUT_BODY_OFFSET);
  if (bodySize <= 0) return E_UNRECOGNIZED_BODY;
  // picofeed's body runs 2 bytes per header past the block (a picofeed quirk the core mirrors); the CBOR is within the block.
  const bodyEnd = ptr + <usize>len;
  reader.reset(ptr + <usize>bo, bodyEnd - (ptr + <usize>bo));
  const n = reader.arrayLength();
  if (n == -2 || n == 0) return E_UNRECOGNIZED_BODY;
  if (reader.peekMajor() != 3 || !reader.text()) return E_UNKNOWN_COLLECTION;
  let c: Collection | null = null;
  for (let i = 0; i < registered; i++) {
    const r = collectionAt(i);
    if (r.hasName(reader.spanPtr, reader.spanLen)) { c = r; break; }
  }
  // The payload (item 1), the date (item 2) and any items after them, to
  // the array's end; the whole body must be one well-formed item.
  let payloadAt = bodyEnd; // no payload: compute() gets an empty one
  let date: f64 = NaN;
  let k: i64 = 1;
  for (; n == -1 ? !reader.isBreak() : k < n; k++) {
    const at = reader.pos;
    if (k == 1) payloadAt = at;
    if (k == 2) {
      if (reader.number(number)) { date = load<f64>(number); continue; }
      reader.reset(at, bodyEnd - at); // not a number: skip it as any other item
    }
    if (!reader.skip()) return E_UNRECOGNIZED_BODY;
  }
  if (reader.failed || !reader.atEnd()) return E_UNRECOGNIZED_BODY;
  if (c == null) return E_UNKNOWN_COLLECTION;
  const col = changetype<Collection>(c);
  if (!(date >= 0) || date != Math.floor(date) || date > 9007199254740991) return E_REJECTED;
  const d = <u64>date;
  if (!replay && d > now + SKEW) return E_FUTURE;

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
  memory.copy(pendingId, id, 32);
  return ACCEPT;
}

/** Stores the draft computed last as its object's state and schedules its expiry. -1 when the table is full. */
function commit(): i32 {
  let slot = pendingSlot;
  if (slot < 0) {
    const chain = repoChainIndex(owner);
    if (chain < 0) return -1;
    slot = addObject(pendingCollection, pendingId, owner, chain);
  }
  if (slot < 0) return -1;
  memory.copy(stateOf(slot), draft, <usize>STATE_MAX);
  setExpiry(slot, pendingExpiry);
  if (pendingExpiry == NEVER) wheel.cancel(slot);
  else wheel.schedule(slot, pendingExpiry);
  return slot;
}

// ---- forgetting ------------------------------------------------------------------

/** Evicts the chain in repo slot c and every state it holds up; refuses it until `until`. */
function evictChain(c: i32, until: u64, now: u64): i32 {
  for (let s = 0; refsOf(c) > 0 && s < MAX_OBJECTS; s++) {
    if (used(s) && chainOf(s) == c) {
      wheel.cancel(s);
      dropObject(s);
    }
  }
  const n = repoEvictChain(c, until, now);
  if (n >= 0) evictions++;
  return n;
}

const victim: usize = memory.data(<i32>(32));

/** E3: evicts the chain whose states expire first, sparing `keep`. False when there is none. */
function makeRoom(keep: usize, now: u64): bool {
  let best: i32 = -1;
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (!used(s) || sameKey(ownerOf(s), keep)) continue;
    if (best < 0 || expiryOf(s) < expiryOf(best)) best = s;
  }
  if (best >= 0) {
    const exp = expiryOf(best);
    evictChain(chainOf(best), (exp == NEVER ? now : max(exp, now)) + SKEW, now);
    return true;
  }
  // Chains no state refers to (every block refused by compute, say) go next.
  for (let n = 0; repoChainAt(n, victim); n++) {
    const c = repoChainIndex(victim);
    if (!sameKey(victim, keep) && refsOf(c) == 0) {
      evictChain(c, now + SKEW, now);
      return true;
    }
  }
  return false;
}

/** The mesh clock moved: sweeps expired states; returns how many chains were evicted. */
export function tick(now: u64): i32 {
  wheel.advance(now);
  let evicted = 0;
  let slot = wheel.nextDue();
  while (slot >= 0) {
    if (used(slot)) {
      const c = collectionAt(collectionOf(slot));
      const exp = expiresAt(c, stateOf(slot));
      if (exp <= now) {
        const chain = dropObject(slot);
        if (refsOf(chain) == 0 && evictChain(chain, exp + SKEW, now) >= 0) evicted++;
      } else {
        setExpiry(slot, exp);
        if (exp != NEVER) wheel.schedule(slot, exp);
      }
    }
    slot = wheel.nextDue();
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

/** Applies one verified block: returns 1 stored, 0 already stored, or a reason < 0. */
function applyBlock(ptr: usize, len: u32, now: u64): i32 {
  if (repoHas(ptr)) return 0;
  const ko = scanSigned(ptr, len);
  if (ko < 0) return ko;
  if (!place(ptr)) {
    pendingAdd(ptr, len);
    return E_NOT_FOUND;
  }
  let rc = compute(ptr, len, now, false);
  if (rc != ACCEPT) { rejections++; return rc; }
  // Block first (R1 of the repo), then state.
  for (let attempt = 0; attempt < 4; attempt++) {
    rc = repoWrite(ptr, len, now);
    if ((rc != E_TABLE_FULL && rc != E_FULL) || !makeRoom(owner, now)) break;
    // makeRoom may have evicted a state this block's draft was built on: recompute.
    if (compute(ptr, len, now, false) != ACCEPT) return E_REJECTED;
  }
  if (rc < 0) return rc;
  if (commit() < 0) {
    if (!makeRoom(owner, now) || commit() < 0) return E_TABLE_FULL;
  }
  return 1;
}

/**
 * Dispatches a feed (picofeed bytes, optionally with PIC0) received at `now`:
 * verifies it, then applies its new blocks in order until one is refused.
 * Returns the number of blocks accepted, or a reason < 0 when none was and
 * the feed was refused. Blocks whose parent is unknown wait in the pending
 * pool; a block that completes a chain pulls its waiting children in.
 */
export function dispatch(ptr: usize, len: u32, now: u64): i32 {
  let at: u32 = len >= 4 && load<u32>(ptr) == 0x30434950 ? 4 : 0; // "PIC0"
  let n = 0;
  while (at < len) {
    const rc = scanFeedBlock(ptr + <usize>at, <i32>(len - at), <i32>(len - at), scanOut);
    if (rc != SCAN_OK) break;
    if (n == MAX_FEED_BLOCKS) return E_FEED_TOO_LONG;
    const size = <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
    store<u32>(feedSigs + (<usize>n << 2), <u32>(ptr + <usize>at));
    store<u32>(feedLens + (<usize>n << 2), size - 64);
    n++;
    at += size;
  }
  // Verify everything first, as Feed.from does: parent links, then
  // signatures, a run of blocks by one author at a time (batch.ts).
  let runStart = 0;
  let runKey: usize = 0;
  for (let i = 0; i < n; i++) {
    const p = feedBlock(i);
    const ko = scanSigned(p, feedLen(i) + 64); // scanFeedBlock found it well-formed: E_ANONYMOUS or an offset
    if (ko < 0) return ko;
    if (i > 0) {
      const po = load<i32>(scanOut + OUT_PSIG_OFFSET);
      if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) != 64 || !sameSig(p + <usize>po, feedBlock(i - 1))) return E_INVALID_PARENT;
    }
    const key = p + <usize>ko;
    if (i > runStart && (i - runStart == BATCH_MAX || !sameKey(key, runKey))) {
      if (!verifyBlocks(runStart, i, runKey)) return E_INVALID_SIGNATURE;
      runStart = i;
    }
    if (i == runStart) runKey = key;
  }
  if (n > runStart && !verifyBlocks(runStart, n, runKey)) return E_INVALID_SIGNATURE;
  let accepted = 0;
  let last: i32 = 0;
  for (let i = 0; i < n; i++) {
    last = applyBlock(feedBlock(i), feedLen(i) + 64, now);
    if (last < 0) break;
    accepted += last;
  }
  if (accepted > 0) accepted += drainPending(now);
  return accepted > 0 || last >= 0 ? accepted : last;
}

/** Block i of the feed being dispatched, and the length its signature covers. */
function feedBlock(i: i32): usize { return <usize>load<u32>(feedSigs + (<usize>i << 2)); }
function feedLen(i: i32): u32 { return load<u32>(feedLens + (<usize>i << 2)); }

const runMsgs: usize = memory.data(<i32>(<usize>BATCH_MAX * 4));

/** Verifies blocks [from, to) of the feed being dispatched, all signed by the key at key: one by one, or as a batch. */
function verifyBlocks(from: i32, to: i32, key: usize): bool {
  if (to - from == 1) { // verify() asks the host itself
    const p = feedBlock(from);
    return verify(p, key, p + 64, feedLen(from)) == 1;
  }
  // The batch never asks the host: a host that vouches for every signature of the run saves it.
  let vouched = true;
  for (let i = from; i < to && vouched; i++) {
    const p = feedBlock(i);
    vouched = hostAccepts(p, key, p + 64, feedLen(i));
  }
  if (vouched) return true;
  for (let i = from; i < to; i++) store<u32>(runMsgs + (<usize>(i - from) << 2), <u32>(feedBlock(i) + 64));
  return verifyRun(to - from, feedSigs + (<usize>from << 2), runMsgs, feedLens + (<usize>from << 2), key) == 1;
}

/** Applies waiting blocks whose parents are now the head of their chain. */
function drainPending(now: u64): i32 {
  let added = 0;
  let more = true;
  while (more && pendingCount() > 0) {
    more = false;
    if (repoHead(owner, head) < 0) break;
    const len = pendingTake(head, blockBuf);
    if (len == 0) break;
    // A waiting block was checked only for shape: verify it now.
    const ko = scanSigned(blockBuf, len); // it had a key when it was put aside
    if (ko < 0 || verify(blockBuf, blockBuf + <usize>ko, blockBuf + 64, len - 64) != 1) { more = true; continue; }
    const rc = applyBlock(blockBuf, len, now);
    if (rc > 0) { added += rc; more = true; }
  }
  return added;
}

// ---- mount: replay ----------------------------------------------------------------

/** Mounts the repo and rebuilds every state by replaying the stored chains. 0 or an error. */
export function mount(sectorSize: u32, wordSize: u32, regionSize: u32, now: u64): i32 {
  const rc = repoMount(sectorSize, wordSize, regionSize);
  if (rc != 0) return rc;
  clearObjects();
  pendingClear();
  wheel.reset(now);
  latestDate = 0;
  for (let c = 0; repoChainAt(c, owner); c++) {
    if (repoGenesis(owner, genesis) != 0) continue;
    let from = 1;
    while (true) {
      const count = repoLoad(owner, from, blockBuf, 4096);
      if (count <= 0) break;
      let at: usize = 4;
      for (let k = 0; k < count; k++) {
        scanBlock(blockBuf + at, 4096, 4096, scanOut);
        const size = <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
        if (compute(blockBuf + at, size, now, true) == ACCEPT) commit();
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
  if (collection < 0 || collection >= registered) return E_NOT_FOUND;
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
  store<u32>(out, <u32>wheel.count(), 4);
  store<u32>(out, <u32>pendingCount(), 8);
  store<u32>(out, evictions, 12);
  store<u32>(out, rejections, 16);
  store<i32>(out, lastReason, 20);
}
