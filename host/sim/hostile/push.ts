// `push` (#12, finding 3): chains nobody held, made with fresh keys and
// dated now, offered eight a link on links that come and go, and on half
// the links one more chain pushed in BLOCKS after the one asked for (a run
// nobody asked for). Enough of them fill an honest badge's store; a store
// that makes room by evicting held chains loses honest ones.

import { Attack, HostileEnv, randomU64, reconnect, scriptedOnceLearned, madeUpHello } from './attack.js'
import type { HelloFields } from './hello.js'
import { signBlock } from './chains.js'
import { blocks } from './wire.js'
import { toHex } from '../../bytes.js'

export class PushAttack implements Attack {
  readonly hangUpAfter = 8000
  readonly #offered = new Map<string, Uint8Array>()
  #made = 0
  constructor (readonly env: HostileEnv) {}
  scripted (): boolean { return true }
  hello (): HelloFields { return madeUpHello(this.env) }

  #spam (): { owner: Uint8Array, block: Uint8Array } {
    const c = signBlock(this.env.rng.bytes(32), ['cards', { name: `push ${this.#made++}` }, this.env.trueTime()])
    this.env.count('chainsMade')
    return c
  }

  list (): Array<{ owner: Uint8Array, height: number }> {
    this.#offered.clear()
    const out = []
    for (let i = 0; i < 8; i++) {
      const c = this.#spam()
      this.#offered.set(toHex(c.owner), c.block)
      out.push({ owner: c.owner, height: 1 })
    }
    return out
  }

  answer (owner: Uint8Array): Uint8Array[] {
    const b = this.#offered.get(toHex(owner))
    if (!b) return []
    const out = [blocks(1, b)]
    if (this.env.rng.chance(0.5)) { out.push(blocks(1, this.#spam().block)); this.env.count('unaskedPushed') }
    return out
  }

  tick (): void { reconnect(this.env, 3) }
}
