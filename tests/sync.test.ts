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

  // The set's digest hashes the items in key order (assembly/sync/items.ts), which the view keeps by
  // repairing its order as chains arrive, one at a time or several between two looks (an insertion
  // sort). Any slip shows as a digest that depends on the order.
  for (const seed of [1, 2, 3]) {
    it(`a set's digest does not depend on the order its chains arrived in, one by one or in batches (seed ${seed})`, () => {
      const rng = new Rng(seed)
      const authors = Array.from({ length: 20 + rng.int(30) }, () => author())
      const lengths = authors.map(x => { const n = 1 + rng.int(4); cards(x, n, T0 - 60_000); return n })
      const run = (x: Author, from: number, to: number): Uint8Array => Uint8Array.from(x.feed.slice(from, to).buffer)
      // Each author's chain arrives in two parts, the second growing the first (a new head).
      const steps: Array<[number, number, number]> = []
      authors.forEach((_, i) => { const cut = 1 + rng.int(lengths[i]); steps.push([i, 0, cut]); if (cut < lengths[i]) steps.push([i, cut, lengths[i]]) })
      const shuffled = (): Array<[number, number, number]> => {
        const order = [...steps]
        for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]] }
        // A second part after its first: the pair's places are swapped where needed.
        const at = new Map<number, number>()
        order.forEach((st, k) => {
          const first = at.get(st[0])
          if (first === undefined) { at.set(st[0], k); return }
          if (order[first][1] > st[1]) [order[first], order[k]] = [order[k], order[first]]
        })
        return order
      }
      const one = badge(300 + seed); const batched = badge(400 + seed); const sorted = badge(500 + seed)
      for (const [i, from, to] of shuffled()) {
        expect(give(one, run(authors[i], from, to), 0)).toBe(to - from)
        one.status(0) // the view is refreshed after every chain
      }
      const order = shuffled()
      for (let k = 0; k < order.length; k++) {
        const [i, from, to] = order[k]
        expect(give(batched, run(authors[i], from, to), 0)).toBe(to - from)
        if (rng.int(4) === 0) batched.status(0) // and here after a few at a time
      }
      const byKey = authors.map((x, i) => [x, i] as const).sort((p, q) => p[0].pk < q[0].pk ? -1 : 1)
      for (const [x, i] of byKey) expect(give(sorted, run(x, 0, lengths[i]), 0)).toBe(lengths[i])
      const digest = sorted.status(0).fingerprint
      expect(one.status(0).fingerprint).toBe(digest)
      expect(batched.status(0).fingerprint).toBe(digest)
      expect(chainSet(one)).toEqual(chainSet(sorted))
      // The digest tells sets apart: one chain less is another digest.
      const less = badge(600 + seed)
      for (const [x, i] of byKey.slice(1)) give(less, run(x, 0, lengths[i]), 0)
      expect(less.status(0).fingerprint).not.toBe(digest)
    })
  }

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
