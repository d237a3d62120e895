// What the page and the simulator's Worker (sim-worker.ts) say to each other.

import type { SimReport } from '../host/sim/report.js'
import type { Room } from '../host/sim/venue.js'

/** Simulated milliseconds per wall-clock second; 0 runs as fast as the machine can. */
export type Speed = number

export type ToWorker =
  | { type: 'start', argv: string[], speed: Speed }
  | { type: 'speed', speed: Speed }
  | { type: 'stop' }

/** The floor, once per run. */
export interface VenueMessage { type: 'venue', rooms: Room[], width: number, height: number, badges: number, end: number, ttl: number }

/** One picture of the event (typed arrays are transferred, not copied). */
export interface FrameMessage {
  type: 'frame'
  /** Simulated ms since the event started. */
  t: number
  xs: Float32Array
  ys: Float32Array
  /** Per badge: FLAG_* bits. */
  flags: Uint8Array
  /** Per badge: live posted cards it holds (capped at 255). */
  cards: Uint8Array
  /** Links up, as pairs of badge indices. */
  links: Uint16Array
  /** The post the picture follows as it spreads (the oldest one still live), if any. */
  spotlight: { poster: number, holders: number, postedAt: number } | null
  posts: number
  expired: number
}

export const FLAG_ON = 1
export const FLAG_HOSTILE = 2
export const FLAG_POSTER = 4
export const FLAG_SPOTLIGHT = 8

export type FromWorker =
  | VenueMessage
  | FrameMessage
  | { type: 'report', report: SimReport, text: string }
  | { type: 'error', message: string }
