// The mesh clock. Badges have no real-time clock: the host gives each call
// its own monotonic milliseconds (since boot), and the badge keeps an
// offset so that mesh time = local time + offset. Rules:
//   C1 Mesh time never goes backwards, not even across a reboot: at mount
//      the clock starts no earlier than the latest stored block's date
//      minus the skew bound (that block was dated at most SKEW ahead of the
//      clock that accepted it).
//   C2 It only moves forward to catch up with a neighbour that is ahead
//      (the mesh runs on its fastest honest clock, like a Lamport clock),
//      and only with a neighbour that proved its key (link.ts: PROOF).
//   C3 Neighbours move it by bounded slew, against an anchor: at most STEP
//      per HELLO, and never past cap = anchor + the local time since the
//      anchor, plus DRIFT of it, plus SLEW_BURST. The anchor is the clock
//      at boot, or the newest verified beacon's time when that is later
//      (C5). Keys are free, so the bound is the badge's, not per neighbour:
//      any number of keys, or one key reconnecting, moves the clock no
//      further; and a badge pushed to its cap pushes its neighbours no
//      further than their own caps, so a push does not compound across
//      the mesh (#12, finding 1).
//   C4 Mesh time never exceeds MAX_TIME (2^53 - 1 ms, the latest date a
//      block can carry), and its sums saturate: a host's hint or local time
//      near 2^64 stops the clock at MAX_TIME instead of wrapping it, and a
//      HELLO claiming a time beyond MAX_TIME is no mesh time: ignored.
//   C6 A badge with no evidence of the time at all (no hint, nothing
//      stored, no beacon: a fresh badge, or one whose first boots held
//      nothing) has no anchor to cap against: it takes the time two
//      proven neighbours with different keys agree on within SKEW (the
//      earlier of the two), once, and that is its anchor. Until then C3's
//      cap from its zero clock would leave it forever behind a mesh it
//      must date blocks with. An attacker present at that first contact
//      can set it (two made-up keys); a host hint or a beacon closes it.
//   C5 A larger jump needs a time beacon signed by the event key
//      (beacon.ts): the clock may jump to the beacon's time, which only the
//      event's organiser can sign, and the beacon becomes the anchor. Without
//      an event key only C3 applies, anchored at boot.
// The bounds, against honest clocks: two crystals of ±50 ppm drift apart by
// at most 100 ppm; DRIFT allows 200 ppm, so a badge keeps up with the
// fastest honest crystal. SLEW_BURST (3 min) lets a badge that rebooted
// catch up at once by that much; the rest of the way, a beacon. So a
// hostile neighbour, with any number of keys, runs a badge's clock at most
// SLEW_BURST + 200 ppm of the time since the last beacon ahead of the truth:
// with the organiser's beacons every few minutes, 3 min; with none in four
// days of an event, 3 min + 69 s; both under SKEW, the bound within which
// badges agree on every block. A token bucket (the earlier rule) leaked 60 s
// an hour to a persistent attacker, without end.
// The engine refuses blocks dated more than SKEW ahead (E1), so badges
// whose clocks agree within SKEW agree on every block.

import { SKEW } from '../store/engine';
import { later, MAX_TIME } from '../store/time';

export const STEP: u64 = 60 * 1000;
export const SLEW_BURST: u64 = 3 * 60 * 1000;
// Local milliseconds per millisecond of drift allowed: 5,000 is 200 ppm.
export const DRIFT: u64 = 5000;

let offset: u64 = 0;
let last: u64 = 0;
let jumps: u32 = 0;
// The anchor of C3: a mesh time the badge has evidence for (its clock at boot, or a beacon), and the local time it held.
let anchorTime: u64 = 0;
let anchorLocal: u64 = 0;
let anchored: bool = false; // C6: false while the badge has no evidence of the time
// C6: the first neighbour that claimed a time far ahead, waiting for a second opinion.
const WITNESS_TTL: u64 = 10 * 60 * 1000;
let witness: u64 = 0; // its key (first 8 bytes); 0 = none
let witnessOffset: u64 = 0;
let witnessAt: u64 = 0;

/** Starts the clock at boot: local time `local`, and no earlier than `floor` (C1). */
export function clockStart(local: u64, floor: u64): void {
  offset = floor > local ? floor - local : 0;
  last = 0;
  jumps = 0;
  anchorTime = meshNow(local);
  anchorLocal = local;
  anchored = floor > 0;
  witness = 0;
}

function anchorAt(local: u64): void {
  anchorTime = meshNow(local);
  anchorLocal = local;
  anchored = true;
}

/** Mesh time at local time `local` (C1: never less than anything returned before; C4: at most MAX_TIME). */
export function meshNow(local: u64): u64 {
  const t = min(later(local, offset), MAX_TIME);
  if (t > last) last = t;
  return last;
}

/** How many times the clock moved to catch up with a neighbour or a beacon. */
export function clockJumps(): u32 { return jumps; }

/** The clock's current offset from local time. */
export function clockOffset(): u64 { return offset; }

/** The latest time neighbours may move the clock to at local time `local` (C3). */
export function clockCap(local: u64): u64 {
  const since = local > anchorLocal ? local - anchorLocal : 0;
  return min(later(later(anchorTime, since), later(since / DRIFT, SLEW_BURST)), MAX_TIME);
}

function moveTo(local: u64, target: u64): void {
  if (later(local, offset) >= target) return;
  offset = target - local;
  jumps++;
}

/** A neighbour whose key starts with `peer` proved it, and says the mesh time is `theirs` (C2, C3, C4, C6). */
export function clockObserve(theirs: u64, peer: u64, local: u64): void {
  const mine = meshNow(local);
  if (theirs <= mine || theirs > MAX_TIME) return; // C2, C4
  if (!anchored && theirs - mine > STEP) { // C6
    const claimed = theirs - local; // the offset this neighbour implies
    if (witness != 0 && witness != peer && local - witnessAt < WITNESS_TTL) {
      const gap = claimed > witnessOffset ? claimed - witnessOffset : witnessOffset - claimed;
      if (gap <= SKEW) { moveTo(local, later(local, min(claimed, witnessOffset))); anchorAt(local); witness = 0; return; }
    }
    witness = peer; witnessOffset = claimed; witnessAt = local;
  }
  const to = min(min(theirs, later(mine, STEP)), clockCap(local));
  if (to > mine) moveTo(local, to);
}

/** A verified beacon (beacon.ts) says the mesh time is at least `time` (C5): no slew bound, and a later anchor for C3. */
export function clockBeacon(time: u64, local: u64): void {
  if (time > MAX_TIME) return;
  if (time > meshNow(local)) moveTo(local, time);
  if (!anchored) { anchorAt(local); return; }
  const since = local > anchorLocal ? local - anchorLocal : 0;
  if (time > later(anchorTime, since)) { anchorTime = time; anchorLocal = local; }
}
