// The engine's badge rules on their own (simulated NOR flash): the mesh
// clock's skew bound, no zombies, orphans waiting for their parents, memory
// pressure, and states that survive a reboot.

import { describe, it, expect } from 'vitest'
import { encode } from 'cborg'
import * as PF from 'picofeed'
import { BadgeEngine } from '../host/engine.js'
import { NorFlash, flashImports } from '../host/nor-flash.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const SKEW = 5 * 60_000

function setup (sectors = 32) {
  const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: sectors * 4096 })
  const engine = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0)
  return { flash, engine, ci: engine.collection('cards') }
}

function card (feed: PF.Feed, sk: PF.SecretKey, name: string, date: number): Uint8Array {
  feed.append(encode(['cards', { name }, date]), sk)
  return Uint8Array.from(feed.slice(-1).buffer)
}

describe('state engine badge rules (simulated NOR flash)', () => {
  it('refuses blocks dated beyond the skew bound, and cards already expired on arrival', () => {
    const { engine } = setup()
    const a = PF.Feed.signPair()
    expect(engine.dispatch(card(new PF.Feed(), a.sk, 'early', T0 + SKEW + 1), T0)).toBe(-64)
    expect(engine.dispatch(card(new PF.Feed(), a.sk, 'stale', T0 - HOUR), T0)).toBe(-65)
    expect(engine.dispatch(card(new PF.Feed(), a.sk, 'just in time', T0 + SKEW), T0)).toBe(1)
  })

  it('says why a body is refused: not [collection, payload, date] (-62), or a well-formed body its collection rejects (-66)', () => {
    const { engine } = setup()
    const a = PF.Feed.signPair()
    const block = (body: Uint8Array) => { const f = new PF.Feed(); f.append(body, a.sk); return Uint8Array.from(f.buffer) }
    expect(engine.dispatch(block(encode({ not: 'an array' })), T0)).toBe(-62)
    expect(engine.dispatch(block(Uint8Array.from([...encode(['cards', { name: 'ann' }, T0]), 0x00])), T0)).toBe(-62) // trailing bytes
    expect(engine.dispatch(block(Uint8Array.from([0x9f, ...encode('cards').subarray(0), 0xa0])), T0)).toBe(-62) // indefinite array, no break
    expect(engine.dispatch(block(encode(['cards'])), T0)).toBe(-66) // no payload, no date: picostore's collection refuses it too
    expect(engine.dispatch(block(encode(['cards', { name: 'ann' }])), T0)).toBe(-66) // no date
    expect(engine.dispatch(block(Uint8Array.from([0x9f, ...encode('cards'), 0xff])), T0)).toBe(-66) // indefinite [cards]
    expect(engine.dispatch(block(encode(['cards', { name: 'ann' }, T0])), T0)).toBe(1)
  })

  it('forgets a card an hour after its last update, and does not take the chain back from a neighbour', () => {
    const { engine, ci } = setup()
    const a = PF.Feed.signPair()
    const feed = new PF.Feed()
    expect(engine.dispatch(card(feed, a.sk, 'ann', T0), T0)).toBe(1)
    expect(engine.dispatch(card(feed, a.sk, 'ann again', T0 + 30 * 60_000), T0 + 30 * 60_000)).toBe(1)
    expect(engine.tick(T0 + HOUR + 1)).toBe(0) // renewed by the update
    expect(engine.state(ci, PF.fromHex(a.pk))!.expires).toBe(T0 + 30 * 60_000 + HOUR)
    expect(engine.tick(T0 + 90 * 60_000)).toBe(1)
    expect(engine.state(ci, PF.fromHex(a.pk))).toBeUndefined()
    // A neighbour who still has the chain offers it again: refused (its cards are expired; its genesis is tombstoned).
    expect(engine.dispatch(Uint8Array.from(feed.buffer), T0 + 91 * 60_000)).toBeLessThan(0)
    const fresh = new PF.Feed()
    expect(engine.dispatch(card(fresh, a.sk, 'new me', T0 + 91 * 60_000), T0 + 91 * 60_000)).toBe(-55) // tombstone until expiry + skew
    expect(engine.dispatch(card(new PF.Feed(), a.sk, 'new me', T0 + 96 * 60_000), T0 + 96 * 60_000)).toBe(1)
  })

  it('keeps a block whose parent is missing until the parent arrives', () => {
    const { engine, ci } = setup()
    const a = PF.Feed.signPair()
    const feed = new PF.Feed()
    const b0 = card(feed, a.sk, 'one', T0)
    const b1 = card(feed, a.sk, 'two', T0 + 1000)
    const b2 = card(feed, a.sk, 'three', T0 + 2000)
    expect(engine.dispatch(b2, T0 + 3000)).toBeLessThan(0)
    expect(engine.dispatch(b1, T0 + 3000)).toBeLessThan(0)
    expect(engine.stats().pending).toBe(2)
    expect(engine.dispatch(b0, T0 + 3000)).toBe(3) // the genesis pulls both waiting blocks in
    expect(engine.stats().pending).toBe(0)
    const s = engine.state(ci, PF.fromHex(a.pk))!
    expect(new TextDecoder().decode(s.bytes.subarray(9, 9 + s.bytes[8]))).toBe('three')
  })

  it('bounds the pending pool under a flood of orphans, and still merges what it kept', () => {
    const { engine, ci } = setup()
    const used = engine.core.x.memory_used()
    // A hostile neighbour offers blocks whose parents never come.
    for (let i = 0; i < 300; i++) {
      const x = PF.Feed.signPair()
      const f = new PF.Feed()
      card(f, x.sk, 'ghost', T0)
      expect(engine.dispatch(card(f, x.sk, 'orphan', T0 + 1), T0 + 2)).toBeLessThan(0)
    }
    expect(engine.stats().pending).toBeLessThanOrEqual(24)
    expect(engine.core.x.memory_used()).toBe(used)
    // An honest chain whose blocks arrive backwards still comes together.
    const a = PF.Feed.signPair()
    const feed = new PF.Feed()
    const blocks = [0, 1, 2, 3].map(i => card(feed, a.sk, `v${i}`, T0 + 10 + i))
    for (const b of blocks.slice(1).reverse()) engine.dispatch(b, T0 + 20)
    expect(engine.dispatch(blocks[0], T0 + 20)).toBe(4)
    const s = engine.state(ci, PF.fromHex(a.pk))!
    expect(new TextDecoder().decode(s.bytes.subarray(9, 9 + s.bytes[8]))).toBe('v3')
  })

  it('takes blocks of up to BLOCK_MAX (1,280) bytes, waiting or not, replays them after a reboot, and refuses larger ones (-52)', () => {
    const { flash, engine, ci } = setup()
    /** feed's next block by sk, padded to exactly n bytes (as a feed: "PIC0" and the block). */
    const sized = (feed: PF.Feed, sk: PF.SecretKey, n: number, date: number): Uint8Array => {
      for (let k = n - 210; k < n; k++) {
        const f = feed.clone()
        f.append(encode(['cards', { name: 'big', note: 'A'.repeat(k) }, date]), sk)
        const b = Uint8Array.from(f.slice(-1).buffer)
        if (b.length === 4 + n) { feed.append(encode(['cards', { name: 'big', note: 'A'.repeat(k) }, date]), sk); return b }
      }
      throw new Error(`no block of ${n} bytes`)
    }
    const a = PF.Feed.signPair()
    const feed = new PF.Feed()
    const b0 = sized(feed, a.sk, 1280, T0)
    const b1 = sized(feed, a.sk, 1280, T0 + 1)
    expect(engine.dispatch(b1, T0 + 2)).toBeLessThan(0) // its parent is missing: it waits
    expect(engine.stats().pending).toBe(1)
    expect(engine.dispatch(b0, T0 + 2)).toBe(2)
    const x = PF.Feed.signPair()
    expect(engine.dispatch(sized(new PF.Feed(), x.sk, 1281, T0), T0 + 2)).toBe(-52)
    expect(engine.stats().pending).toBe(0)
    const again = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0 + 3)
    expect(again.state(ci, PF.fromHex(a.pk))).toEqual(engine.state(ci, PF.fromHex(a.pk)))
    expect(again.state(ci, PF.fromHex(a.pk))!.expires).toBe(T0 + 1 + HOUR)
  })

  it('under memory pressure evicts the chains that expire soonest and keeps accepting', () => {
    const { engine, ci } = setup(64)
    const authors = Array.from({ length: 200 }, (_, i) => ({ ...PF.Feed.signPair(), date: T0 + i * 1000 }))
    for (const x of authors) expect(engine.dispatch(card(new PF.Feed(), x.sk, 'x', x.date), T0 + 200_000)).toBe(1)
    const st = engine.stats()
    expect(st.objects).toBeLessThanOrEqual(128)
    expect(st.evictions).toBeGreaterThanOrEqual(200 - 128)
    // The newest are all there; the oldest (soonest to expire) went.
    for (const x of authors.slice(-100)) expect(engine.state(ci, PF.fromHex(x.pk))).toBeDefined()
    expect(engine.state(ci, PF.fromHex(authors[0].pk))).toBeUndefined()
  })

  it('mounts after a reboot with the same states and the same expiries', () => {
    const { flash, engine, ci } = setup()
    const authors = Array.from({ length: 20 }, () => ({ ...PF.Feed.signPair(), feed: new PF.Feed() }))
    let now = T0
    for (let r = 0; r < 5; r++) for (const x of authors) { now += 1000; engine.dispatch(card(x.feed, x.sk, `n${r}`, now), now) }
    const again = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(now)
    for (const x of authors) expect(again.state(ci, PF.fromHex(x.pk))).toEqual(engine.state(ci, PF.fromHex(x.pk)))
    expect(again.tick(now + 2 * HOUR)).toBe(20)
  })
})
