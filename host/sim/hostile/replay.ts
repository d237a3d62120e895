// `replay` (#12, finding 4): the attacker learns chains by syncing, then
// LISTs each at twice its height and answers the WANT with the whole chain
// from its genesis: valid blocks the honest badge already holds, each one
// costing it a signature check if it verifies before it looks for
// duplicates.

import { Attack, HostileEnv, PeerView, randomU64, reconnect, scriptedOnceLearned, madeUpHello } from './attack.js'
import type { HelloFields } from './hello.js'
import { loadChain, pack } from './chains.js'
import { blocks } from './wire.js'
import { toHex } from '../../bytes.js'

export class ReplayAttack implements Attack {
  constructor (readonly env: HostileEnv) {}
  scripted (): boolean { return scriptedOnceLearned(this.env) }

  hello (): HelloFields { return madeUpHello(this.env) }

  list (peer: PeerView): Array<{ owner: Uint8Array, height: number }> {
    const held = this.env.core()?.chains().filter(c => toHex(c.owner) !== peer.owner) ?? []
    return held.sort(() => this.env.rng.next() - 0.5).slice(0, 8).map(c => ({ owner: c.owner, height: 2 * c.length }))
  }

  answer (owner: Uint8Array): Uint8Array[] {
    const b = this.env.core()
    if (!b) return []
    const chain = loadChain(b, owner)
    this.env.count('replayedBlocks', chain.length)
    return pack(chain).map(([n, run]) => blocks(n, run))
  }

  tick (): void { reconnect(this.env, 2) }
}
