// The hostile kinds that play attacks of issue #12 (one file each), made
// for a hostile badge of the simulator. The older kinds (garbage, reorder,
// forge, flood) mangle or fill the hostile badge's own core and live in
// mesh.ts.

import type { Attack, HostileEnv } from './attack.js'
import { ClockAttack } from './clock.js'
import { HijackAttack } from './hijack.js'
import { PushAttack } from './push.js'
import { ReplayAttack } from './replay.js'
import { AdvertSpamAttack } from './advert-spam.js'
import { ImpersonateAttack } from './impersonate.js'
import { CollideAttack } from './collide.js'

export const ATTACKS = {
  clock: (env: HostileEnv) => new ClockAttack(env),
  hijack: (env: HostileEnv) => new HijackAttack(env),
  push: (env: HostileEnv) => new PushAttack(env),
  replay: (env: HostileEnv) => new ReplayAttack(env),
  'advert-spam': (env: HostileEnv) => new AdvertSpamAttack(env),
  impersonate: (env: HostileEnv) => new ImpersonateAttack(env),
  collide: (env: HostileEnv) => new CollideAttack(env)
} as const

export type AttackKind = keyof typeof ATTACKS
export type { Attack, HostileEnv, PeerView } from './attack.js'
export { ScriptedPeer } from './peer.js'
export { CollideAttack } from './collide.js'
