// A hierarchical timer wheel: when each remembered state is to be forgotten.
//
// Timers are identified by small integers the caller chooses (the state
// table's slot numbers), so the wheel stores nothing but links: per timer
// its expiry (ms), its list and two neighbours. All storage is allocated by
// the constructor; schedule, cancel and popping a due timer are O(1);
// advancing the clock costs O(LEVELS × SLOTS + timers it moves), however
// far the clock jumps.
//
// Time is bucketed into ticks of 2^TICK_SHIFT ms. Tick numbers are written
// in base 64 (SLOT_BITS per digit); level L holds timers whose tick agrees
// with the clock's current tick on every digit above L, in the slot named
// by digit L. Timers that differ above the top level wait in an overflow
// list.
//
// Invariants (the property tests check them against a sorted list):
//   W1 A timer at level L ≥ 1, slot s: its digits above L equal the current
//      tick's, and s is greater than the current tick's digit L. At level 0,
//      s is at least the current digit (equal: the timer is in the current
//      tick and not yet due).
//   W2 advance(now) first moves the clock, then re-files exactly the timers
//      W1 no longer holds for: at each level, the slots the clock's digit
//      swept over (all 64 when a higher digit changed), plus the overflow
//      list when the top digit changed. Re-filing puts a timer on the due
//      list when its time has come (at ≤ now), else where W1 says; both are
//      final for this advance.
//   W3 So a timer is due exactly on the first advance with now ≥ at: never
//      before (re-filing compares the exact time, not the tick) and never
//      later (its slot is swept no later than the tick containing `at`).
//   W4 The clock never goes backwards: advance to an earlier time does
//      nothing.

export const TICK_SHIFT: u64 = 10; // ~1 s buckets
const SLOT_BITS: u64 = 6;
const SLOTS: i32 = 64;
const LEVELS: i32 = 6; // 64^6 ticks ≈ 2,200 years before the overflow list

const DUE: i32 = LEVELS * SLOTS;
const OVERFLOW: i32 = DUE + 1;
const LISTS: i32 = OVERFLOW + 1;
const NONE: i32 = -1;

export class TimerWheel {
  readonly capacity: i32;
  private at: usize; // u64 per timer
  private next: usize; // i32 per timer
  private prev: usize; // i32 per timer
  private list: usize; // i32 per timer: which list, or NONE
  private heads: usize; // i32 per list
  private tails: usize; // i32 per list (the due list is FIFO)
  private tick: u64 = 0;
  private clock: u64 = 0;
  private scheduled: i32 = 0;

  constructor(capacity: i32) {
    this.capacity = capacity;
    this.at = heap.alloc(<usize>capacity * 8);
    this.next = heap.alloc(<usize>capacity * 4);
    this.prev = heap.alloc(<usize>capacity * 4);
    this.list = heap.alloc(<usize>capacity * 4);
    this.heads = heap.alloc(<usize>LISTS * 4);
    this.tails = heap.alloc(<usize>LISTS * 4);
    this.reset(0);
  }

  /** Forgets every timer and sets the clock. */
  reset(now: u64): void {
    memory.fill(this.list, 0xff, <usize>this.capacity * 4);
    memory.fill(this.heads, 0xff, <usize>LISTS * 4);
    memory.fill(this.tails, 0xff, <usize>LISTS * 4);
    this.clock = now;
    this.tick = now >> TICK_SHIFT;
    this.scheduled = 0;
  }

  now(): u64 { return this.clock; }
  count(): i32 { return this.scheduled; }
  isScheduled(id: i32): bool { return this.listOf(id) != NONE; }
  expiryOf(id: i32): u64 { return load<u64>(this.at + (<usize>id << 3)); }

  /** Sets timer id to expire at `at` (ms), moving it if it was set. */
  schedule(id: i32, at: u64): void {
    if (this.listOf(id) != NONE) this.unlink(id);
    else this.scheduled++;
    store<u64>(this.at + (<usize>id << 3), at);
    this.file(id);
  }

  /** Clears timer id; false when it was not set. */
  cancel(id: i32): bool {
    if (this.listOf(id) == NONE) return false;
    this.unlink(id);
    this.scheduled--;
    return true;
  }

