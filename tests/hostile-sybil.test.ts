// #12, the Sybil flood: keys are free, so an attacker with many made-up keys
// offers a chain for each over many links and fills every free chain slot of
// every badge (sync never evicts a held chain, engine E9, and rightly so);
// cards first posted after that reach only their owner's direct neighbours.
// No bound per key or per link stops it. Admission by the event key does
// (docs/SYNC.md §6.1, assembly/store/enrol.ts): a chain whose genesis is an
// enrol block signed for its owner by the event key is admitted; any other
// (a guest) only while fewer than GUEST_MAX guests are held.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { encode } from 'cborg'
import { Badge, BadgeError } from '../host/badge.js'
import { NorFlash, NRF52840, PowerLoss } from '../host/nor-flash.js'
import { enrolCert, enrolVerify } from '../host/enrol.js'
import { eventKeyOf } from '../host/beacon.js'
import { badge, author, cards, give, stored, T0, Author } from './support/badges.js'
import { HostileLink, MSG, reconList, blocks, end, seedOf } from './support/hostile-peer.js'

const GUEST_MAX = 16
const MAX_CHAINS = 128
const CHAIN_RESERVE = 8
const E_REJECTED = -66
const EVENT = new Uint8Array(32).fill(0x42)
const EVENT_PK = eventKeyOf(EVENT)
const bare = (run: Uint8Array) => run.subarray(4)

/** An author whose chain starts with an enrol block signed by `secret` for `certFor` (its own key by default). */
function enrolled (date: number, secret = EVENT, certFor?: Uint8Array): Author {
  const x = author()
  const cert = enrolCert(secret, certFor ?? PF.fromHex(x.pk))
  x.feed.append(encode(['enrol', cert, date]), x.sk)
  return x
}

/** The whole chain of x as one picofeed run, without "PIC0". */
const chainOf = (x: Author) => bare(Uint8Array.from(x.feed.buffer))

let handles = 10
/** Offers `chains` over one new link from a peer and answers every WANT with the whole chain. */
function offer (a: Badge, chains: Author[], t = 1000): HostileLink {
  const link = new HostileLink(a, handles++, t)
  link.greet(seedOf(handles & 0xff), BigInt(T0))
  for (let i = 0; i < chains.length; i += 8) link.send(reconList(chains.slice(i, i + 8).map(x => ({ owner: PF.fromHex(x.pk), height: x.feed.length }))))
  // The badge sends its WANTs as its queue has room: answer until it asks for nothing more.
  for (let done = 0; done < link.got.length; done++) {
    const m = link.got[done]
    if (m[0] !== MSG.WANT) continue
    const pk = PF.toHex(m.subarray(1, 33))
    const x = chains.find(o => o.pk === pk)!
    link.send(blocks(x.feed.length, chainOf(x)))
    link.send(end(PF.fromHex(pk)))
  }
  return link
}

/** The attack: `links` links each offer 16 chains of made-up keys, one card each. */
function flood (a: Badge, links: number): Author[] {
  const all: Author[] = []
  for (let l = 0; l < links; l++) {
    const junk = Array.from({ length: 16 }, () => { const x = author(); cards(x, 1, T0 - 60_000); return x })
    offer(a, junk).down()
    all.push(...junk)
  }
  return all
}

const held = (a: Badge) => new Set(a.chains().map(c => PF.toHex(c.owner)))

