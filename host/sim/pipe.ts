// Two badges joined by one link with nothing in between: the host calls a
// BLE stack would make, in order, with no radio model (mesh.ts has that).
// For protocol tests and benchmarks: what went over the link, and a hook
// to tamper with frames on the way.

import { Badge, OutboxRecord } from '../badge.js'

export interface PipeResult { bytes: [number, number], frames: [number, number], closedBy: Badge | undefined, steps: number }

/** A frame on its way: return the frames to deliver instead (none drops it). */
export type Tamper = (dir: 0 | 1, frame: Uint8Array, index: number) => Uint8Array[]

export const ADDR_A = Uint8Array.of(0xa1, 0, 0, 0, 0, 0xc0)
export const ADDR_B = Uint8Array.of(0xb2, 0, 0, 0, 0, 0xc0)

/**
 * Connects a (central) to b over link handles 1 / 2 with the given MTU at
 * time `t`, and runs the conversation until both are quiet or one hangs
 * up; time moves 1 ms per frame. Records other than link traffic are
 * passed to `other`.
 */
export function sync (a: Badge, b: Badge, { mtu = 247, t = 1000, tamper, maxSteps = 100_000, other }: { mtu?: number, t?: number, tamper?: Tamper, maxSteps?: number, other?: (who: Badge, r: OutboxRecord) => void } = {}): PipeResult & { t: number } {
  const queues: [Uint8Array[], Uint8Array[]] = [[], []]
  const result: PipeResult = { bytes: [0, 0], frames: [0, 0], closedBy: undefined, steps: 0 }
  const handle = (x: Badge) => x === a ? 1 : 2
  let up = true
  const sent = [0, 0]
  const carry = (x: Badge) => {
    for (const r of x.drain()) {
      if (r.kind === 'send' && up) {
        const dir = x === a ? 0 : 1
        const frames = tamper ? tamper(dir, r.frame, sent[dir]++) : [r.frame]
        queues[dir].push(...frames)
      } else if (r.kind === 'disconnect' && up) {
        up = false
        result.closedBy = x
      } else other?.(x, r)
    }
  }
  a.drain(); b.drain()
  a.linkUp(1, mtu, true, ADDR_B, t); carry(a)
  b.linkUp(2, mtu, false, ADDR_A, t); carry(b)
  let quiet = 0
  while (up && result.steps < maxSteps) {
    result.steps++
    t += 1
    let moved = false
    for (const dir of [0, 1] as const) {
      const from = dir === 0 ? a : b
      const to = dir === 0 ? b : a
      const f = queues[dir].shift()
      if (f) {
        moved = true
        result.bytes[dir] += f.length
        result.frames[dir]++
        to.frame(handle(to), f, t); carry(to)
        if (queues[dir].length === 0 && up) { from.linkReady(handle(from), t); carry(from) }
      }
    }
    if (!moved) {
      // Nothing in flight: let time pass so lingering and timeouts can act.
      t += 500
      a.tick(t); carry(a); b.tick(t); carry(b)
      if (++quiet > 40) break
    } else quiet = 0
  }
  a.linkDown(1, t); carry(a)
  b.linkDown(2, t); carry(b)
  return { ...result, t }
}

/** The chains a badge holds, as "owner:height" strings, sorted. */
export function chainSet (x: Badge): string[] {
  return x.chains().map(c => `${Buffer.from(c.owner).toString('hex')}:${c.length}`).sort()
}
