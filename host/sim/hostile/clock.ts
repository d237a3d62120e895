// `clock` (#12, finding 1): HELLOs claiming a mesh time far in the future,
// each under a key made up for the link, from a badge that hangs up and
// connects again every second or two. Two made-up keys agreeing look like
// two neighbours; an honest badge that believes them jumps ahead and its
// collector forgets every state before its time.

import { Attack, HostileEnv, randomU64, reconnect } from './attack.js'
import type { HelloFields } from './hello.js'
import { publicKeyOf } from '../../ed25519.js'

export const CLOCK_AHEAD = 10 * 3_600_000

export class ClockAttack implements Attack {
  readonly hangUpAfter = 1500
  constructor (readonly env: HostileEnv, readonly ahead = CLOCK_AHEAD) {}
  scripted (): boolean { return true }
  hello (): HelloFields {
    this.env.count('madeUpKeys')
    this.env.count('futureHellos')
    // A real key pair made for the link: with a signed HELLO the attacker can still prove it holds each one.
    const secret = this.env.rng.bytes(32)
    return { key: publicKeyOf(secret), secret, time: BigInt(this.env.trueTime() + this.ahead), chains: 0, fingerprint: randomU64(this.env) }
  }

  list (): [] { return [] }
  answer (): [] { return [] }
  tick (): void { reconnect(this.env, 3) }
}
