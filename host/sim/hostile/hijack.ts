// `hijack` (#12, finding 2): the attacker syncs honestly for a while to
// learn other badges' chains, then LISTs each of them one block higher than
// it is and answers the WANT with a block signed by its own (made-up) key on
// the chain's head: a card rewritten and re-dated if a badge stores it.

import { Attack, HostileEnv, PeerView, randomU64, reconnect, scriptedOnceLearned, madeUpHello } from './attack.js'
import type { HelloFields } from './hello.js'
import { signBlock } from './chains.js'
import { toHex } from '../../bytes.js'

export class HijackAttack implements Attack {
  readonly #mallory: Uint8Array
  readonly #heads = new Map<string, { head: Uint8Array, height: number }>()
  constructor (readonly env: HostileEnv) { this.#mallory = env.rng.bytes(32) }

  /** Honest sync on one link in four (and while it holds nothing to hijack), to learn chains. */
  scripted (): boolean { return scriptedOnceLearned(this.env) }

  hello (): HelloFields { return madeUpHello(this.env) }

  list (peer: PeerView): Array<{ owner: Uint8Array, height: number }> {
    const held = this.env.core()?.chains().filter(c => toHex(c.owner) !== peer.owner) ?? []
    const pick = held.sort(() => this.env.rng.next() - 0.5).slice(0, 8)
    for (const c of pick) this.#heads.set(toHex(c.owner), { head: c.head, height: c.length })
    return pick.map(c => ({ owner: c.owner, height: c.length + 1 }))
  }

  answer (owner: Uint8Array): Uint8Array[] {
    const h = this.#heads.get(toHex(owner))
    if (!h) return []
    // Re-dated to now, renamed: what the card would say if the store took it.
    const { block } = signBlock(this.#mallory, ['cards', { name: 'hijacked' }, this.env.trueTime()], h.head)
    this.env.count('forgedExtensions')
    return [Uint8Array.from([4, 1, ...block])]
  }

  tick (): void { reconnect(this.env, 2) }
}
