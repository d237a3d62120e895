// A binary min-heap of (expiry, id): the usual timer queue, as the anchor
// the timer wheel is measured against. Cancel is by lazy deletion (a
// generation per id), as heap-based schedulers commonly do.

export class TimerHeap {
  private at: usize; // u64 per heap entry
  private ids: usize; // i32 per heap entry
  private gen: usize; // u32 per heap entry: the id's generation when pushed
  private idGen: usize; // u32 per id
  private size: i32 = 0;

  constructor(capacity: i32) {
    this.at = heap.alloc(<usize>capacity * 8 * 2);
    this.ids = heap.alloc(<usize>capacity * 4 * 2);
    this.gen = heap.alloc(<usize>capacity * 4 * 2);
    this.idGen = heap.alloc(<usize>capacity * 4);
    memory.fill(this.idGen, 0, <usize>capacity * 4);
  }

  schedule(id: i32, t: u64): void {
    const g = load<u32>(this.idGen + (<usize>id << 2)) + 1;
    store<u32>(this.idGen + (<usize>id << 2), g);
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = load<u64>(this.at + (<usize>p << 3));
      if (pt <= t) break;
      this.move(p, i);
      i = p;
    }
    store<u64>(this.at + (<usize>i << 3), t);
    store<i32>(this.ids + (<usize>i << 2), id);
    store<u32>(this.gen + (<usize>i << 2), g);
  }

  cancel(id: i32): void {
    store<u32>(this.idGen + (<usize>id << 2), load<u32>(this.idGen + (<usize>id << 2)) + 1);
  }

  /** Pops the next timer due at now (skipping cancelled ones), or -1. */
  pop(now: u64): i32 {
    while (this.size > 0) {
      if (load<u64>(this.at) > now) return -1;
      const id = load<i32>(this.ids);
      const g = load<u32>(this.gen);
      this.removeTop();
      if (load<u32>(this.idGen + (<usize>id << 2)) == g) return id;
    }
    return -1;
  }

  private move(from: i32, to: i32): void {
    store<u64>(this.at + (<usize>to << 3), load<u64>(this.at + (<usize>from << 3)));
    store<i32>(this.ids + (<usize>to << 2), load<i32>(this.ids + (<usize>from << 2)));
    store<u32>(this.gen + (<usize>to << 2), load<u32>(this.gen + (<usize>from << 2)));
  }

  private removeTop(): void {
    const last = --this.size;
    if (last == 0) return;
    const t = load<u64>(this.at + (<usize>last << 3));
    let i = 0;
    while (true) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && load<u64>(this.at + (<usize>(c + 1) << 3)) < load<u64>(this.at + (<usize>c << 3))) c++;
      if (load<u64>(this.at + (<usize>c << 3)) >= t) break;
      this.move(c, i);
      i = c;
    }
    this.move(last, i);
  }
}
