import { TimerWheel, TICK_SHIFT, wheelBytes } from '../gc/wheel';

/** A wheel of n timers with links of type T, its storage on the heap (specs may allocate; the core lays its wheel out in memory.data). */
function makeWheel<T>(n: i32): TimerWheel<T> {
  const w = new TimerWheel<T>();
  w.init(n, heap.alloc(<usize>wheelBytes(n, sizeof<T>())));
  return w;
}

// xorshift64*: reproducible schedules.
let seed: u64 = 0x9e3779b97f4a7c15;
function rnd(): u64 {
  seed ^= seed >> 12;
  seed ^= seed << 25;
  seed ^= seed >> 27;
  return seed * 0x2545f4914f6cdd1d;
}
function below(n: u64): u64 { return rnd() % n; }

/** A time offset from the mix the collector sees: same tick, seconds, hours, days, level edges, far future. */
function offset(): u64 {
  const k = below(8);
  if (k == 0) return below(1024);
  if (k == 1) return below(60_000);
  if (k == 2) return below(3_600_000 * 24);
  if (k == 3) return below(3_600_000 * 24 * 400);
  if (k == 4) { // exactly on a level boundary (64^L ticks), give or take one
    const level = <u64>below(7);
    return ((<u64>1 << (6 * level)) << TICK_SHIFT) + below(3) - 1;
  }
  if (k == 5) return (<u64>1 << (36 + TICK_SHIFT)) + below(1 << 20); // past the top level
  if (k == 6) return 0;
  return below(5_000);
}

/** How many steps of property() found the wheel quiet past its clock (quietUntil > now). */
let quietSteps = 0;

/** Runs ops against the wheel and a plain array of expiries; returns the number of timers fired. */
function property<T>(n: i32, ops: i32, s: u64): i32 {
  seed = s;
  const wheel = makeWheel<T>(n);
  const start: u64 = 1_700_000_000_000 + below(1 << 30);
  wheel.reset(start);
  const at = new StaticArray<u64>(n);
  const live = new StaticArray<bool>(n);
  let now = start;
  let fired = 0;
  for (let op = 0; op < ops; op++) {
    const k = below(10);
    const id = <i32>below(<u64>n);
    if (k < 5) {
      const t = now + offset();
      wheel.schedule(id, t);
      at[id] = t;
      live[id] = true;
    } else if (k < 6) {
      expect(wheel.cancel(id)).toBe(live[id], 'cancel reports whether it was set');
      live[id] = false;
    } else {
      // Small steps mostly, sometimes huge jumps, sometimes none.
      const j = below(6);
      const step: u64 = j == 0 ? 0 : j < 4 ? below(4_000) : j == 4 ? below(3_600_000 * 24 * 30) : (<u64>1 << 44) + below(1 << 30);
      // quietUntil is a lower bound: no timer falls due before it, unless it says "now" (the clock).
      const quiet = wheel.quietUntil();
      if (quiet > wheel.now()) {
        quietSteps++;
        for (let i = 0; i < n; i++) if (live[i] && at[i] < quiet) expect(false).toBe(true, 'a timer is due before quietUntil');
      }
      now += step;
      wheel.advance(now);
      // Everything due fires now, nothing else.
      const seen = new StaticArray<bool>(n);
      let id2 = wheel.nextDue();
      while (id2 >= 0) {
        expect(live[id2]).toBe(true, 'fires only scheduled timers');
        expect(at[id2] <= now).toBe(true, 'never early');
        expect(seen[id2]).toBe(false, 'fires once');
        seen[id2] = true;
        live[id2] = false;
        fired++;
        id2 = wheel.nextDue();
      }
      for (let i = 0; i < n; i++) {
        if (live[i] && at[i] <= now) expect(false).toBe(true, 'a due timer did not fire');
      }
    }
    let c = 0;
    for (let i = 0; i < n; i++) if (live[i]) c++;
    expect(wheel.count()).toBe(c);
  }
  return fired;
}

