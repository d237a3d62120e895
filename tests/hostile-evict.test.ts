// #12, findings 3 and 5: sync never evicts a chain the badge holds to make
// room for one it did not hold, and an evicted chain never comes back before
// its hold (its expiry plus the skew bound) has passed.
//
// Three hostile links each offer 16 chains the badge lacks, to a badge with
// 20 free chain slots: each link's WANTs stay within the per-link bound and
// the reserve as counted when it asked, but together they ask for more than
// the store has free. Only free slots above the reserve are filled; no held
// chain is evicted (engine.ts E9).
//
// 200 chains are evicted one after another on a store with 128 tombstone
// slots: none may come back before its hold ends (repo.ts R6).

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { HostileLink, MSG, hello, reconList, blocks, end, seedOf } from './support/hostile-peer.js'
import { FlashRepo, StoreError } from '../host/repo.js'
import { NorFlash, NRF52840, flashImports } from '../host/nor-flash.js'

const MAX_CHAINS = 128
const CHAIN_RESERVE = 8
const NEW_CHAINS_MAX = 16
const E_EVICTED = -55
const E_TABLE_FULL = -56
const bare = (run: Uint8Array) => run.subarray(4)

describe('sync never evicts a held chain (#12, finding 3)', () => {
  it('three links together cannot take the reserve or push out a held chain', () => {
    const a = badge(5101)
    const honest = Array.from({ length: MAX_CHAINS - 20 }, () => { const x = author(); expect(give(a, cards(x, 1, T0 - 60_000), 0)).toBe(1); return x.pk })
    const links = [7, 8, 9].map((h, k) => {
      const link = new HostileLink(a, h, 1000)
      link.greet(seedOf(20 + k), BigInt(T0))
      const offered = Array.from({ length: 16 }, () => { const x = author(); cards(x, 1, T0 - 60_000); return x })
      link.send(reconList(offered.slice(0, 8).map(x => ({ owner: PF.fromHex(x.pk), height: 1 }))))
      link.send(reconList(offered.slice(8).map(x => ({ owner: PF.fromHex(x.pk), height: 1 }))))
      return { link, offered }
    })
    let asked = 0
    for (const { link, offered } of links) {
      const wants = link.got.filter(m => m[0] === MSG.WANT).map(m => PF.toHex(m.subarray(1, 33)))
      expect(wants.length).toBeLessThanOrEqual(NEW_CHAINS_MAX)
      asked += wants.length
      for (const pk of wants) {
        const x = offered.find(o => o.pk === pk)!
        link.send(blocks(1, bare(x.feed.buffer)))
        link.send(end(PF.fromHex(pk)))
      }
    }
    expect(asked, 'the links asked for more chains than the store has free').toBeGreaterThan(20 - CHAIN_RESERVE)
    const held = a.chains().map(c => PF.toHex(c.owner))
    for (const pk of honest) expect(held, 'a held chain was evicted').toContain(pk)
    expect(held.length).toBe(MAX_CHAINS - CHAIN_RESERVE) // the reserve stays free
    const st = a.status(links[2].link.t)
    expect(st.evictions).toBe(0)
    expect(st.violations).toBe(0) // a full store is nobody's fault
  })
})

describe('the per-link bound on new chains (#12, finding 3)', () => {
  it('one link offering 40 chains to a badge with room for all brings at most 16', () => {
    const a = badge(5102)
    const link = new HostileLink(a, 7, 1000)
    link.greet(seedOf(9), BigInt(T0))
    const offered = Array.from({ length: 40 }, () => { const x = author(); cards(x, 1, T0 - 60_000); return x })
    for (let i = 0; i < offered.length; i += 8) link.send(reconList(offered.slice(i, i + 8).map(x => ({ owner: PF.fromHex(x.pk), height: 1 }))))
    // It answers every WANT, and pushes the chains it was not asked for after them.
    const wants = new Set(link.got.filter(m => m[0] === MSG.WANT).map(m => PF.toHex(m.subarray(1, 33))))
    expect(wants.size).toBe(NEW_CHAINS_MAX)
    for (const x of offered.filter(o => wants.has(o.pk))) {
      link.send(blocks(1, bare(x.feed.buffer)))
      link.send(end(PF.fromHex(x.pk)))
    }
    expect(a.chains().length).toBe(NEW_CHAINS_MAX)
    link.send(blocks(1, bare(offered.find(o => !wants.has(o.pk))!.feed.buffer)))
    expect(a.chains().length).toBe(NEW_CHAINS_MAX)
    expect(a.status(link.t).violations).toBe(1) // blocks nobody asked for
  })
})

