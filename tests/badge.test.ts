// The badge behind its ABI (docs/ABI.md, "Badge"): identity and own feed
// across reboots, actions as picofeed blocks with picostore bodies, the
// mesh clock's rules, links and the outbox. Flash is a simulated NOR part.

import { describe, it, expect } from 'vitest'
import { decode, encode } from 'cborg'
import * as PF from 'picofeed'
import { Badge } from '../host/badge.js'
import { NorFlash, NRF52840, PowerLoss } from '../host/nor-flash.js'
import { IO_DATA } from '../host/core.js'
import { helloMessage, parseHello, proofMessage, helloKey } from '../host/hello.js'
import { beaconSign } from '../host/beacon.js'
import { publicKeyOf } from '../host/ed25519.js'
import { badge, meshTime, author, cards, give, T0 } from './support/badges.js'
import { sync, chainSet, ADDR_A } from './support/pipe.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** The largest block a badge stores and syncs (assembly/profile.ts). */
const BLOCK_MAX = 1280

/** Appends to x's feed a card whose note pads its block to exactly `size` bytes, and returns that block. */
function bigBlock (x: ReturnType<typeof author>, size: number): Uint8Array {
  const append = (f: PF.Feed, n: number) => {
    const before = Math.max(4, f.buffer.length)
    f.append(encode(['cards', { name: 'big', note: 'A'.repeat(n) }, T0]), x.sk)
    return Uint8Array.from(f.buffer.subarray(before))
  }
  const copy = () => x.feed.length ? PF.Feed.from(Uint8Array.from(x.feed.buffer)) : new PF.Feed()
  const n = 400 + size - append(copy(), 400).length // past 255 chars, a longer note is as much longer a block
  return append(x.feed, n)
}

/** The badge's own chain, loaded from its store as picofeed bytes. */
function ownChain (b: Badge): Uint8Array {
  const c = b.core
  c.put(64, b.identity())
  const n = c.x.store_load(c.io + 64, 1, c.io + IO_DATA, c.dataCap)
  expect(n).toBeGreaterThan(0)
  const len = new DataView(c.u8.buffer, c.io + IO_DATA, 4).getUint32(0, true)
  return Uint8Array.from([...PF.s2b('PIC0'), ...c.get(IO_DATA + 4, len)])
}

describe('badge identity and own feed (simulated NOR flash)', () => {
  it('makes its key once from the entropy import and keeps it across reboots', () => {
    const flash = new NorFlash(NRF52840)
    let asked = 0
    const a = new Badge({ flash, entropy: buf => { asked++; buf.fill(7) } }).init(0, T0)
    expect(a.status(0).newIdentity).toBe(true)
    const pk = hex(a.identity())
    const again = new Badge({ flash, entropy: buf => { asked++; buf.fill(9) } }).init(0, 0)
    expect(hex(again.identity())).toBe(pk)
    expect(again.status(0).newIdentity).toBe(false)
    expect(asked).toBe(1)
  })

  it('survives a power cut at every flash operation of its first start: afterwards it has one identity for good', () => {
    // Count the operations of a first start, then cut at each one.
    const probe = new NorFlash(NRF52840)
    badge(1, { flash: probe })
    const ops = probe.mutations
    expect(ops).toBeGreaterThan(0)
    for (let k = 1; k <= ops; k++) {
      const flash = new NorFlash(NRF52840, { seed: k })
      flash.cutPowerAt(k)
      expect(() => badge(1, { flash }), `cut at ${k}`).toThrow(PowerLoss)
      flash.powerOn()
      const b = badge(2, { flash, hint: 0 })
      const pk = hex(b.identity())
      expect(hex(badge(3, { flash, hint: 0 }).identity()), `stable after cut at ${k}`).toBe(pk)
    }
  })

  it('posts actions as picofeed 8 blocks with picostore bodies, and keeps extending its chain after reboots', () => {
    const flash = new NorFlash(NRF52840)
    let b = badge(4, { flash })
    expect(b.post('cards', { name: 'Ada' }, 1000)).toBe(1)
    expect(b.post('cards', { name: 'Ada L.' }, 2000)).toBe(1)
    b = badge(4, { flash, hint: T0 + 60_000 })
    expect(b.post('cards', { name: 'Ada Lovelace' }, 500)).toBe(1)
    const feed = PF.Feed.from(ownChain(b)) // verifies signatures and parent links with picofeed
    expect(feed.length).toBe(3)
    expect(feed.keys.map(k => hex(k))).toEqual([hex(b.identity())])
    const bodies = feed.blocks.map(x => decode(x.body))
    expect(bodies.map(x => [x[0], x[1].name])).toEqual([['cards', 'Ada'], ['cards', 'Ada L.'], ['cards', 'Ada Lovelace']])
    // Dated on the mesh clock: the hint at the first start, the later hint after the reboot.
    expect(bodies[0][2]).toBe(T0 + 1000)
    expect(bodies[1][2]).toBe(T0 + 2000)
    expect(bodies[2][2]).toBe(T0 + 60_000 + 500)
    expect(b.state('cards', b.identity())!.expires).toBe(T0 + 60_500 + 3_600_000)
  })

  it('refuses malformed actions and lets the collection judge the rest', () => {
    const b = badge(5)
    const c = b.core
    for (const bad of [[], [0], [5, 0x61], [3, 0x61, 0x62, 0x63], [1, 0x61, 0xff], [1, 0x61, 0xa1, 0x61]]) {
      c.put(IO_DATA, Uint8Array.from(bad))
      expect(c.x.badge_action(c.io + IO_DATA, bad.length, 0n), `[${bad}]`).toBe(-72)
    }
    expect(b.post('nosuch', { name: 'x' }, 0)).toBe(-63)
    expect(b.post('cards', { name: 'a name far longer than twenty-four bytes' }, 0)).toBe(-66)
    expect(b.post('cards', 'not a map', 0)).toBe(-66)
    expect(b.chains()).toEqual([])
  })
})

