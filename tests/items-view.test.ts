// The chain-set view (assembly/sync/items.ts) keeps per chain slot the
// item's hash and key, and hashes a slot again only when the repo marks its
// head as set since (repo.ts, cMoved). If a change slipped past the mark,
// the badge would advertise a digest of a set it no longer holds. Here a
// badge goes through seeded runs of everything that changes its chains
// (new chains, longer chains, syncs, the collector's evictions, a full
// store evicting to make room, remounts after power cuts), and after each
// step the digest in its advertisement must equal the one computed from
// scratch from the chains it lists (store_chains), as items.ts defines it.
import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { Badge, OutboxRecord, CHAIN_RECORD } from '../host/badge.js'
import { NorFlash, NRF52840 } from '../host/nor-flash.js'
import { IO_DATA } from '../host/core.js'
import { author, cards, meshTime, T0, Author } from './support/badges.js'
import { sync } from './support/pipe.js'
import { Rng } from './support/rng.js'

const sha512 = (b: Uint8Array): Uint8Array => createHash('sha512').update(b).digest()

/** The set digest by items.ts's definition, from store_chains' records (owner 32, length u32 LE, head signature 64). */
function digestOf (records: Uint8Array): string {
  const items: Array<{ owner: Uint8Array, hash: Uint8Array }> = []
  for (let at = 0; at < records.length; at += CHAIN_RECORD) {
    const owner = records.subarray(at, at + 32)
    items.push({ owner, hash: sha512(records.subarray(at, at + CHAIN_RECORD)).subarray(0, 8) })
  }
  items.sort((a, b) => Buffer.compare(a.owner, b.owner))
  return Buffer.from(sha512(Buffer.concat(items.map(i => i.hash))).subarray(0, 8)).toString('hex')
}

/** The digest an advertisement carries (assembly/sync/advert.ts: u64 at byte 14). */
const advertDigest = (data: Uint8Array): string => Buffer.from(data.subarray(14, 22)).toString('hex')

/** A badge whose advertisements are kept as they are drained. */
class Watched {
  badge: Badge
  advert: Uint8Array | null = null
  local = 0
  constructor (readonly seed: number, readonly flash = new NorFlash(NRF52840)) { this.badge = this.#boot(T0) }

  #boot (hint: number): Badge {
    const seed = this.seed
    const b = new Badge({ flash: this.flash, entropy: x => x.fill(seed & 0xff).set([seed >> 8 & 0xff, seed >> 16 & 0xff], 0) })
    this.local = 0
    b.init(0, hint)
    this.badge = b
    this.take(b.drain())
    return b
  }

  take (records: OutboxRecord[]): void { for (const r of records) if (r.kind === 'advertise') this.advert = r.data }
  now (): number { return meshTime(this.badge, this.local) }
  tick (dt: number): void { this.local += dt; this.badge.tick(this.local); this.take(this.badge.drain()) }
  /** Power cut and start again on the same flash, the mesh time carried over as a hint. */
  remount (): void { this.#boot(this.now()) }

  /** Puts blocks straight into its engine (as if received); the number accepted. */
  give (bytes: Uint8Array): number {
    const c = this.badge.core
    const now = this.now()
    c.put(IO_DATA, bytes)
    const rc = c.x.engine_dispatch(c.io + IO_DATA, bytes.length, BigInt(now))
    this.take(this.badge.drain())
    return rc
  }

  /** The advertised digest equals the one the badge's chains give, after a tick (which re-advertises). */
  check (what: string): void {
    this.tick(1000)
    const records = this.badge.chainRecords()
    expect(this.advert, what).not.toBeNull()
    expect(advertDigest(this.advert!), `${what} (${records.length / CHAIN_RECORD} chains)`).toBe(digestOf(records))
  }
}

describe('the chain-set view follows every change of the chains (digest against one from scratch)', () => {
  for (const seed of [1, 2, 3]) {
    it(`new and longer chains, syncs, evictions, a full store and remounts (seed ${seed})`, () => {
      const rng = new Rng(seed)
      const authors: Author[] = [author()]
      const badges = [new Watched(10 + seed), new Watched(20 + seed)]
      let most = 0
      for (const w of badges) w.check('at start')
      for (let step = 0; step < 90; step++) {
        const w = rng.pick(badges)
        const op = rng.int(10)
        if (op < 6) {
          // Chains made longer (their next card, dated a minute ago by this badge's clock), or, now and
          // then, a crowd of new authors: past 128 chains, founding one evicts another in the same call.
          const crowd = op === 0 ? 50 : 0
          for (let k = 0; k < crowd; k++) authors.push(author())
          const some = crowd > 0 ? authors.slice(-crowd) : [rng.pick(authors.slice(-60))]
          for (const a of some) {
            if (a.feed.length < 5) cards(a, 1 + rng.int(2), w.now() - 60_000) // at most 6 blocks: a feed fits one call
            w.give(Uint8Array.from(a.feed.buffer)) // the whole feed: blocks the badge holds already are skipped
          }
          w.check(`step ${step}: blocks of ${some.length} authors`)
          most = Math.max(most, w.badge.chains().length)
        } else if (op < 8) {
          const [x, y] = rng.int(2) === 0 ? badges : [badges[1], badges[0]]
          const r = sync(x.badge, y.badge, { t: Math.max(x.local, y.local) + 1, other: (who, rec) => (who === x.badge ? x : y).take([rec]) })
          x.local = y.local = r.t
          for (const v of badges) v.check(`step ${step}: after a sync`)
        } else if (op < 9) {
          // Time passes past the cards' hour: the collector evicts the chains whose cards expired.
          w.tick(rng.pick([10 * 60_000, 40 * 60_000, 70 * 60_000]))
          w.check(`step ${step}: after time passed`)
        } else {
          w.remount()
          w.check(`step ${step}: after a remount`)
        }
      }
      expect(most, 'the store was full at least once').toBe(128)
    })
  }
})
