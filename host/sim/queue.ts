// The simulator's event queue, ordered by (time, badge, origin, origin's
// sequence). Every event acts on one badge and was caused by one badge
// (itself, or a neighbour whose radio message it is), numbered by a counter
// the causing badge keeps. So the order of a badge's events depends only on
// the history of the badges involved, never on which other badges share the
// queue: a shard holding half the floor (shard.ts) runs each badge's events
// in the same order as one holding all of it, and a seeded run replays
// exactly, on one thread or several.
//
// A calendar of 1-ms buckets, not a binary heap: a shard of 5,000 badges
// holds some 15,000 events, nearly all due within a second (ticks, adverts,
// radio messages), so a heap's pop walked 14 levels of objects strewn over
// the heap's memory, a tenth of a settled run. Here an event goes into the
// bucket of its millisecond (a push), and a bucket is sorted once, when the
// queue reaches it (a dozen events or so); its earliest is then its last
// element.
//
// Invariants:
//   - every queued event's bucket (floor of its time / BUCKET_MS) is at
//     least `cur`, the bucket the queue is at; those before cur + BUCKETS
//     are in the ring (slot = bucket mod BUCKETS), the rest in `#far`, a
//     binary heap, until cur comes within BUCKETS of them;
//   - a ring bucket is either sorted (latest first, so pop takes the end)
//     or not; only the bucket at `cur` is ever sorted, and an event put
//     into a sorted bucket is inserted in its place;
//   - the order is exactly the one a single heap on (t, k, seq) gave:
//     buckets partition time, and within a bucket the same comparison
//     decides.

/** What the queue orders: anything with a time and a key (shard.ts queues radio messages as they are). */
export interface Queued {
  t: number
  /** badge * MAX_BADGES + origin */
  k: number
  /** The origin's sequence number when it scheduled the event. */
  seq: number
}

export interface SimEvent extends Queued {
  run: () => void
}

/** Badges a queue can order (the key packs two badge indices into one number). */
export const MAX_BADGES = 1 << 15

/** Width of a bucket (ms of virtual time) and how many the ring holds (a power of two: 2 s ahead). */
const BUCKET_MS = 1
const BUCKETS = 2048

export class EventQueue {
  readonly #ring: Queued[][] = Array.from({ length: BUCKETS }, () => [])
  readonly #sorted = new Uint8Array(BUCKETS)
  /** Events BUCKETS or more buckets ahead of cur: a binary heap on (t, k, seq). */
  readonly #far: Queued[] = []
  /** The bucket the queue is at; no event is in an earlier one. */
  #cur = 0
  #size = 0
  /** Events in the ring (the rest are far). */
  #inRing = 0
  now = 0

