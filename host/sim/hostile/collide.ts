// `collide` (#12, finding 6): an author steers the set fingerprints to
// collide. Once its own core has learned a card (a chain of another badge
// with a post on it, the victim), the attacker grinds 300 versions of each
// of 8 chains it owns (fp-collision.ts; 9 chains in all fit the 16 guest
// slots an honest badge gives chains not enrolled, 17 would not) until two sets have equal protocol-2 sums: the
// first holds the victim's chain and versions a_i, the second one more
// chain W of its own and versions b_i. It hands the honest badges one side
// each, by the parity of their index: the a_i to one half, W and the b_i to
// the other, so any two badges of different halves hold sets that protocol
// 2 (unkeyed, additive) summed alike whenever one lacks the victim's chain,
// and its HELLOs claim that colliding sum and count ("we are in sync").
// Under protocol 2 such a pair never connected and a link between them
// stopped at the HELLOs, so the victim's chain never crossed it. The
// collision is made for the victim's chain as the attacker held it when the
// attack began; a later post by the victim changes that chain's item and
// ends it (the attacker does not grind again).

import { Attack, HostileEnv, PeerView, reconnect } from './attack.js'
import { madeUpKey, HelloFields } from './hello.js'
import { grind, itemHash, unkeyedSum, Collision, Version } from './fp-collision.js'
import { blocks } from './wire.js'
import { toHex } from '../../bytes.js'

/** The author's seeds (fp-collision.ts derives them from this tag); signed once per process and date. */
const TAG = 0xc0
/** Genesis dates fall on a 10-minute mark: runs starting their attack within one share the signed versions. */
const DATE_STEP = 600_000
/** The search's size (fp-collision.ts): 8 lists of 300 versions, about 12 solutions expected, so one is found for any victim but about once in e^12. */
const LISTS = 8
const VERSIONS = 300

export class CollideAttack implements Attack {
  /** The collision the attack plays, once ground: `first` holds the victim's chain (its first item), `second` does not. */
  collision: Collision | undefined
  /** The victim's chain as the collision counts it: its owner, height and head signature. */
  victim: { owner: Uint8Array, height: number, head: Uint8Array } | undefined
  #claim = { chains: 0, sum: 0n }
  readonly #served = new Map<string, { block: Uint8Array, side: string }>()
  constructor (readonly env: HostileEnv) {}

  /** Scripted once the collision is ground (before, it syncs honestly to learn a victim), on three links in four. */
  scripted (): boolean {
    return this.#ground() && this.env.rng.chance(0.75)
  }

  #ground (): boolean {
    if (this.collision) return true
    const b = this.env.core()
    const cards = b?.chains().filter(c => c.length >= 2) ?? []
    if (cards.length === 0) return false
    const v = cards[this.env.rng.int(cards.length)]
    const t = this.env.trueTime()
    this.victim = { owner: v.owner, height: v.length, head: v.head }
    const victim: Version = { owner: v.owner, block: new Uint8Array(0), hash: itemHash(v.owner, v.length, v.head) }
    this.collision = grind(victim, TAG, VERSIONS, t - t % DATE_STEP, LISTS)
    this.env.count('collisionsGround')
    return true
  }

  /** A HELLO under a made-up key claiming the colliding sum: its core's set with the a_i (equal to the set without the victim's chain, with W and the b_i). */
  hello (): HelloFields {
    const held = this.env.core()?.chains() ?? []
    const sum = held.reduce((s, c) => s + itemHash(c.owner, c.length, c.head), 0n) + unkeyedSum(this.collision!.first.slice(1))
    this.#claim = { chains: held.length + LISTS, sum: BigInt.asUintN(64, sum) }
    this.env.count('collidingHellos')
    return { ...madeUpKey(this.env.rng), time: BigInt(this.env.trueTime()), chains: this.#claim.chains, fingerprint: this.#claim.sum }
  }

  /** The peer's side of the collision (by its index's parity), eight of its chains a link. */
  list (peer: PeerView): Array<{ owner: Uint8Array, height: number }> {
    const c = this.collision!
    const [side, name] = peer.index % 2 === 0 ? [c.first.slice(1), 'servedWithVictim'] : [c.second, 'servedWithoutVictim']
    const pick = [...side].sort(() => this.env.rng.next() - 0.5).slice(0, 8)
    this.#served.clear()
    for (const x of pick) this.#served.set(toHex(x.owner), { block: x.block, side: name })
    return pick.map(x => ({ owner: x.owner, height: 1 }))
  }

  answer (owner: Uint8Array): Uint8Array[] {
    const s = this.#served.get(toHex(owner))
    if (!s) return []
    // Which side's version a badge took: the a_i go with the victim's chain (first), W and the b_i without it (second).
    this.env.count(s.side)
    return [blocks(1, s.block)]
  }

  tick (): void { reconnect(this.env, 2) }
}
