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
//   C3 Neighbours move it by bounded slew: at most STEP per link, and in
//      all at most SLEW_BURST plus SLEW_PER_HOUR for each hour of local
//      time (a token bucket, `budget`). Keys are free, so the bound is on
//      the badge, not per neighbour: any number of keys, or one key
//      reconnecting, moves the clock no further (#12, finding 1).
//   C4 Mesh time never exceeds MAX_TIME (2^53 - 1 ms, the latest date a
//      block can carry), and its sums saturate: a host's hint or local time
//      near 2^64 stops the clock at MAX_TIME instead of wrapping it, and a
//      HELLO claiming a time beyond MAX_TIME is no mesh time: ignored.
//   C5 A larger jump needs a time beacon signed by the event key
//      (beacon.ts): the clock may jump to the beacon's time, which only the
//      event's organiser can sign. Without an event key only C3 applies.
// The bounds, against honest clocks: two crystals of ±50 ppm drift apart by
// at most 100 ppm, 0.36 s an hour, so SLEW_PER_HOUR (60 s) is 166 times what
// honest badges need to stay together. SLEW_BURST (= SKEW) lets a badge that
// rebooted (C1: up to SKEW behind) catch up at once. It is no more than SKEW
// so that a reboot cannot ratchet a push: the reboot's floor is the newest
// post minus SKEW, which undoes a burst. So a badge's clock runs at most
// SLEW_BURST + SLEW_PER_HOUR x (hours since boot) ahead of where its own
// crystal and the beacons it verified put it.
// The engine refuses blocks dated more than SKEW ahead (E1), so badges
// whose clocks agree within SKEW agree on every block.

import { SKEW } from '../store/engine';
import { later, MAX_TIME } from '../store/time';

export const STEP: u64 = 60 * 1000;
export const SLEW_BURST: u64 = SKEW;
export const SLEW_PER_HOUR: u64 = 60 * 1000;
// Local milliseconds that earn one millisecond of slew: 3,600,000 / 60,000.
const EARN: u64 = 3600 * 1000 / SLEW_PER_HOUR;

let offset: u64 = 0;
let last: u64 = 0;
let jumps: u32 = 0;
// Slew neighbours may still cause (C3), and the local time it was last topped up at.
let budget: u64 = 0;
let budgetAt: u64 = 0;

/** Starts the clock at boot: local time `local`, and no earlier than `floor` (C1). */
export function clockStart(local: u64, floor: u64): void {
  offset = floor > local ? floor - local : 0;
  last = 0;
  jumps = 0;
  budget = SLEW_BURST;
  budgetAt = local;
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

/** Slew the neighbours may still cause at local time `local` (C3). */
export function clockBudget(local: u64): u64 {
  if (local > budgetAt) {
    const earned = (local - budgetAt) / EARN;
    if (earned >= SLEW_BURST - budget) { budget = SLEW_BURST; budgetAt = local; } // full: nothing saved up
    else { budget += earned; budgetAt += earned * EARN; } // keeps the remainder: no slew lost to rounding
  }
  return budget;
}

function moveTo(local: u64, target: u64): void {
  if (later(local, offset) >= target) return;
  offset = target - local;
  jumps++;
}

/** A neighbour that proved its key says the mesh time is `theirs` (C2, C3, C4). */
export function clockObserve(theirs: u64, local: u64): void {
  const mine = meshNow(local);
  if (theirs <= mine || theirs > MAX_TIME) return; // C2, C4
  const by = min(min(theirs - mine, STEP), clockBudget(local));
  if (by == 0) return;
  budget -= by;
  moveTo(local, mine + by);
}

/** A verified beacon (beacon.ts) says the mesh time is at least `time` (C5): no slew bound. */
export function clockBeacon(time: u64, local: u64): void {
  if (time > meshNow(local) && time <= MAX_TIME) moveTo(local, time);
}
