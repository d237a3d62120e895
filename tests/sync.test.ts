// The sync protocol between two real badges over one link (no radio
// model): random sets of chains converge to their union, traffic grows
// with the difference rather than with the sets, and blocks arrive intact.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { badge, author, cards, give, stored, T0, Author } from './support/badges.js'
import { sync, chainSet, ADDR_A, ADDR_B } from './support/pipe.js'
import { Rng } from './support/rng.js'

/** Feeds the first `h` blocks of an author's feed to a badge. */
function giveFirst (b: ReturnType<typeof badge>, a: Author, h: number): void {
  if (h === 0) return
  const run = a.feed.slice(0, h)
  expect(give(b, Uint8Array.from(run.buffer), 0)).toBe(h)
}

describe('sync protocol between two badges', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random chain sets converge to their union (seed ${seed})`, () => {
      const rng = new Rng(seed)
      const authors = Array.from({ length: 1 + rng.int(30) }, () => author())
      const want = new Map<string, number>()
      const a = badge(100 + seed); const b = badge(200 + seed)
      for (const x of authors) {
        const len = 1 + rng.int(4)
        cards(x, len, T0 - 60_000)
        const ha = rng.int(len + 1); const hb = rng.int(len + 1)
        giveFirst(a, x, ha); giveFirst(b, x, hb)
        if (Math.max(ha, hb) > 0) want.set(x.pk, Math.max(ha, hb))
      }
      const expected = [...want].map(([pk, h]) => `${pk}:${h}`).sort()
      // A link brings at most 16 new chains: a few rounds may be needed, never more than the difference says.
      let t = 1000
      let rounds = 0
      while (rounds < 10 && (chainSet(a).join() !== expected.join() || chainSet(b).join() !== expected.join())) {
        t = sync(a, b, { t, mtu: rng.pick([23, 64, 185, 247]) }).t + 1000
        rounds++
      }
      expect(chainSet(a)).toEqual(expected)
      expect(chainSet(b)).toEqual(expected)
      expect(rounds).toBeLessThanOrEqual(1 + Math.ceil(authors.length / 16))
      // What arrived verifies with picofeed, block for block: each badge holds, for each author,
      // exactly the first blocks of what the author wrote, signatures and bytes.
      for (const x of [a, b]) {
        for (const au of authors) {
          const h = want.get(au.pk) ?? 0
          const got = stored(x, PF.fromHex(au.pk))
          expect(got?.length ?? 0, `${au.pk.slice(0, 8)}`).toBe(h)
          if (got) expect(PF.toHex(got.buffer)).toBe(PF.toHex(au.feed.slice(0, h).buffer))
        }
      }
    })
  }

  it('badges that differ in most of a full store still finish every sync and converge, 16 new chains a link', () => {
    const all = Array.from({ length: 110 }, () => author())
    for (const x of all) cards(x, 1, T0 - 60_000)
    const a = badge(320); const b = badge(321)
    all.forEach((x, i) => { giveFirst(a, x, 1); if (i % 11 === 0) giveFirst(b, x, 1) })
    let t = 1000
    let links = 0
    while (chainSet(b).length < 110 && links < 12) {
      const r = sync(a, b, { t })
      expect(r.closedBy, 'the sync ran to its end').toBe(a)
      expect(r.frames[0] + r.frames[1]).toBeLessThan(2000)
      t = r.t + 1000
      links++
    }
    expect(chainSet(b)).toEqual(chainSet(a))
    expect(links).toBe(Math.ceil(100 / 16))
  })

  it('sends little when the sets differ in one chain of many, and almost nothing when they are equal', () => {
    const n = 100
    const shared = Array.from({ length: n }, () => author())
    for (const x of shared) cards(x, 1, T0 - 60_000)
    const a = badge(300); const b = badge(301)
    for (const x of shared) { giveFirst(a, x, 1); giveFirst(b, x, 1) }
    const same = sync(a, b)
    const equalBytes = same.bytes[0] + same.bytes[1]
    // Two HELLOs (77 B each with their frame headers), two PROOFs (76 B: the signature and the keyed set summary) and two DONEs.
    expect(equalBytes).toBeLessThan(320)
    const extra = author(); cards(extra, 1, T0 - 60_000)
    giveFirst(a, extra, 1)
    const one = sync(a, b)
    expect(chainSet(b)).toEqual(chainSet(a))
    const oneBytes = one.bytes[0] + one.bytes[1]
    const everyHead = n * (32 + 4 + 64) // listing each chain's owner, height and head
    const blockBytes = extra.feed.buffer.length
    expect(oneBytes - blockBytes).toBeLessThan(everyHead / 5)
  })

  it('after a sync that ended well, badges whose sets stay as they were do not connect again (P3)', () => {
    // Both hold the same 120 chains, and a one more: b's store is as full as sync fills it (128
    // chain slots, 8 kept free), so a's extra chain cannot come over and the difference outlasts the sync. The adverts and the HELLOs carry one digest,
    // so each remembers the pair of digests the sync ended on and does not connect while they hold.
    // (Before protocol 3 the advert's digest was folded with the count and the remembered one not:
    // they never matched, and such neighbours connected again at every advert heard.)
    const a = badge(330); const b = badge(331)
    for (let i = 0; i < 120; i++) { const x = author(); cards(x, 1, T0 - 60_000); giveFirst(a, x, 1); giveFirst(b, x, 1) }
    const extra = author(); cards(extra, 1, T0 - 60_000); giveFirst(a, extra, 1)
    // A badge re-advertises only when its advert changes: the last one each sent is what the radio still sends.
    const last = new Map<unknown, Uint8Array>()
    const r = sync(a, b, { other: (x, m) => { if (m.kind === 'advertise') last.set(x, m.data) } })
    expect(r.closedBy, 'the sync ran to its end').toBe(a)
    expect(chainSet(b)).not.toContain(`${extra.pk}:1`)
    const advertOf = (x: ReturnType<typeof badge>, t: number) => { x.tick(t); return x.drain().filter(m => m.kind === 'advertise').map(m => (m as { data: Uint8Array }).data).at(-1) }
    let adA = advertOf(a, r.t) ?? last.get(a); let adB = advertOf(b, r.t) ?? last.get(b)
    expect(adA && adB, 'both advertise').toBeTruthy()
    let asked = false
    for (let t = r.t + 1000; t <= r.t + 10_000; t += 1000) {
      adA = advertOf(a, t) ?? adA; adB = advertOf(b, t) ?? adB
      asked ||= a.advert(ADDR_B, adB!, t) || b.advert(ADDR_A, adA!, t)
    }
    expect(asked, 'neither asked to connect again').toBe(false)
  })

  it('delivers blocks byte for byte: what the receiver stores verifies in picofeed', () => {
    const a = badge(310); const b = badge(311)
    const x = author()
    expect(give(a, cards(x, 5, T0 - 60_000), 0)).toBe(5)
    sync(a, b, { mtu: 23 })
    const c = b.core
    c.put(64, PF.fromHex(x.pk))
    expect(c.x.store_load(c.io + 64, 1, c.io + 256, c.dataCap)).toBe(5)
    const len = new DataView(c.u8.buffer, c.io + 256, 4).getUint32(0, true)
    const got = PF.Feed.from(Uint8Array.from([...PF.s2b('PIC0'), ...c.get(260, len)]))
    expect(PF.toHex(got.buffer)).toBe(PF.toHex(x.feed.buffer))
  })
})
