// #12, finding 6: an author steers the set fingerprints to collide. Under
// protocol 2 a range's fingerprint was the sum of its items' public hashes,
// so an author grinding versions of chains it owns (support/fp-collision.ts,
// a generalised birthday search of a few seconds) made two badges hold
// different sets, one with a victim's chain and one without, with equal
// fingerprints and counts: their adverts matched, so neither connected,
// and a link between them ended at the HELLOs, "in sync". The victim's card
// never spread across that pair, and every post both took on moved their
// sums alike, so the blindness lasted.
//
// Now the fingerprints that decide "in sync" are keyed per link
// (assembly/sync/items.ts, K1), and adverts and HELLOs carry a digest that
// is not additive. Run against the protocol 2 core (build/core.wasm from
// before the change), both tests fail: the badges never ask to connect, and
// the forced link leaves the victim's chain behind.

import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { badge, give, T0 } from './support/badges.js'
import { sync, chainSet, ADDR_A, ADDR_B } from './support/pipe.js'
import { grind, genesis, unkeyedSum, Version, Collision } from './support/fp-collision.js'

const DATE = T0 - 60_000
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** The set digest the core advertises (items.ts): SHA-512 over the items' hashes in owner order, its first 8 bytes. */
function digestOf (vs: Version[]): bigint {
  const h = createHash('sha512')
  for (const x of [...vs].sort((p, q) => Buffer.compare(p.owner, q.owner))) {
    const b = Buffer.alloc(8); b.writeBigUInt64LE(x.hash); h.update(b)
  }
  return h.digest().readBigUInt64LE(0)
}

// One grind for the file (a few seconds): chains both badges hold, the victim's, and the author's versions.
const shared = [1, 2, 3].map(i => genesis(new Uint8Array(32).fill(0x30 + i), `shared ${i}`, DATE))
const victim = genesis(new Uint8Array(32).fill(0x09), 'victim', DATE)
const attack: Collision = grind(victim, 1, 80, DATE)

/** Two badges holding the two colliding sets, and the advert each sends. */
function victims (seed: number) {
  const a = badge(seed); const b = badge(seed + 1)
  for (const x of [...shared, ...attack.first]) expect(give(a, x.block, 0)).toBe(1)
  for (const x of [...shared, ...attack.second]) expect(give(b, x.block, 0)).toBe(1)
  a.tick(0); b.tick(0)
  const advertOf = (x: typeof a) => x.drain().filter(r => r.kind === 'advertise').map(r => (r as { data: Uint8Array }).data).at(-1)!
  return { a, b, adA: advertOf(a), adB: advertOf(b) }
}

describe('set fingerprints an author steers to collide (#12, finding 6)', () => {
  it('the attack is real: the two sets differ, and protocol 2 summed them alike', () => {
    const { a, b } = victims(610)
    // The host's item hash is the core's: the digest each badge reports is made from the same hashes.
    expect(a.status(0).fingerprint).toBe(digestOf([...shared, ...attack.first]))
    expect(b.status(0).fingerprint).toBe(digestOf([...shared, ...attack.second]))
    expect(unkeyedSum(attack.first)).toBe(unkeyedSum(attack.second))
    expect(attack.first.length).toBe(attack.second.length)
    expect(chainSet(a)).not.toEqual(chainSet(b))
    expect(chainSet(b)).not.toContain(`${hex(victim.owner)}:1`)
  })

  it('badges holding the colliding sets still ask to connect', () => {
    const { a, b, adA, adB } = victims(620)
    let asked = false
    // The lower id connects at once, the other once the difference has lasted CONNECT_LATE (3 s).
    for (let t = 1000; t <= 5000 && !asked; t += 1000) {
      a.tick(t); b.tick(t)
      asked = a.advert(ADDR_B, adB, t) || b.advert(ADDR_A, adA, t)
    }
    expect(asked, 'one badge asked to connect to the other').toBe(true)
  })

  it('a link between them reconciles and fetches the victim\'s chain', () => {
    const { a, b } = victims(630)
    const r = sync(a, b)
    expect(r.closedBy, 'the sync ran to its end').toBe(a)
    expect(chainSet(b)).toContain(`${hex(victim.owner)}:1`)
    expect(chainSet(a)).toContain(`${hex(attack.second[0].owner)}:1`) // the author's extra chain W, the other way
  })
})
