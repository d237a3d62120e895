// The simulator's event queue: a binary min-heap on (time, badge, origin,
// origin's sequence). Every event acts on one badge and was caused by one
// badge (itself, or a neighbour whose radio message it is), numbered by a
// counter the causing badge keeps. So the order of a badge's events depends
// only on the history of the badges involved, never on which other badges
// share the queue: a shard holding half the floor (shard.ts) runs each
// badge's events in the same order as one holding all of it, and a seeded
// run replays exactly, on one thread or several.

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

export class EventQueue {
  #heap: Queued[] = []
  now = 0

  get size (): number { return this.#heap.length }

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
    const h = this.#heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(e, h[p])) break
      h[i] = h[p]; i = p
    }
    h[i] = e
  }

  /** Removes and returns the earliest event, advancing `now` to it. */
  pop (): Queued | undefined {
    const h = this.#heap
    if (h.length === 0) return undefined
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
    this.now = top.t
    return top
  }

  peekTime (): number { return this.#heap.length ? this.#heap[0].t : Infinity }
}

function before (a: Queued, b: Queued): boolean {
  return a.t < b.t || (a.t === b.t && (a.k < b.k || (a.k === b.k && a.seq < b.seq)))
}