describe('an evicted chain never returns before its hold ends (#12, finding 5)', () => {
  it('200 chains evicted one after another: each is refused until its hold has passed', () => {
    const flash = new NorFlash(NRF52840)
    const repo = new FlashRepo(flash.geometry, m => flashImports(flash, m)).mount()
    const HOLD = 3_600_000
    const evicted: Array<{ block: Uint8Array, owner: Uint8Array, until: number }> = []
    let refusedEvictions = 0
    let now = 1000
    for (let i = 0; i < 200; i++, now += 1000) {
      const x = author(); const run = bare(cards(x, 1, T0))
      const owner = PF.fromHex(x.pk)
      expect(repo.write(run, now)).toBe(true)
      try {
        repo.evict(owner, now + HOLD, now)
        evicted.push({ block: run, owner, until: now + HOLD })
      } catch (e) {
        // R6: every tombstone slot holds a chain whose time has not come: the chain stays.
        expect((e as StoreError).code).toBe(E_TABLE_FULL)
        refusedEvictions++
      }
    }
    expect(evicted.length).toBeGreaterThanOrEqual(MAX_CHAINS)
    expect(refusedEvictions).toBe(200 - evicted.length)
    // Before its hold ends (and across a remount), no evicted chain is taken back.
    for (const round of ['before a remount', 'after a remount']) {
      for (const e of evicted) {
        let rc = 0
        try { repo.write(e.block, e.until - 1) } catch (err) { rc = (err as StoreError).code }
        expect(rc, `${round}: an evicted chain came back before its hold`).toBe(E_EVICTED)
      }
      repo.mount()
    }
    // Once the holds have passed, the table frees up and evicting works again.
    const later = now + HOLD + 1
    const x = author(); const run = bare(cards(x, 1, T0))
    const chainsBefore = repo.stats().chains
    expect(repo.write(run, later)).toBe(true)
    expect(repo.evict(PF.fromHex(x.pk), later + HOLD, later)).toBe(1)
    expect(repo.stats().chains).toBe(chainsBefore)
    // The records of the tombstones dropped to make room are still on flash: a remount keeps the one that still holds.
    repo.mount()
    let rc = 0
    try { repo.write(run, later + HOLD - 1) } catch (err) { rc = (err as StoreError).code }
    expect(rc, 'after a remount, the chain evicted last came back before its hold').toBe(E_EVICTED)
  })
})

describe('the collector when every tombstone slot is held (#12, finding 5)', () => {
  it('keeps an expired chain it cannot tombstone, and evicts it once a slot frees', () => {
    const SEC = 1000
    const SKEW = 5 * 60 * SEC
    const HOUR = 3600 * SEC
    const a = badge(5201)
    // 128 chains whose cards expire at T0 + 10 s: the collector evicts them all, each held off until T0 + 10 s + SKEW.
    for (let i = 0; i < MAX_CHAINS; i++) expect(give(a, cards(author(), 1, T0 - HOUR + 10 * SEC), 0)).toBe(1)
    a.tick(11 * SEC)
    expect(a.chains().length).toBe(0)
    expect(a.status(11 * SEC).evictions).toBe(MAX_CHAINS)
    // One more chain, whose card expires at T0 + 60 s, while every tombstone still holds its chain off.
    const late = author()
    expect(give(a, cards(late, 1, T0 - HOUR + 60 * SEC), 20 * SEC)).toBe(1)
    a.tick(61 * SEC)
    expect(a.chains().map(c => PF.toHex(c.owner)), 'evicted although no tombstone slot was free').toEqual([late.pk])
    expect(a.status(61 * SEC).evictions).toBe(MAX_CHAINS)
    // Once the first holds have passed, the collector evicts it (and tombstones it for SKEW more).
    a.tick(10 * SEC + SKEW + SEC)
    expect(a.chains().length).toBe(0)
    expect(a.status(10 * SEC + SKEW + SEC).evictions).toBe(MAX_CHAINS + 1)
  })
})