describe('TimerWheel', () => {
  it('fires at its time, not a millisecond before', () => {
    const w = makeWheel<u8>(4);
    w.reset(10_000);
    w.schedule(0, 10_500);
    w.schedule(1, 10_000 + 5 * 1024 + 3);
    w.advance(10_499);
    expect(w.nextDue()).toBe(-1);
    w.advance(10_500);
    expect(w.nextDue()).toBe(0);
    w.advance(10_000 + 5 * 1024 + 2);
    expect(w.nextDue()).toBe(-1);
    w.advance(10_000 + 5 * 1024 + 3);
    expect(w.nextDue()).toBe(1);
    expect(w.count()).toBe(0);
  });

  it('moves a rescheduled timer, cancels, and treats the past as due', () => {
    const w = makeWheel<u8>(4);
    w.reset(1_000_000);
    w.schedule(2, 5_000_000);
    w.schedule(2, 1_200_000);
    w.schedule(3, 999_000);
    expect(w.nextDue()).toBe(3);
    w.schedule(1, 1_100_000);
    expect(w.cancel(1)).toBe(true);
    expect(w.cancel(1)).toBe(false);
    w.advance(1_300_000);
    expect(w.nextDue()).toBe(2);
    expect(w.nextDue()).toBe(-1);
  });

  it('ignores a clock that goes backwards', () => {
    const w = makeWheel<i32>(2);
    w.reset(50_000);
    w.schedule(0, 60_000);
    w.advance(40_000);
    expect(w.now()).toBe(50_000);
    w.advance(60_000);
    expect(w.nextDue()).toBe(0);
  });

  it('survives a jump of 2^50 ms with timers on every level and beyond', () => {
    const w = makeWheel<u8>(64);
    w.reset(0);
    for (let i = 0; i < 64; i++) w.schedule(i, (<u64>1 << <u64>(i % 50)) + <u64>i);
    w.advance(<u64>1 << 44);
    let n = 0;
    while (w.nextDue() >= 0) n++;
    expect(n).toBe(58); // 2^44 + 44 and 2^45..2^49 are still to come
    w.advance((<u64>1 << 50) + 100);
    while (w.nextDue() >= 0) n++;
    expect(n).toBe(64);
  });

  it('agrees with a sorted reference on random schedules, cancels and clock jumps (seed 1, u8 links)', () => {
    expect(property<u8>(64, 8_000, 1)).toBeGreaterThan(400);
  });
  it('agrees with a sorted reference (seed 2, many timers, u16 links)', () => {
    expect(property<u16>(512, 4_000, 2)).toBeGreaterThan(300);
  });
  it('agrees with a sorted reference (seed 3, few timers, many jumps, i32 links)', () => {
    expect(property<i32>(8, 10_000, 3)).toBeGreaterThan(500);
  });
  it('agrees with a sorted reference at the engine\'s size (seed 4, 254 timers: the most u8 links allow)', () => {
    expect(property<u8>(254, 2_000, 4)).toBeGreaterThan(100);
  });
  it('is quiet until a round edge when no timer is in level 0, and says so in the property runs', () => {
    const w = makeWheel<u8>(4);
    w.reset(0);
    expect(w.quietUntil()).toBe(64 << 10); // no timer: the next 64-tick round
    w.schedule(0, 200_000); // level 1 (tick 195)
    expect(w.quietUntil()).toBe(64 << 10);
    w.schedule(1, 5_000); // level 0: now
    expect(w.quietUntil()).toBe(0);
    w.cancel(1);
    w.advance(64 << 10);
    expect(w.nextDue()).toBe(-1);
    expect(w.quietUntil()).toBe(128 << 10);
    w.advance(192 << 10); // timer 0 is filed in level 0 now: quiet no longer
    expect(w.quietUntil()).toBe(192 << 10);
    w.advance(200_000);
    expect(w.nextDue()).toBe(0);
    quietSteps = 0;
    property<u8>(64, 4_000, 6);
    expect(quietSteps).toBeGreaterThan(100);
  });
  it('agrees with a sorted reference with the same ops on every link width (seed 5)', () => {
    const a = property<u8>(32, 3_000, 5);
    expect(property<u16>(32, 3_000, 5)).toBe(a);
    expect(property<i32>(32, 3_000, 5)).toBe(a);
  });
});
