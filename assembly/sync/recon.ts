// Range-based set reconciliation (after Meyer's range-based set
// reconciliation and Negentropy), over the chain set of items.ts. A RECON
// message is a list of ranges that tile the key space [0, 2^64) in order;
// each range is
//   SKIP                     nothing to do here
//   FP     count, fingerprint  the sender's summary of its items here
//   LIST   items              every (owner, height) the sender holds here
//   FINAL  items              a LIST sent in answer to a LIST (never answered)
// The receiver answers range by range: equal summaries become SKIP; a
// differing summary is answered with its own items (when few) or split
// into SPLIT sub-ranges with their summaries; a LIST tells the receiver
// the whole difference there, so it asks for what it lacks (wants) and
// answers with its own items only when it holds something the sender
// lacks. A reply that is all SKIP ends the reconciliation. The traffic
// grows with the number of differing chains times log(n), not with n.
//
// Bounds: a message holds at most RANGES_MAX ranges and a list at most
// LIST_IN items; anything else is a protocol violation (the caller drops
// the link). Replies stay within the caller's buffer: when room runs short
// the rest of the key space is folded into one summary that the peer
// splits (see reconcile()).

import { WireReader, WireWriter } from './wire';
import {
  KEY_END, itemCount, itemKey, itemHeight, itemOwner, rangeEnd, rangeFp, heightOf, ownerCompare,
} from './items';
import { repoRefuses } from '../repo/repo';

export const SKIP: u32 = 0;
export const FP: u32 = 1;
export const LIST: u32 = 2;
export const FINAL: u32 = 3;

export const RANGES_MAX: i32 = 32;
export const LIST_MAX: i32 = 4; // items we list instead of splitting
export const LIST_IN: i32 = 8; // items we accept in one listed range
export const SPLIT: i32 = 8;

const FP_SIZE: usize = 8 + 1 + 5 + 8;
const ITEM_SIZE: usize = 32 + 5;

/**
 * Receives what the reconciliation found, a chain to ask the peer for: the
 * peer holds owner's chain at height `theirs`; we hold `have` (< theirs).
 * A top-level function (a static function reference: nothing allocated).
 */
export type WantSink = (owner: usize, have: u32, theirs: u32) => void;

/** Writes a range; consecutive SKIPs merge into one. Placed in static memory (no constructor runs). */
class ReplyWriter {
  w: WireWriter = changetype<WireWriter>(0); // set once below
  ranges: i32 = 0;
  lastSkipAt: usize = 0; // where the last range's bound is, when that range is a SKIP

  reset(ptr: usize, cap: usize): void {
    this.w.reset(ptr, cap);
    this.w.u8(0); // range count, patched by finish()
    this.ranges = 0;
    this.lastSkipAt = 0;
  }

  /** True when a SKIP fits and leaves a range and its bytes for the fold (it merges with a SKIP before it for free). */
  skipFits(): bool {
    return this.lastSkipAt != 0 || (this.ranges + 2 <= RANGES_MAX && this.room() >= 9 + FP_SIZE);
  }

  skip(bound: u64): void {
    if (this.lastSkipAt != 0) { store<u64>(this.lastSkipAt, bound); return; }
    this.lastSkipAt = this.w.pos;
    this.w.u64(bound);
    this.w.u8(SKIP);
    this.ranges++;
  }

  fp(bound: u64, count: u32, fp: u64): void {
    this.lastSkipAt = 0;
    this.w.u64(bound);
    this.w.u8(FP);
    this.w.varint(count);
    this.w.u64(fp);
    this.ranges++;
  }

  list(bound: u64, mode: u32, from: i32, to: i32): void {
    this.lastSkipAt = 0;
    this.w.u64(bound);
    this.w.u8(mode);
    this.w.u8(<u32>(to - from));
    for (let i = from; i < to; i++) {
      this.w.bytes(itemOwner(i), 32);
      this.w.varint(itemHeight(i));
    }
    this.ranges++;
  }

  room(): usize { return this.w.end - this.w.pos; }

  /** Patches the range count; the message's length. */
  finish(): u32 {
    store<u8>(this.w.start, <u8>this.ranges);
    return this.w.length();
  }
}

const out = changetype<ReplyWriter>(memory.data(<i32>offsetof<ReplyWriter>(), 8));
out.w = changetype<WireWriter>(memory.data(<i32>offsetof<WireWriter>(), 8));
// A LIST's items: where each owner is in the message being answered (it stays put while it is read), and its height.
const theirOwners: usize = memory.data(<i32>(<usize>LIST_IN * sizeof<usize>()));
const theirHeights: usize = memory.data(<i32>(<usize>LIST_IN * 4));

/**
 * Splits our items [from, to) of the range that ends at `bound` into up to
 * SPLIT sub-ranges with their summaries (a summary is cheaper than a list
 * when, as is usual, the peer holds the same there). Items with equal keys
 * stay together.
 */
function split(from: i32, to: i32, bound: u64): void {
  const n = to - from;
  let at = from;
  for (let b = 1; b <= SPLIT && at < to; b++) {
    let next = b == SPLIT ? to : from + (n * b) / SPLIT;
    while (next < to && next > at && itemKey(next) == itemKey(next - 1)) next++;
    if (next <= at) continue;
    const hi = next == to ? bound : itemKey(next);
    out.fp(hi, <u32>(next - at), rangeFp(at, next));
    at = next;
  }
}