describe('badge mesh clock', () => {
  it('catches up with a neighbour ahead by up to a minute at once, and never goes back', () => {
    const a = badge(10, { hint: T0 })
    const b = badge(11, { hint: T0 + 45_000 })
    const before = meshTime(a, 1000)
    sync(a, b, { t: 1000 })
    expect(meshTime(a, 1000)).toBeGreaterThanOrEqual(T0 + 45_000)
    expect(meshTime(a, 1000)).toBeGreaterThan(before)
    expect(meshTime(b, 1000)).toBeLessThan(T0 + 45_000 + 2000) // b was ahead: it did not move
    // A neighbour behind changes nothing.
    const late = badge(12, { hint: T0 - 600_000 })
    const t = meshTime(a, 5000)
    sync(a, late, { t: 5000 })
    expect(meshTime(a, 5000)).toBeGreaterThanOrEqual(t)
    expect(meshTime(a, 5000)).toBeLessThan(t + 1000)
  })

  it('moves no further than STEP per neighbour, however many agree; a beacon signed by the event key moves it all the way', () => {
    const a = badge(20, { hint: T0 })
    const far = T0 + 2 * 3_600_000
    sync(a, badge(21, { hint: far }), { t: 1000 })
    expect(meshTime(a, 2000)).toBeLessThan(T0 + 2000 + 60_000 + 1000) // one STEP
    sync(a, badge(22, { hint: far + 30_000 }), { t: 3000 })
    // Two agreeing neighbours used to be enough for the jump (#12: keys are free): now a second STEP at most.
    expect(meshTime(a, 4000)).toBeLessThan(T0 + 4000 + 2 * 60_000 + 1000)
    const event = new Uint8Array(32).fill(0xe7)
    a.eventKey(publicKeyOf(event))
    expect(a.beacon(beaconSign(event, far), 5000)).toBe(1)
    expect(meshTime(a, 5000)).toBe(far)
  })

  it('starts after a reboot no earlier than its newest block minus the skew bound', () => {
    const flash = new NorFlash(NRF52840)
    const a = badge(30, { flash, hint: T0 + 7_200_000 })
    expect(a.post('cards', { name: 'late' }, 0)).toBe(1)
    const again = badge(30, { flash, hint: 0 })
    expect(meshTime(again, 0)).toBe(T0 + 7_200_000 - 300_000)
  })
})

