// Benchmark entry (not part of the core): the same schedule / cancel /
// expire workload on the TimerWheel and on a binary heap, both in
// AssemblyScript, driven by bench/timers.mjs. Returns checksums so neither
// side can skip work.

import { TimerWheel, wheelBytes } from '../gc/wheel';
import { TimerHeap } from './timer-heap';

let seed: u64 = 1;
function rnd(): u64 {
  seed ^= seed >> 12;
  seed ^= seed << 25;
  seed ^= seed >> 27;
  return seed * 0x2545f4914f6cdd1d;
}

/** Expiries from seconds to days after start, some cancelled and rescheduled, clock stepping 1 s at a time then jumping. */
function expiry(start: u64): u64 {
  const k = rnd() % 10;
  if (k < 6) return start + 1000 + rnd() % 3_600_000; // within the hour
  if (k < 9) return start + rnd() % (86_400_000 * 7); // within the week
  return start + rnd() % (86_400_000 * 365); // within the year
}

const START: u64 = 1_700_000_000_000;
let wheel: TimerWheel<i32> | null = null;
let queue: TimerHeap | null = null;

export function setup(n: i32): void {
  const w = new TimerWheel<i32>();
  w.init(n, heap.alloc(<usize>wheelBytes(n, 4)));
  wheel = w;
  queue = new TimerHeap(n);
}

export function runWheel(n: i32, s: u64): u64 {
  const w = changetype<TimerWheel<i32>>(wheel);
  w.reset(START);
  seed = s;
  for (let i = 0; i < n; i++) w.schedule(i, expiry(START));
  for (let i = 0; i < n; i += 10) w.cancel(i);
  let sum: u64 = 0;
  let now = START;
  const end = START + 86_400_000 * 366;
  while (w.count() > 0 && now < end) {
    now += now < START + 3_600_000 ? 1000 : 3_600_000;
    w.advance(now);
    let id = w.nextDue();
    while (id >= 0) { sum += <u64>id; id = w.nextDue(); }
  }
  return sum;
}

export function runHeap(n: i32, s: u64): u64 {
  const h = changetype<TimerHeap>(queue);
  seed = s;
  for (let i = 0; i < n; i++) h.schedule(i, expiry(START));
  for (let i = 0; i < n; i += 10) h.cancel(i);
  let sum: u64 = 0;
  let now = START;
  const end = START + 86_400_000 * 366;
  while (now < end) {
    now += now < START + 3_600_000 ? 1000 : 3_600_000;
    let id = h.pop(now);
    while (id >= 0) { sum += <u64>id; id = h.pop(now); }
  }
  return sum;
}