/** True when the range [from, to) cannot be split (every key equal). */
function unsplittable(from: i32, to: i32): bool {
  return to - from > 1 && itemKey(from) == itemKey(to - 1);
}

/**
 * Answers a differing range [from, to) ending at bound with our items (when
 * few) or a split. False when the reply has no room left for that: the
 * caller then folds this range and everything after it into one summary.
 */
function answerDiffering(from: i32, to: i32, bound: u64, mode: u32): bool {
  const n = to - from;
  // One range and its bytes stay free for the fold at the end.
  if (n <= LIST_MAX || unsplittable(from, to)) {
    const m = min(n, LIST_IN);
    if (out.ranges + 2 > RANGES_MAX || out.room() < 10 + <usize>m * ITEM_SIZE + FP_SIZE) return false;
    out.list(bound, mode, from, from + m);
    return true;
  }
  if (out.ranges + SPLIT + 1 > RANGES_MAX || out.room() < <usize>(SPLIT + 1) * FP_SIZE) return false;
  split(from, to, bound);
  return true;
}

/**
 * Compares a peer's LIST with our items [from, to): asks for what we lack
 * (or hold lower); true when we hold something the peer lacks or holds lower.
 */
function compareList(r: WireReader, n: i32, from: i32, to: i32, now: u64, sink: WantSink): bool {
  for (let i = 0; i < n; i++) {
    const p = r.span(32);
    const h = r.varint();
    if (r.failed || h == 0) { r.failed = true; return false; }
    store<usize>(theirOwners + (<usize>i << alignof<usize>()), p);
    store<u32>(theirHeights + (<usize>i << 2), h);
  }
  for (let i = 0; i < n; i++) {
    const owner = load<usize>(theirOwners + (<usize>i << alignof<usize>()));
    const theirs = load<u32>(theirHeights + (<usize>i << 2));
    const mine = heightOf(owner);
    if (mine < theirs && !repoRefuses(owner, now)) sink(owner, mine, theirs);
  }
  for (let j = from; j < to; j++) {
    let theirs: u32 = 0;
    const mine = itemOwner(j); // a flash read: once per item, not once per comparison
    for (let i = 0; i < n; i++) {
      if (ownerCompare(load<usize>(theirOwners + (<usize>i << alignof<usize>())), mine) == 0) { theirs = load<u32>(theirHeights + (<usize>i << 2)); break; }
    }
    if (theirs < itemHeight(j)) return true;
  }
  return false;
}

/**
 * Processes the body of a RECON message (after its type byte) and writes
 * the reply's body into [ptr, ptr + cap). Returns the reply's length, 0
 * when the reconciliation is complete and nothing need be sent back, or -1
 * for a malformed message.
 *
 * Progress: ranges are answered in order while the reply has room; the
 * first range that does not fit, and every range after it, are folded into
 * one summary to the end of the key space, which the peer will split in
 * turn (Negentropy does the same at its frame-size limit). The first range
 * needing work always fits, so every round refines the difference.
 */
export function reconcile(r: WireReader, ptr: usize, cap: usize, now: u64, sink: WantSink): i32 {
  const n = <i32>r.u8();
  if (r.failed || n < 1 || n > RANGES_MAX) return -1;
  out.reset(ptr, cap);
  let lo: u64 = 0;
  let from: i32 = 0; // our first item of the range: the previous range's end (keys are read from flash; each found once)
  let allSkip = true;
  let foldFrom: i32 = -1; // our first item of the folded remainder
  for (let k = 0; k < n; k++) {
    const bound = r.u64();
    const mode = r.u8();
    if (r.failed) return -1;
    // Bounds tile the key space in increasing order, and the last one ends it.
    if (bound <= lo || (k == n - 1) != (bound == KEY_END)) return -1;
    const to = rangeEnd(bound, from);
    let differs = false;
    let answer = LIST;
    if (mode == SKIP) {
      // nothing to read
    } else if (mode == FP) {
      const count = r.varint();
      const fp = r.u64();
      if (r.failed) return -1;
      allSkip = false;
      differs = count != <u32>(to - from) || fp != rangeFp(from, to);
    } else if (mode == LIST || mode == FINAL) {
      const m = <i32>r.u8();
      if (r.failed || m > LIST_IN) return -1;
      allSkip = false;
      const weHaveMore = compareList(r, m, from, to, now, sink);
      if (r.failed) return -1;
      differs = mode == LIST && weHaveMore;
      answer = FINAL;
    } else return -1;
    // A SKIP takes a range too: one after 31 others left no range for the fold, and the reply
    // had 33 (its peer dropped the link as malformed: 3 honest links in a 200-badge run).
    if (foldFrom < 0) {
      const fits = differs ? answerDiffering(from, to, bound, answer) : out.skipFits();
      if (!fits) foldFrom = from;
      else if (!differs) out.skip(bound);
    }
    lo = bound;
    from = to;
  }
  if (r.remaining() != 0) return -1;
  if (allSkip) return 0;
  if (foldFrom >= 0) out.fp(KEY_END, <u32>(itemCount() - foldFrom), rangeFp(foldFrom, itemCount()));
  if (out.w.failed) return -1; // cannot happen: room is kept for the fold
  return <i32>out.finish();
}

/** The opening RECON body: all our items, split (or listed when few). Its length. */
export function openRecon(ptr: usize, cap: usize): i32 {
  out.reset(ptr, cap);
  // The whole key space as one differing range; an empty reply has room for it (the caller's RECON_CAP).
  answerDiffering(0, itemCount(), KEY_END, LIST);
  return <i32>out.finish();
}
