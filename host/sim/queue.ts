// The simulator's event queue: a binary min-heap on (time, sequence), so
// events at the same virtual time run in the order they were scheduled
// and a seeded run replays exactly.

export interface SimEvent { t: number, seq: number, run: () => void }

export class EventQueue {
  #heap: SimEvent[] = []
  #seq = 0
  now = 0

  get size (): number { return this.#heap.length }

  /** Runs fn at virtual time t (never earlier than now). */
  at (t: number, run: () => void): void {
    const e: SimEvent = { t: Math.max(t, this.now), seq: this.#seq++, run }
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
