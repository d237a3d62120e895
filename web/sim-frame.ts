// A picture of a running simulation for the page, read from the simulator's
// own state without changing it: positions as the simulator last moved its
// walkers (once a simulated second), no calls into any badge's core, no
// random numbers drawn. So watching a run never changes it: its report is
// the one `picobadge sim` prints for the same options.

import type { MeshSimulator } from '../host/sim/mesh.js'
import { CARD_TTL } from '../host/sim/mesh.js'
import { FLAG_ON, FLAG_HOSTILE, FLAG_POSTER, FLAG_SPOTLIGHT, type FrameMessage } from './sim-messages.js'

export function frameOf (sim: MeshSimulator): FrameMessage {
  const n = sim.nodes.length
  const now = sim.q.now
  const ttl = sim.opts.ttl ?? CARD_TTL
  const xs = new Float32Array(n); const ys = new Float32Array(n)
  const flags = new Uint8Array(n); const cards = new Uint8Array(n)
  const pairs: number[] = []
  for (const b of sim.nodes) {
    xs[b.index] = b.walker.x; ys[b.index] = b.walker.y
    flags[b.index] = (b.on ? FLAG_ON : 0) | (b.hostile ? FLAG_HOSTILE : 0) | (b.posts > 0 ? FLAG_POSTER : 0)
    for (const h of b.links.values()) if (h.up && h.central) pairs.push(b.index, h.peer)
  }
  let spotlight: FrameMessage['spotlight'] = null
  let expired = 0
  for (const track of sim.metrics.blocks.values()) {
    if (now - track.postedAt > ttl) { expired++; continue }
    for (let i = 0; i < n; i++) if (track.times[i] <= now && cards[i] < 255) cards[i]++
    if (spotlight === null || track.postedAt < spotlight.postedAt) spotlight = { poster: track.poster, holders: track.holders, postedAt: track.postedAt }
  }
  if (spotlight !== null) {
    const s = spotlight
    for (const track of sim.metrics.blocks.values()) {
      if (track.postedAt !== s.postedAt || track.poster !== s.poster) continue
      for (let i = 0; i < n; i++) if (track.times[i] <= now) flags[i] |= FLAG_SPOTLIGHT
      break
    }
  }
  return { type: 'frame', t: now, xs, ys, flags, cards, links: Uint16Array.from(pairs), spotlight, posts: sim.metrics.blocks.size, expired }
}
