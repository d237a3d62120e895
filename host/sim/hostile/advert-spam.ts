// `advert-spam` (#12, finding 4): advertisements from made-up addresses,
// each claiming a different chain set and free link slots, ten a second.
// An honest badge that tries to connect to one waits for a badge that is
// not there, its one outgoing connection attempt taken, and its table of
// neighbours fills with ghosts. The attacker's own badge syncs honestly.

import { Attack, HostileEnv } from './attack.js'
import type { HelloFields } from './hello.js'

/** Where an advert's fields sit (docs/SYNC.md §1): badge id, chains, fingerprint, free slots. */
const ID = 8; const CHAINS = 12; const FP = 14; const SLOTS = 22

export class AdvertSpamAttack implements Attack {
  constructor (readonly env: HostileEnv, readonly perSecond = 10) {}
  scripted (): boolean { return false }
  hello (): HelloFields { throw new Error('advert-spam plays no link by hand') }
  list (): [] { return [] }
  answer (): [] { return [] }
  tick (): void {
    const t = this.env.advData()
    if (!t || t.length < SLOTS + 1) return
    for (let i = 0; i < this.perSecond; i++) {
      const data = Uint8Array.from(t)
      data.set(this.env.rng.bytes(4), ID)
      data.set(this.env.rng.bytes(2), CHAINS)
      data.set(this.env.rng.bytes(8), FP)
      data[SLOTS] = 3
      // 0xee: outside the simulator's addresses (…5a b0 c0), so it never names a real badge.
      const addr = Uint8Array.from([...this.env.rng.bytes(5), 0xee])
      this.env.spoofAdvert(addr, data)
      this.env.count('spoofedAdverts')
    }
  }
}