describe('admission by the event key (#12, Sybil flood)', () => {
  it('made-up keys offered over many links fill at most GUEST_MAX chain slots; an enrolled card posted after that is admitted', () => {
    const a = badge(6101)
    a.eventKey(EVENT_PK)
    const junk = flood(a, 8) // 128 chains: without the bound they fill the store to its reserve
    const h = held(a)
    expect(junk.filter(x => h.has(x.pk)).length).toBe(GUEST_MAX)
    expect(h.size).toBe(GUEST_MAX)
    // A card first posted after the flood, by an enrolled badge: still taken.
    const late = enrolled(T0 - 1000)
    cards(late, 1, T0 - 1000)
    const link = offer(a, [late], 5000)
    expect(held(a)).toContain(late.pk)
    expect(a.chains().find(c => PF.toHex(c.owner) === late.pk)!.length).toBe(2)
    // Refusing a guest over the bound is not the peer's fault: an honest relay of many guests is not dropped.
    expect(a.status(link.t).violations).toBe(0)
  })

  it('a guest chain is still admitted while the bound has room, and enrolled chains do not count against it', () => {
    const a = badge(6102)
    a.eventKey(EVENT_PK)
    const ok = Array.from({ length: 30 }, () => { const x = enrolled(T0 - 2000); cards(x, 1, T0 - 2000); return x })
    offer(a, ok.slice(0, 15)).down(); offer(a, ok.slice(15)).down()
    expect(held(a).size).toBe(30)
    const guests = flood(a, 2)
    const h = held(a)
    expect(guests.filter(x => h.has(x.pk)).length).toBe(GUEST_MAX)
    expect(h.size).toBe(30 + GUEST_MAX)
  })

  it('refuses a forged cert, a cert for another key, and an enrol block above the genesis', () => {
    const a = badge(6103)
    a.eventKey(EVENT_PK)
    const forged = enrolled(T0 - 1000, new Uint8Array(32).fill(0x66)) // signed by a key of the attacker's
    expect(give(a, chainOf(forged), 0)).toBe(E_REJECTED)
    const other = author()
    const stolen = enrolled(T0 - 1000, EVENT, PF.fromHex(other.pk)) // a real cert, for someone else's key
    expect(give(a, chainOf(stolen), 0)).toBe(E_REJECTED)
    const late = author()
    cards(late, 1, T0 - 1000)
    late.feed.append(encode(['enrol', enrolCert(EVENT, PF.fromHex(late.pk)), T0 - 900]), late.sk)
    expect(give(a, chainOf(late), 0)).toBe(1) // the card; the enrol block after it is refused
    expect(a.chains().find(c => PF.toHex(c.owner) === late.pk)!.length).toBe(1)
    expect(held(a)).not.toContain(forged.pk)
    expect(held(a)).not.toContain(stolen.pk)
    // Over sync, a chain with a forged cert is a guest: refused once the guests are full.
    flood(a, 1)
    const forged2 = enrolled(T0 - 1000, new Uint8Array(32).fill(0x67)); cards(forged2, 1, T0 - 1000)
    const valid = enrolled(T0 - 1000); cards(valid, 1, T0 - 1000)
    offer(a, [forged2, valid]).down()
    expect(held(a)).not.toContain(forged2.pk)
    expect(held(a)).toContain(valid.pk)
  })

  // An enrol block keeps no state, so nothing would ever expire a chain that holds only it (engine E12).
  it('takes no chain over sync that would hold only its enrol block: a lone one, or one whose cards expired', () => {
    const a = badge(6106)
    a.eventKey(EVENT_PK)
    const lone = enrolled(T0 - 1000)
    const expired = enrolled(T0 - 3 * 3_600_000); cards(expired, 1, T0 - 3 * 3_600_000) // cards live an hour
    const link = offer(a, [lone, expired])
    expect(link.got.filter(m => m[0] === MSG.WANT).length).toBe(2)
    expect(held(a).size).toBe(0)
    expect(a.status(link.t).violations).toBe(0)
  })

  it('without an event key nothing changes: the flood fills the store to its reserve', () => {
    const a = badge(6104)
    flood(a, 8)
    expect(held(a).size).toBe(MAX_CHAINS - CHAIN_RESERVE)
  })

  it('remembers which chains are guests across a reboot (rebuilt from the genesis blocks on flash)', () => {
    const flash = new NorFlash(NRF52840)
    let a = badge(6105, { flash })
    a.eventKey(EVENT_PK)
    const ok = Array.from({ length: 4 }, () => { const x = enrolled(T0 - 2000); cards(x, 1, T0 - 2000); return x })
    offer(a, ok).down()
    flood(a, 1)
    expect(held(a).size).toBe(4 + GUEST_MAX)
    a = badge(6105, { flash })
    a.eventKey(EVENT_PK)
    expect(held(a).size).toBe(4 + GUEST_MAX)
    flood(a, 1)
    const late = enrolled(T0 - 1000); cards(late, 1, T0 - 1000)
    offer(a, [late]).down()
    expect(held(a).size).toBe(4 + GUEST_MAX + 1)
    expect(held(a)).toContain(late.pk)
  })
})

