// `impersonate` (#12, finding 6): HELLOs under another badge's public key
// (learnt from the HELLOs the attacker hears), on links it then holds
// without ever saying DONE, so the victim's own links to those badges are
// refused as a second link to a badge already linked, and its posts wait.

import { Attack, HostileEnv, PeerView, randomU64, reconnect } from './attack.js'
import type { HelloFields } from './hello.js'
import { toHex } from '../../bytes.js'

export class ImpersonateAttack implements Attack {
  readonly hold = true
  readonly #victims = new Map<string, Uint8Array>()
  constructor (readonly env: HostileEnv) {}
  scripted (): boolean { return true }
  heardHello (key: Uint8Array): void { this.#victims.set(toHex(key), key) }
  hello (peer: PeerView): HelloFields {
    const others = [...this.#victims].filter(([k]) => k !== peer.owner)
    let key: Uint8Array
    if (others.length > 0) { key = others[this.env.rng.int(others.length)][1]; this.env.count('impersonations') } else key = this.env.rng.bytes(32)
    return { key, time: BigInt(this.env.trueTime()), chains: 0, fingerprint: randomU64(this.env) }
  }

  list (): [] { return [] }
  answer (): [] { return [] }
  tick (): void { reconnect(this.env, 3) }
}
