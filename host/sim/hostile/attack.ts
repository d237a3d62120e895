// What a hostile badge of the simulator is made of: an Attack (one file per
// kind in this folder) that decides, link by link, whether the hostile
// badge's own core syncs honestly on the link or a ScriptedPeer (peer.ts)
// plays it with hand-made messages; and the HostileEnv the simulator lends
// it (its radio, its clock, its counters). The simulator's true time is the
// attacker's too: it knows what time it is, whatever the mesh believes.

import type { Badge } from '../../badge.js'
import type { Rng } from '../../rng.js'
import { HelloFields, madeUpKey } from './hello.js'

export interface HostileEnv {
  readonly index: number
  readonly rng: Rng
  /** The true mesh time now (the event's start plus simulated time), ms. */
  trueTime (): number
  /** The hostile badge's own core (V8), when it is on. */
  core (): Badge | null
  /** Honest badges whose adverts the hostile badge heard in the last 10 s. */
  neighbours (): number[]
  /** Links the hostile badge has up. */
  linkCount (): number
  /** Tries to connect to badge `index` (as a central). */
  connect (index: number): void
  /** Sends one advertisement from a made-up address to whoever is in range. */
  spoofAdvert (addr: Uint8Array, data: Uint8Array): void
  /** The hostile badge's own advertisement (a template for spoofed ones). */
  advData (): Uint8Array | null
  /** Counts something the attacker did (reported per kind). */
  count (name: string, k?: number): void
}

/** The honest badge at the other end of a scripted link. */
export interface PeerView { index: number, owner: string, central: boolean }

export interface Attack {
  /** Whether the attacker plays this link by hand (else its core syncs honestly on it, e.g. to learn chains). */
  scripted (peer: PeerView): boolean
  /** The HELLO of a scripted link. */
  hello (peer: PeerView): HelloFields
  /** Chains (at most 8) the scripted link LISTs, with the heights it claims. */
  list (peer: PeerView): Array<{ owner: Uint8Array, height: number }>
  /** The messages that answer the peer's WANT, before the END. */
  answer (owner: Uint8Array, have: number, peer: PeerView): Uint8Array[]
  /** Never says DONE: holds the link until the peer gives up. */
  readonly hold?: boolean
  /** Hangs up a scripted link this long after it came up (ms): reconnecting often. */
  readonly hangUpAfter?: number
  /** A HELLO the attacker heard on a scripted link (keys to impersonate). */
  heardHello? (key: Uint8Array): void
  /** Every second of simulated time. */
  tick? (): void
}

/** Keeps the hostile badge connecting to honest neighbours, up to `links` at once. */
export function reconnect (env: HostileEnv, links = 2): void {
  if (env.linkCount() >= links) return
  const ns = env.neighbours()
  if (ns.length === 0) return
  env.connect(ns[env.rng.int(ns.length)])
  env.count('connects')
}

export const randomU64 = (env: HostileEnv) => BigInt(env.rng.u32()) << 32n | BigInt(env.rng.u32())

/** A scripted link once the attacker's own core has learned chains, on three links in four (the fourth it syncs honestly, to learn more). */
export function scriptedOnceLearned (env: HostileEnv): boolean {
  const b = env.core()
  return b !== null && b.chains().length > 0 && env.rng.chance(0.75)
}

/** A HELLO under a key made up for the link (the attacker proves it: keys are free), claiming 8 chains and the true time. */
export function madeUpHello (env: HostileEnv): HelloFields {
  return { ...madeUpKey(env.rng), time: BigInt(env.trueTime()), chains: 8, fingerprint: randomU64(env) }
}
