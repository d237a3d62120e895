// The windows of virtual time a simulated event runs in, on every shard
// (shard.ts) of it, and the hand-over of the radio messages between them.
// A shard cannot hear another sooner than REPORT_DELAY (radio.ts), so it
// may run a stretch of time without the others' messages of that stretch.
//
// A window is half of REPORT_DELAY: a message sent in window j arrives
// REPORT_DELAY or more after j began, so no sooner than the end of window
// j + 1 (two windows in a row span at most REPORT_DELAY). A shard may run
// window j once it has every other shard's messages of window j - 2 and
// before, so each shard may be a window ahead of another: a thread whose
// window took longer (a link's PROOF signed, a garbage collection) is
// caught up with while the other goes on, instead of both meeting at every
// window's edge (measured: README, "Threads").
//
// Invariants (runSegment):
//   - shard k is given window j only when every other shard's window j - 2
//     has been collected, and is given those windows' messages for it then;
//   - a segment returns with every shard's every window collected; the
//     messages of its last two windows are held, and given to each shard
//     with the next segment's first window;
//   - any two windows in a row span at most REPORT_DELAY: windows are cut
//     at multiples of WINDOW and at a segment's end only.

import { REPORT_DELAY } from './radio.js'

/** Windows in REPORT_DELAY, and a window's length (ms of virtual time). */
export const PIPELINE = 2
export const WINDOW = REPORT_DELAY / PIPELINE

/** A shard as the windows see it: on this thread (begin runs the window) or on a worker (begin hands it over). */
export interface WindowRunner {
  /** True when begin() runs the window on this thread (it returns when the window is done). */
  readonly local: boolean
  /** Starts running the next window, up to `to`, the messages other shards sent it (packed) in hand. */
  begin (to: number, incoming: Uint8Array[]): void
  /** Waits for the end of the earliest window begun and not finished; its messages for each shard (packed; its own: empty). */
  finish (): Uint8Array[]
}

/** Whether a packed batch (message.ts) holds any message: its first 4 bytes are the count. */
const holdsAny = (b: Uint8Array | undefined): b is Uint8Array => b !== undefined && b.length > 4

/**
 * Runs the windows ending at `bounds` (ascending; a segment) on every shard, each as far ahead as the
 * invariants above allow: workers are given every window they may run, this thread's shards run their
 * next window, and when neither can go on it waits for the earliest window a worker owes. `held`: per
 * shard, the last segment's held messages. Returns this segment's. `collected(t)`: every shard has run
 * up to t (for progress).
 */
export function runSegment (shards: readonly WindowRunner[], bounds: readonly number[], held: readonly Uint8Array[][], collected?: (t: number) => void): Uint8Array[][] {
  const n = shards.length; const m = bounds.length
  /** Per shard: the next window to give it, and how many of its windows were collected. */
  const next = new Array<number>(n).fill(0)
  const got = new Array<number>(n).fill(0)
  /** Per window, per shard, its messages for each shard (dropped once every shard was given window j + 2). */
  const outs: Array<Uint8Array[][] | undefined> = new Array(m)
  // May shard k run window j: has every other shard's window j - 2 been collected?
  const ready = (k: number, j: number): boolean => {
    for (let s = 0; s < n; s++) if (s !== k && got[s] < j - 1) return false
    return true
  }
  const incoming = (k: number, j: number): Uint8Array[] => {
    if (j === 0) return held[k]
    const from = outs[j - 2]
    const out: Uint8Array[] = []
    if (from !== undefined) for (let s = 0; s < n; s++) if (s !== k && holdsAny(from[s][k])) out.push(from[s][k])
    return out
  }
  const collect = (k: number): void => {
    const j = got[k]++
    ;(outs[j] ??= new Array(n))[k] = shards[k].finish()
  }
  let dropped = 0
  for (;;) {
    let progress = false
    // Workers first (last shard first), so they run while this thread runs its own.
    for (let k = n - 1; k >= 0; k--) {
      const s = shards[k]
      while (next[k] < m && ready(k, next[k])) {
        const j = next[k]++
        s.begin(bounds[j], incoming(k, j))
        progress = true
        if (!s.local) continue
        collect(k)
        break // back to the workers: this window may be what one of them waited for
      }
    }
    if (!progress) {
      // Nothing can start: wait for the earliest window a worker owes (one is running, or none is left).
      let k = -1
      for (let s = 0; s < n; s++) if (got[s] < next[s] && (k < 0 || got[s] < got[k])) k = s
      if (k < 0) break
      collect(k)
    }
    let given = m; let low = m
    for (let s = 0; s < n; s++) { given = Math.min(given, next[s]); low = Math.min(low, got[s]) }
    for (; dropped < given - 2; dropped++) outs[dropped] = undefined
    if (low > 0) collected?.(bounds[low - 1])
  }
  for (let s = 0; s < n; s++) if (got[s] !== m) throw new Error(`sim: shard ${s} ran ${got[s]} of ${m} windows`)
  // The last two windows' messages arrive after the segment: the next one's first window takes them.
  const out: Uint8Array[][] = shards.map(() => [])
  for (const j of [m - 2, m - 1]) {
    const from = outs[j]
    if (from !== undefined) for (let k = 0; k < n; k++) for (let s = 0; s < n; s++) if (s !== k && holdsAny(from[s][k])) out[k].push(from[s][k])
  }
  return out
}
