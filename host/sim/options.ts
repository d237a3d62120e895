// What a simulated event is made of (the options of `picobadge sim`), and
// the constants the simulator's parts share.

import type { NorGeometry } from '../nor-flash.js'
import type { CborValue } from '../cbor.js'
import type { Venue } from './venue.js'
import type { NativeInterp } from './native-env.js'
import type { CorePool } from '../core-pool.js'
import type { AttackKind } from './hostile/index.js'

export const EPOCH = 1_760_000_000_000 // the mesh time the event starts at (ms)
export const TICK = 1000
export const SAMPLE = 10_000
export const MAX_POSTERS = 80
export const CARD_TTL = 3_600_000 // the example collection's: a card is forgotten an hour after its last update
export const SKEW = 300_000 // the engine's bound on clock skew (assembly/store/engine.ts)
// How often the organiser's desk hands a time beacon (signed by SIM_EVENT_SECRET, event.ts) to a
// badge (docs/SYNC.md §7): neighbours move a clock only by bounded slew, so a badge that slept through
// the event's last hour catches up by the newest beacon its neighbours pass on.
export const BEACON_EVERY = SKEW

/** A badge that does not play by the rules (tests and demos of robustness). */
export type HostileKind =
  | 'garbage' // its frames after the first few are random bytes
  | 'reorder' // swaps consecutive frames
  | 'forge' // offers chains whose signatures do not verify
  | 'flood' // offers a flood of valid new chains (made with fresh keys)
  | AttackKind // the attacks of issue #12, one file each in hostile/: clock, hijack, push, replay, advert-spam, impersonate, collide

/** Every hostile kind, in the order `--hostile all` assigns them. */
export const HOSTILE_KINDS: HostileKind[] = ['clock', 'hijack', 'push', 'replay', 'advert-spam', 'impersonate', 'collide', 'garbage', 'reorder', 'forge', 'flood']

export interface PlannedPost { badge: number, at: number, collection: string, payload: CborValue }

export interface SimOptions {
  badges: number
  minutes: number
  seed: number
  /** Share of badges that post a contact card (the default plan). */
  posters?: number
  /** Explicit posts instead of the default plan. */
  plan?: PlannedPost[]
  /** Largest ATT MTU the badges negotiate (23–247). */
  mtu?: number
  /** Mean minutes between power cuts of each badge; 0 for none. */
  powerCutEvery?: number
  /** How long people stay in one place, in minutes [min, max]. */
  dwellMinutes?: [number, number]
  venue?: Venue
  /** Hostile badges: which, what kind, how many chains (forge, flood), and from which minute a #12 attack starts (default 0). */
  hostile?: Array<{ badge: number, kind: HostileKind, chains?: number, fromMinute?: number }>
  geometry?: NorGeometry
  /** Memoize verification across badges through the accelerator import (default true). */
  accelerate?: boolean
  /** Called about every simulated second with the fraction done. */
  onProgress?: (fraction: number) => void
  log?: (badge: number, line: string) => void
  /** How long a posted state lives after its last update (the collection's expiresAt; cards: one hour). */
  ttl?: number
  /** How many badges are native board processes (spread evenly by index, never a hostile one); default 0. */
  native?: number
  /** The native board's WAMR interpreter (default classic). */
  nativeInterp?: NativeInterp
  /** The longest one request to a native board may take (ms; default 60 s): then it is killed and the run fails. */
  nativeTimeoutMs?: number
  /** Run the V8 badges on this pool of core instances (host/core-pool.ts; a browser page holds only ~120 instances); default one each. */
  cores?: CorePool
  /** Shards the badges are split into, run one after the other on this thread (threads.ts runs them on several); default 1. Any number gives the same run. */
  shards?: number
  /** The threads' table of signatures known good (shared-signatures.ts), one SharedArrayBuffer for all; ThreadedSimulator gives it. */
  signatures?: SharedArrayBuffer
}

/** Which badges are native: k of them spread evenly over the indices, skipping hostile ones. */
export function nativeIndices (badges: number, k: number, hostile: Set<number> = new Set()): number[] {
  const free: number[] = []
  for (let i = 0; i < badges; i++) if (!hostile.has(i)) free.push(i)
  if (!(k >= 0) || k > free.length) throw new RangeError(`sim: ${k} native badges, but only ${free.length} badges are not hostile`)
  const out: number[] = []
  for (let j = 0; j < k; j++) out.push(free[Math.floor((j + 0.5) * free.length / k)])
  return out
}