  /** Moves the clock to now and makes due every timer with at ≤ now (W2). Returns how many are due. */
  advance(now: u64): i32 {
    if (now > this.clock) {
      const from = this.tick;
      const to = now >> TICK_SHIFT;
      this.clock = now;
      this.tick = to;
      for (let level = 0; level < LEVELS; level++) {
        const shift = SLOT_BITS * <u64>level;
        const a = from >> shift;
        const b = to >> shift;
        // The digits swept: level 0 includes the current slot (its timers
        // may have come due within the tick); all of them when a higher digit changed.
        let lo: u64 = level == 0 ? a : a + 1;
        let hi: u64 = b;
        if ((a >> SLOT_BITS) != (b >> SLOT_BITS) || b - a >= <u64>SLOTS) {
          lo = 0;
          hi = <u64>(SLOTS - 1);
        }
        for (let d = lo; d <= hi; d++) this.refile(level * SLOTS + <i32>(d & <u64>(SLOTS - 1)));
      }
      if ((from >> (SLOT_BITS * <u64>LEVELS)) != (to >> (SLOT_BITS * <u64>LEVELS))) this.refile(OVERFLOW);
    }
    let n = 0;
    for (let id = this.head(DUE); id != NONE; id = this.nextOf(id)) n++;
    return n;
  }

  /** Takes the next due timer (oldest first), or -1. It is no longer scheduled. */
  nextDue(): i32 {
    const id = this.head(DUE);
    if (id == NONE) return NONE;
    this.unlink(id);
    this.scheduled--;
    return id;
  }

  // ---- lists ------------------------------------------------------------------

  @inline private listOf(id: i32): i32 { return load<i32>(this.list + (<usize>id << 2)); }
  @inline private nextOf(id: i32): i32 { return load<i32>(this.next + (<usize>id << 2)); }
  @inline private head(l: i32): i32 { return load<i32>(this.heads + (<usize>l << 2)); }

  /** Files timer id on the due list or the slot W1 names. */
  private file(id: i32): void {
    const at = this.expiryOf(id);
    if (at <= this.clock) {
      this.push(DUE, id);
      return;
    }
    const t = at >> TICK_SHIFT;
    for (let level = 0; level < LEVELS; level++) {
      const above = SLOT_BITS * <u64>(level + 1);
      if ((t >> above) == (this.tick >> above)) {
        this.push(level * SLOTS + <i32>((t >> (SLOT_BITS * <u64>level)) & <u64>(SLOTS - 1)), id);
        return;
      }
    }
    this.push(OVERFLOW, id);
  }

  /** Empties list l and files each of its timers again. */
  private refile(l: i32): void {
    let id = this.head(l);
    store<i32>(this.heads + (<usize>l << 2), NONE);
    store<i32>(this.tails + (<usize>l << 2), NONE);
    while (id != NONE) {
      const next = this.nextOf(id);
      store<i32>(this.list + (<usize>id << 2), NONE);
      this.file(id);
      id = next;
    }
  }

  private push(l: i32, id: i32): void {
    const tail = load<i32>(this.tails + (<usize>l << 2));
    store<i32>(this.list + (<usize>id << 2), l);
    store<i32>(this.next + (<usize>id << 2), NONE);
    store<i32>(this.prev + (<usize>id << 2), tail);
    if (tail == NONE) store<i32>(this.heads + (<usize>l << 2), id);
    else store<i32>(this.next + (<usize>tail << 2), id);
    store<i32>(this.tails + (<usize>l << 2), id);
  }

  private unlink(id: i32): void {
    const l = this.listOf(id);
    const p = load<i32>(this.prev + (<usize>id << 2));
    const n = this.nextOf(id);
    if (p == NONE) store<i32>(this.heads + (<usize>l << 2), n);
    else store<i32>(this.next + (<usize>p << 2), n);
    if (n == NONE) store<i32>(this.tails + (<usize>l << 2), p);
    else store<i32>(this.prev + (<usize>n << 2), p);
    store<i32>(this.list + (<usize>id << 2), NONE);
  }
}