describe('badge_enrol: a badge founds its chain with its cert', () => {
  it('takes a valid cert, writes the enrol block before the first post, and is idempotent', () => {
    const a = badge(6201)
    a.eventKey(EVENT_PK)
    const pk = a.identity()
    const cert = enrolCert(EVENT, pk)
    expect(enrolVerify(EVENT_PK, pk, cert)).toBe(true)
    expect(a.enrol(cert)).toBe(1)
    expect(a.chains().length).toBe(0) // nothing written until the first post (enrol.ts: no stateless chains)
    expect(a.post('cards', { name: 'me' }, 1)).toBe(1)
    const mine = a.chains().find(c => PF.toHex(c.owner) === PF.toHex(pk))!
    expect(mine.length).toBe(2)
    expect(a.enrol(cert)).toBe(0)
    expect(a.post('cards', { name: 'me again' }, 2)).toBe(1)
    expect(a.chains().find(c => PF.toHex(c.owner) === PF.toHex(pk))!.length).toBe(3)
    // A neighbour that knows the event key takes the chain as enrolled, over the guest bound.
    const b = badge(6202)
    b.eventKey(EVENT_PK)
    flood(b, 1)
    const me: Author = { pk: PF.toHex(pk), sk: '', feed: stored(a, pk)! }
    offer(b, [me]).down()
    expect(held(b)).toContain(PF.toHex(pk))
  })

  it('keeps the cert through a power cut before the first post (the desk enrols, the attendee posts later)', () => {
    const flash = new NorFlash(NRF52840)
    let a = badge(6204, { flash })
    a.eventKey(EVENT_PK)
    const pk = a.identity()
    expect(a.enrol(enrolCert(EVENT, pk))).toBe(1)
    a = badge(6204, { flash }) // restarted: nobody hands the cert over again
    a.eventKey(EVENT_PK)
    expect(a.post('cards', { name: 'later' }, 1)).toBe(1)
    const mine = stored(a, pk)!
    expect(mine.length).toBe(2)
    expect(a.enrol(enrolCert(EVENT, pk))).toBe(0) // the chain starts with it
  })

  it('a power cut while the cert is written loses neither the identity nor the next enrolment', () => {
    const flash = new NorFlash(NRF52840)
    let a = badge(6205, { flash })
    a.eventKey(EVENT_PK)
    const pk = a.identity()
    const cert = enrolCert(EVENT, pk)
    flash.cutPowerAt(1) // the record's program, torn
    expect(() => a.enrol(cert)).toThrow(PowerLoss)
    flash.powerOn()
    a = badge(6205, { flash })
    a.eventKey(EVENT_PK)
    expect(PF.toHex(a.identity())).toBe(PF.toHex(pk))
    expect(a.enrol(cert)).toBe(1) // into the next slot: the torn one is neither valid nor blank
    a = badge(6205, { flash })
    a.eventKey(EVENT_PK)
    expect(a.post('cards', { name: 'after the cut' }, 1)).toBe(1)
    expect(stored(a, pk)!.length).toBe(2)
  })

  it('refuses a cert that is not the event key\'s for this badge, or no event key, and enrolment after the first post', () => {
    const a = badge(6203)
    const pk = a.identity()
    const code = (f: () => unknown) => { try { f(); return 0 } catch (e) { return (e as BadgeError).code } }
    expect(code(() => a.enrol(enrolCert(EVENT, pk)))).toBe(-76) // no event key yet
    a.eventKey(EVENT_PK)
    expect(code(() => a.enrol(enrolCert(new Uint8Array(32).fill(9), pk)))).toBe(-76)
    expect(code(() => a.enrol(enrolCert(EVENT, new Uint8Array(32).fill(1))))).toBe(-76)
    expect(a.post('cards', { name: 'early' }, 1)).toBe(1)
    expect(code(() => a.enrol(enrolCert(EVENT, pk)))).toBe(-77)
  })
})