  get size (): number { return this.#size }

  /** Runs fn at virtual time t (never earlier than now), on `badge`, caused by `origin` with its sequence number `seq`. */
  at (t: number, badge: number, origin: number, seq: number, run: () => void): SimEvent {
    const e: SimEvent = { t: 0, k: 0, seq: 0, run }
    this.again(e, t, badge, origin, seq)
    return e
  }

  /**
   * Puts an event that is not in the queue (one that has run: the one running now) back, at time t:
   * a badge's tick and advert come round every second, and reusing their events keeps the
   * garbage collector's old generation from filling with them (10,000 badges make 20,000 a second,
   * each living a simulated second: long enough to be promoted).
   */
  again (e: Queued, t: number, badge: number, origin: number, seq: number): void {
    e.t = Math.max(t, this.now)
    e.k = badge * MAX_BADGES + origin
    e.seq = seq
    this.#size++
    let b = Math.floor(e.t / BUCKET_MS)
    if (b < this.#cur) this.#back(b)
    if (b - this.#cur >= BUCKETS) { heapPush(this.#far, e); return }
    this.#inRing++
    b &= BUCKETS - 1
    const bucket = this.#ring[b]
    if (this.#sorted[b] === 0) { bucket.push(e); return }
    bucket.splice(placeIn(bucket, e, bucket.length), 0, e) // the current bucket is sorted latest first
  }

  /** Removes and returns the earliest event, advancing `now` to it. */
  pop (): Queued | undefined {
    const bucket = this.#first()
    if (bucket === null) return undefined
    const top = bucket.pop()!
    this.#size--
    this.#inRing--
    this.now = top.t
    return top
  }

  peekTime (): number {
    const bucket = this.#first()
    return bucket === null ? Infinity : bucket[bucket.length - 1].t
  }

  /** The sorted bucket holding the earliest event (moving cur forward to it), or null when the queue is empty. */
  #first (): Queued[] | null {
    if (this.#size === 0) return null
    for (;;) {
      const slot = this.#cur & (BUCKETS - 1)
      const bucket = this.#ring[slot]
      if (bucket.length > 0) {
        if (this.#sorted[slot] === 0) { sortLatestFirst(bucket); this.#sorted[slot] = 1 }
        return bucket
      }
      this.#sorted[slot] = 0
      // Nothing within reach: straight to the far heap's earliest bucket, not one empty bucket at a time.
      this.#cur = this.#inRing === 0 ? Math.floor(this.#far[0].t / BUCKET_MS) : this.#cur + 1
      // cur moved: the far events now within the ring's reach go into their buckets (unsorted).
      const far = this.#far
      while (far.length > 0 && Math.floor(far[0].t / BUCKET_MS) - this.#cur < BUCKETS) {
        const e = heapPop(far)
        this.#ring[Math.floor(e.t / BUCKET_MS) & (BUCKETS - 1)].push(e)
        this.#inRing++
      }
    }
  }

  /**
   * An event at `now` comes before cur (peekTime moved cur past empty buckets to the next event):
   * cur goes back to its bucket b. The ring's slots from b to the old cur held only events BUCKETS or
   * more buckets past b (the old cur's slot: its own too, when that far), which go back to the far heap.
   */
  #back (b: number): void {
    const end = Math.min(this.#cur, b + BUCKETS - 1)
    for (let x = b; x <= end; x++) {
      const slot = x & (BUCKETS - 1)
      const bucket = this.#ring[slot]
      this.#sorted[slot] = 0
      for (let i = bucket.length - 1; i >= 0; i--) {
        const e = bucket[i]
        if (Math.floor(e.t / BUCKET_MS) - b < BUCKETS) continue
        heapPush(this.#far, e)
        bucket.splice(i, 1)
        this.#inRing--
      }
    }
    this.#cur = b
  }
}

function before (a: Queued, b: Queued): boolean {
  return a.t < b.t || (a.t === b.t && (a.k < b.k || (a.k === b.k && a.seq < b.seq)))
}

/** Where e goes in b[0, end), which is sorted latest first: after every event that is later than it. */
function placeIn (b: Queued[], e: Queued, end: number): number {
  let lo = 0; let hi = end
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (before(e, b[mid])) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Sorts a bucket latest first, in place (no two events compare equal: an origin numbers its events).
 * A binary insertion sort: a bucket holds tens of events, and Array.prototype.sort copied each bucket
 * it sorted, a quarter of what a settled run allocated (V8's sampling heap profiler, 1,000 badges).
 */
function sortLatestFirst (b: Queued[]): void {
  for (let i = 1; i < b.length; i++) {
    const e = b[i]
    const lo = placeIn(b, e, i) // b[0, i) is sorted
    for (let j = i; j > lo; j--) b[j] = b[j - 1]
    b[lo] = e
  }
}

function heapPush (h: Queued[], e: Queued): void {
  h.push(e)
  let i = h.length - 1
  while (i > 0) {
    const p = (i - 1) >> 1
    if (!before(e, h[p])) break
    h[i] = h[p]; i = p
  }
  h[i] = e
}

function heapPop (h: Queued[]): Queued {
  const top = h[0]
  const last = h.pop()!
  if (h.length > 0) {
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const c = r < h.length && before(h[r], h[l]) ? r : l
      if (!before(h[c], last)) break
      h[i] = h[c]; i = c
    }
    h[i] = last
  }
  return top
}
