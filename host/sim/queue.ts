// The simulator's event queue: a binary min-heap on (time, sequence), so
// events at the same virtual time run in the order they were scheduled
// and a seeded run replays exactly.

export interface SimEvent { t: number, seq: number, run: () => void }

export class EventQueue {
  #heap: SimEvent[] = []
  #seq = 0
  now = 0

  get size (): number { return this.#heap.length }

  /** Runs fn at virtual time t (never earlier than now); returns the event, which again() can put back. */
  at (t: number, run: () => void): SimEvent {
    const e: SimEvent = { t: 0, seq: 0, run }
    this.again(e, t)
    return e
  }

  /**
   * Puts an event that is not in the queue (one that has run: the one running now) back, at time t:
   * a badge's tick and advert come round every second, and reusing their events keeps the
   * garbage collector's old generation from filling with them (10,000 badges make 20,000 a second,
   * each living a simulated second: long enough to be promoted).
   */
  again (e: SimEvent, t: number): void {
    e.t = Math.max(t, this.now)
    e.seq = this.#seq++
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

  /** Runs fn after a delay. */
  after (dt: number, run: () => void): void { this.at(this.now + dt, run) }

  /** Removes and returns the earliest event, advancing `now` to it. */
  pop (): SimEvent | undefined {
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

function before (a: SimEvent, b: SimEvent): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq)
}