describe('badge links', () => {
  it('syncs two badges that hold different chains, at MTU 23 and 247, and says so in STORED notes', () => {
    for (const mtu of [23, 247]) {
      const a = badge(40); const b = badge(41)
      const x = author(); const y = author()
      expect(give(a, cards(x, 3, T0), 0)).toBe(3)
      expect(give(b, cards(y, 2, T0), 0)).toBe(2)
      const notes: Array<{ who: Badge, height: number }> = []
      const r = sync(a, b, { mtu, other: (who, rec) => { if (rec.kind === 'stored') notes.push({ who, height: rec.height }) } })
      expect(chainSet(a)).toEqual(chainSet(b))
      expect(chainSet(a)).toHaveLength(2)
      expect(r.closedBy).toBe(a) // the central hangs up once both are done
      expect(notes.find(n => n.who === a)?.height).toBe(2)
      expect(notes.find(n => n.who === b)?.height).toBe(3)
      expect(a.status(r.t).linksOk).toBe(1)
      expect(b.status(r.t).linksOk).toBe(1)
      if (mtu === 23) expect(Math.max(...[r.frames[0], r.frames[1]])).toBeGreaterThan(20)
    }
  })

  it('moves the largest block a badge takes (BLOCK_MAX) over MTU 23 in many frames', () => {
    const a = badge(42); const b = badge(43)
    const x = author()
    const big = bigBlock(x, BLOCK_MAX)
    expect(big.length).toBe(BLOCK_MAX)
    expect(give(a, big, 0)).toBe(1)
    const r = sync(a, b, { mtu: 23 })
    expect(chainSet(b)).toEqual(chainSet(a))
    expect(r.frames[0]).toBeGreaterThan(BLOCK_MAX / 20) // a frame carries 19 bytes of message at MTU 23
  })

  it('refuses a block over BLOCK_MAX that a peer sends, quietly, and loses nothing', () => {
    // A peer (played here frame by frame) lists a chain of two blocks whose second is over BLOCK_MAX,
    // and sends both in one BLOCKS message when asked: the badge keeps the first, refuses the second
    // as the store would (a rule, not a fault: no violation), and still holds everything it held.
    const a = badge(47)
    expect(give(a, cards(author(), 3, T0), 0)).toBe(3)
    const before = chainSet(a)
    const x = author()
    x.feed.append(encode(['cards', { name: 'small' }, T0]), x.sk)
    const genesis = Uint8Array.from(x.feed.buffer.subarray(4))
    const over = bigBlock(x, BLOCK_MAX + 100)
    expect(over.length).toBe(BLOCK_MAX + 100)
    const owner = PF.toU8(x.pk)
    let seq = 0
    let t = 1000
    const send = (msg: Uint8Array) => {
      for (let o = 0; o < msg.length; o += 240) {
        const h = (o === 0 ? 0x80 : 0) | (o + 240 >= msg.length ? 0x40 : 0) | (seq++ & 0x3f)
        a.frame(7, Uint8Array.from([h, ...msg.subarray(o, o + 240)]), t++)
      }
    }
    a.linkUp(7, 247, false, ADDR_A, t++)
    const its = parseHello(a.drain().flatMap(r => r.kind === 'send' ? [r.frame.subarray(1)] : [])[0])! // one frame at this MTU
    const key = helloKey(new Uint8Array(32).fill(47))
    const mine = { pk: key.pk, nonce: new Uint8Array(16).fill(1), time: BigInt(T0), chains: 1, fp: 9n } // one chain, another fingerprint
    send(helloMessage(mine))
    send(proofMessage(key.seed, its.nonce, mine))
    // RECON: one range over the whole key space, a LIST of that chain at height 2.
    send(Uint8Array.from([2, 1, ...new Uint8Array(8).fill(0xff), 2, 1, ...owner, 2]))
    const sent = a.drain().filter(r => r.kind === 'send').map(r => (r as { frame: Uint8Array }).frame)
    expect(sent.some(f => f[1] === 3 && Buffer.from(f.subarray(2, 34)).equals(Buffer.from(owner)))).toBe(true) // its WANT
    send(Uint8Array.from([4, 2, ...genesis, ...over]))
    send(Uint8Array.from([5, ...owner]))
    a.drain()
    expect(a.status(t).violations).toBe(0)
    expect(chainSet(a)).toEqual([...before, `${Buffer.from(owner).toString('hex')}:1`].sort())
  })

  it('asks the host to disconnect a link it has no slot for', () => {
    const a = badge(44)
    for (let h = 1; h <= 3; h++) expect(a.linkUp(h, 247, false, ADDR_A, 0)).toBe(true)
    a.drain()
    expect(a.linkUp(9, 247, false, ADDR_A, 0)).toBe(false)
    expect(a.drain()).toContainEqual({ kind: 'disconnect', link: 9 })
  })

  it('advertises its chain set in 23 bytes and asks to connect to a badge that differs', () => {
    const a = badge(45); const b = badge(46)
    const adv = (x: Badge) => x.drain().filter(r => r.kind === 'advertise').pop() as { data: Uint8Array } | undefined
    adv(a)
    const first = adv(b)!.data
    expect(first).toHaveLength(23)
    expect(a.advert(ADDR_A, first, 1000)).toBe(false) // same (empty) sets
    expect(give(b, cards(author(), 1, T0), 0)).toBe(1)
    b.tick(1000)
    const changed = adv(b)!.data
    expect(hex(changed)).not.toBe(hex(first))
    // Lower id connects at once; the higher one waits for the difference to last.
    const aLower = hex(a.identity()) < hex(b.identity())
    expect(a.advert(ADDR_A, changed, 2000)).toBe(aLower)
    expect(a.advert(ADDR_A, changed, 5500)).toBe(true)
    expect(a.drain().filter(r => r.kind === 'connect')).toHaveLength(1)
    expect(a.advert(ADDR_A, Uint8Array.of(2, 1, 6, 3, 0xff, 1, 2), 6000)).toBe(false) // someone else's advert
  })
})
