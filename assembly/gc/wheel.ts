// A hierarchical timer wheel: when each remembered state is to be forgotten.
//
// Timers are identified by small integers the caller chooses (the state
// table's slot numbers), so the wheel stores nothing but links: per timer
// its expiry (ms), its list and two neighbours; per list its head (each
// list is a ring: the head's `prev` is the tail, so no tail table). The
// links are of type T, as narrow as the capacity allows (u8 below 255
// timers, u16 below 65,535, i32 beyond), T's all-ones value meaning none.
// The wheel allocates nothing: its owner hands init() `wheelBytes` bytes
// (the engine's come from memory.data), and the wheel object itself may sit
// in static memory, as it has no virtual methods and init() sets every
// field. Schedule, cancel and popping a due timer are O(1); advancing the
// clock costs O(LEVELS × SLOTS + timers it moves), however far it jumps.
//
// Storage, for capacity n and link size k = sizeof<T>():
//   at u64 × n | next T × n | prev T × n | list u16 × n | head T × LISTS
// so n × (12 + 2k) + LISTS × k bytes: 128 timers with u8 links, 2,178 B.
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
/** How many lists the wheel keeps (one head each). */
export const WHEEL_LISTS: i32 = OVERFLOW + 1;
const NONE: i32 = -1;
const NO_LIST: u16 = 0xffff;

/** Bytes of storage a wheel of `capacity` timers with links of `linkSize` bytes needs (see the layout above). */
// @ts-ignore: decorator
@inline export function wheelBytes(capacity: i32, linkSize: i32): i32 {
  return capacity * (12 + 2 * linkSize) + WHEEL_LISTS * linkSize;
}

export class TimerWheel<T> {
  capacity: i32 = 0;
  private at: usize = 0; // u64 per timer
  private next: usize = 0; // T per timer
  private prev: usize = 0; // T per timer
  private list: usize = 0; // u16 per timer: which list, or NO_LIST
  private heads: usize = 0; // T per list
  private tick: u64 = 0;
  private clock: u64 = 0;
  private scheduled: i32 = 0;

  /** Lays the wheel out on wheelBytes(capacity, sizeof<T>()) bytes at storage and sets the clock to 0. */
  init(capacity: i32, storage: usize): void {
    // T's all-ones value is "none", so a timer id must stay below it.
    if (sizeof<T>() < 4 && <u32>capacity >= ((<u32>1 << (<u32>sizeof<T>() << 3)) - 1)) unreachable();
    const n = <usize>capacity;
    this.capacity = capacity;
    this.at = storage;
    this.next = storage + n * 8;
    this.prev = this.next + n * sizeof<T>();
    this.list = this.prev + n * sizeof<T>();
    this.heads = this.list + n * 2;
    this.reset(0);
  }

  /** Forgets every timer and sets the clock. */
  reset(now: u64): void {
    memory.fill(this.list, 0xff, <usize>this.capacity * 2);
    memory.fill(this.heads, 0xff, <usize>WHEEL_LISTS * sizeof<T>());
    this.clock = now;
    this.tick = now >> TICK_SHIFT;
    this.scheduled = 0;
  }

  now(): u64 { return this.clock; }
  count(): i32 { return this.scheduled; }
  isScheduled(id: i32): bool { return load<u16>(this.list + (<usize>id << 1)) != NO_LIST; }
  expiryOf(id: i32): u64 { return load<u64>(this.at + (<usize>id << 3)); }

  /** Sets timer id to expire at `at` (ms), moving it if it was set. */
  schedule(id: i32, at: u64): void {
    if (this.isScheduled(id)) this.unlink(id);
    else this.scheduled++;
    store<u64>(this.at + (<usize>id << 3), at);
    this.file(id);
  }

  /** Clears timer id; false when it was not set. */
  cancel(id: i32): bool {
    if (!this.isScheduled(id)) return false;
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
    const first = this.head(DUE);
    if (first == NONE) return 0;
    let n = 1;
    for (let id = this.link(this.next, first); id != first; id = this.link(this.next, id)) n++;
    return n;
  }

  /**
   * A time before which advance() only moves the clock (W2, W3): the clock itself while a timer is
   * due or in level 0 (due within the current 64 ticks), else the start of the next 64-tick round,
   * where level 1 and up are swept again.
   */
  quietUntil(): u64 {
    for (let l = 0; l < SLOTS; l++) if (this.head(l) != NONE) return this.clock;
    if (this.head(DUE) != NONE) return this.clock;
    return ((this.tick >> SLOT_BITS) + 1) << (SLOT_BITS + TICK_SHIFT);
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

  /** Link i of the T array at base: a timer id, or NONE. */
  @inline private link(base: usize, i: i32): i32 {
    const v = load<T>(base + <usize>i * sizeof<T>());
    return v == <T>-1 ? NONE : <i32>v;
  }
  @inline private setLink(base: usize, i: i32, v: i32): void { store<T>(base + <usize>i * sizeof<T>(), <T>v); }
  @inline private head(l: i32): i32 { return this.link(this.heads, l); }

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

  /** Empties list l and files each of its timers again, in order (they may land on l again: it starts a new ring). */
  private refile(l: i32): void {
    const first = this.head(l);
    if (first == NONE) return;
    this.setLink(this.heads, l, NONE);
    let id = first;
    while (true) {
      const next = this.link(this.next, id); // read before filing id rewrites it
      store<u16>(this.list + (<usize>id << 1), NO_LIST);
      this.file(id);
      if (next == first) break;
      id = next;
    }
  }

  /** Appends id at the tail of list l. */
  private push(l: i32, id: i32): void {
    const h = this.head(l);
    store<u16>(this.list + (<usize>id << 1), <u16>l);
    if (h == NONE) {
      this.setLink(this.next, id, id);
      this.setLink(this.prev, id, id);
      this.setLink(this.heads, l, id);
      return;
    }
    const tail = this.link(this.prev, h);
    this.setLink(this.next, tail, id);
    this.setLink(this.prev, id, tail);
    this.setLink(this.next, id, h);
    this.setLink(this.prev, h, id);
  }

  private unlink(id: i32): void {
    const l = <i32>load<u16>(this.list + (<usize>id << 1));
    const n = this.link(this.next, id);
    if (n == id) {
      this.setLink(this.heads, l, NONE);
    } else {
      const p = this.link(this.prev, id);
      this.setLink(this.next, p, n);
      this.setLink(this.prev, n, p);
      if (this.head(l) == id) this.setLink(this.heads, l, n);
    }
    store<u16>(this.list + (<usize>id << 1), NO_LIST);
  }
}
