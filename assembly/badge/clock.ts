// The mesh clock. Badges have no real-time clock: the host gives each call
// its own monotonic milliseconds (since boot), and the badge keeps an
// offset so that mesh time = local time + offset. Rules:
//   C1 Mesh time never goes backwards, not even across a reboot: at mount
//      the clock starts no earlier than the latest stored block's date
//      minus the skew bound (that block was dated at most SKEW ahead of the
//      clock that accepted it).
//   C2 It only moves forward to catch up with a neighbour that is ahead
//      (the mesh runs on its fastest honest clock, like a Lamport clock).
//   C3 One neighbour may move it by at most STEP at a time. A larger jump
//      needs two distinct neighbours whose clocks agree within SKEW; the
//      clock then jumps to the earlier of the two. So one hostile badge
//      cannot fling a badge's clock into the future and expire its state.
//   C4 Mesh time never exceeds MAX_TIME (2^53 - 1 ms, the latest date a
//      block can carry), and its sums saturate: a host's hint or local time
//      near 2^64 stops the clock at MAX_TIME instead of wrapping it, and a
//      HELLO claiming a time beyond MAX_TIME is no mesh time: ignored.
// The engine refuses blocks dated more than SKEW ahead (E1), so badges
// whose clocks agree within SKEW agree on every block.

import { SKEW } from '../store/engine';
import { later, MAX_TIME } from '../store/time';

export const STEP: u64 = 60 * 1000;
const WITNESS_TTL: u64 = 10 * 60 * 1000;

let offset: u64 = 0;
let last: u64 = 0;
let jumps: u32 = 0;
// A neighbour that claimed a large jump, waiting for a second opinion.
let witness: u64 = 0; // its key (first 8 bytes of its public key); 0 = none
let witnessOffset: u64 = 0;
let witnessAt: u64 = 0;

/** Starts the clock at boot: local time `local`, and no earlier than `floor` (C1). */
export function clockStart(local: u64, floor: u64): void {
  offset = floor > local ? floor - local : 0;
  last = 0;
  witness = 0;
  jumps = 0;
}

/** Mesh time at local time `local` (C1: never less than anything returned before; C4: at most MAX_TIME). */
export function meshNow(local: u64): u64 {
  const t = min(later(local, offset), MAX_TIME);
  if (t > last) last = t;
  return last;
}

/** How many times the clock moved to catch up with a neighbour. */
export function clockJumps(): u32 { return jumps; }

/** The clock's current offset from local time. */
export function clockOffset(): u64 { return offset; }

function moveTo(local: u64, target: u64): void {
  if (later(local, offset) >= target) return;
  offset = target - local;
  jumps++;
}

/** A neighbour whose key starts with `peer` says the mesh time is `theirs` (C2, C3). */
export function clockObserve(peer: u64, theirs: u64, local: u64): void {
  const mine = meshNow(local);
  if (theirs <= mine || theirs > MAX_TIME) return; // C4
  const ahead = theirs - mine;
  if (ahead <= STEP) { moveTo(local, theirs); return; }
  const claimed = theirs - local; // the offset this neighbour implies
  if (witness != 0 && witness != peer && local - witnessAt < WITNESS_TTL) {
    const gap = claimed > witnessOffset ? claimed - witnessOffset : witnessOffset - claimed;
    if (gap <= SKEW) {
      moveTo(local, local + min(claimed, witnessOffset));
      witness = 0;
      return;
    }
  }
  witness = peer;
  witnessOffset = claimed;
  witnessAt = local;
}
