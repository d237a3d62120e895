// The collector's timers: one per object slot (the slot number is the
// timer id), on the hierarchical wheel of gc/wheel.ts, laid out in static
// memory. Its links are as narrow as MAX_OBJECTS allows (u8 up to 254
// objects: 12 B per object and 386 B of list heads in the badge profile);
// the choice is a constant, so only one wheel's code is compiled in.
//
// An object's expiry lives here only: a scheduled timer's time, or NEVER
// when it has none (the engine cancels the timer of a state that never
// expires, and schedules every other one, so the two always agree).

import { TimerWheel, WHEEL_LISTS, wheelBytes } from '../gc/wheel';
import { MAX_OBJECTS } from '../profile';
import { NEVER } from './collection';

const NARROW: bool = MAX_OBJECTS < 255;
const LINK: i32 = NARROW ? 1 : 4;
// The wheel object (its fields do not depend on the link type) and its storage.
const obj: usize = memory.data(<i32>offsetof<TimerWheel<u8>>(), 8);
const STORAGE: i32 = MAX_OBJECTS * (12 + 2 * LINK) + WHEEL_LISTS * LINK;
const storage: usize = memory.data(STORAGE, 8);
// The wheel's own count of what it needs (gc/wheel.ts) must fit: else the start stops.
if (wheelBytes(MAX_OBJECTS, LINK) > STORAGE) unreachable();
const w8 = changetype<TimerWheel<u8>>(obj);
const w32 = changetype<TimerWheel<i32>>(obj);
// @ts-ignore: compile-time check
if (offsetof<TimerWheel<u8>>() != offsetof<TimerWheel<i32>>()) ERROR('one object serves both link types');
if (NARROW) w8.init(MAX_OBJECTS, storage);
else w32.init(MAX_OBJECTS, storage);

export function timersReset(now: u64): void { if (NARROW) w8.reset(now); else w32.reset(now); }
export function timerSet(slot: i32, at: u64): void { if (NARROW) w8.schedule(slot, at); else w32.schedule(slot, at); }
export function timerCancel(slot: i32): void { if (NARROW) w8.cancel(slot); else w32.cancel(slot); }
export function timersAdvance(now: u64): void { if (NARROW) w8.advance(now); else w32.advance(now); }
/** The collector's clock: the latest time it was advanced or reset to. */
export function timersNow(): u64 { return NARROW ? w8.now() : w32.now(); }
/** A time before which advancing only moves the clock (gc/wheel.ts, quietUntil). */
export function timersQuietUntil(): u64 { return NARROW ? w8.quietUntil() : w32.quietUntil(); }
/** The next slot whose time has come, or -1. */
export function timerNextDue(): i32 { return NARROW ? w8.nextDue() : w32.nextDue(); }
export function timerCount(): i32 { return NARROW ? w8.count() : w32.count(); }
/** The expiry of the object in slot (ms), or NEVER. */
export function expiryOf(slot: i32): u64 {
  if (NARROW) return w8.isScheduled(slot) ? w8.expiryOf(slot) : NEVER;
  return w32.isScheduled(slot) ? w32.expiryOf(slot) : NEVER;
}
