// Issue #12, finding 2: one hostile badge must not rewrite anyone's card.
// Mallory signs blocks that extend Alice's head (crafted with host/segment.ts,
// as a laptop would), and offers them to badges that hold Alice's chain: the
// store refuses a block whose author is not its chain's owner (-49), so
// Alice's card is neither rewritten nor re-dated, and Alice is not forked out
// of her own chain. A block dated before its chain's previous block cannot
// re-date a card either (-68). picorepo 2.2.5 itself lets any key extend a
// head (its merge fast-forwards without comparing keys): the rule lives in
// the core's store, where no collection can forget it.

import { describe, it, expect } from 'vitest'
import { encode } from 'cborg'
import * as PF from 'picofeed'
import { Repo } from 'picorepo'
import { MemoryLevel } from 'memory-level'
import { Badge } from '../host/badge.js'
import { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR, HDR_PSIG } from '../host/segment.js'
import { FlashRepo, StoreError } from '../host/repo.js'
import { NorFlash, NRF52840, flashImports } from '../host/nor-flash.js'
import { badge, author, give, T0, Author } from './support/badges.js'

const MIN = 60_000
const HOUR = 60 * MIN
const E_FOREIGN = -49
const E_BACKDATED = -68

/** A block signed by `sk` whose body is `body` and whose parent is `parent` (a signature), as a hostile laptop makes it. */
function craft (sk: string, body: unknown, parent: Uint8Array): Uint8Array {
  const data = encode(body)
  const headers = [HDR_AUTHOR, [HDR_PSIG, parent] as [number, Uint8Array]]
  const buf = new Uint8Array(sizeOfBlockSegment(data.length, headers))
  return Uint8Array.from(createBlockSegment(buf, 0, data, sk, headers))
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

function chainOf (b: Badge, owner: Uint8Array) {
  return b.chains().find(c => hex(c.owner) === hex(owner))
}

/** A card's name and date (contacts.ts: updated u64 | name length u8 | name). */
function cardOf (b: Badge, owner: Uint8Array) {
  const s = b.state('cards', owner)
  if (!s) return undefined
  const v = new DataView(s.bytes.buffer, s.bytes.byteOffset)
  return { name: new TextDecoder().decode(s.bytes.subarray(9, 9 + s.bytes[8])), date: Number(v.getBigUint64(0, true)), expires: s.expires }
}

/** Appends a block with this body to x's feed and returns it alone. */
function next (x: Author, body: unknown): Uint8Array {
  x.feed.append(encode(body), x.sk)
  return Uint8Array.from(x.feed.slice(-1).buffer)
}

describe('a hostile author cannot rewrite, re-date or fork out anyone\'s card (#12, finding 2)', () => {
  it('refuses Mallory\'s block that extends Alice\'s head on Alice\'s own badge: her card and chain stay hers', () => {
    const alice = badge(201)
    const pk = alice.identity()
    expect(alice.post('cards', { name: 'alice' }, 0)).toBe(1)
    const before = cardOf(alice, pk)!
    const head = chainOf(alice, pk)!.head
    const mallory = author()
    // Renamed and re-dated (to keep the card alive at Mallory's will), signed by Mallory, on Alice's head.
    const hostile = craft(mallory.sk, ['cards', { name: 'mallory' }, T0 + 4 * MIN], head)
    expect(give(alice, hostile, 1000)).toBe(E_FOREIGN)
    expect(cardOf(alice, pk)).toEqual(before)
    expect(chainOf(alice, pk)).toEqual({ owner: pk, length: 1, head })
    expect(alice.state('cards', PF.toU8(mallory.pk))).toBeUndefined()
    // Alice's own update still goes on her own head.
    expect(alice.post('cards', { name: 'alice 2' }, 2000)).toBe(1)
    expect(cardOf(alice, pk)!.name).toBe('alice 2')
    expect(chainOf(alice, pk)!.length).toBe(2)
  })

  it('does not let Mallory fork Alice out of her chain on a neighbour\'s badge', () => {
    const bob = badge(202)
    const alice = author()
    expect(give(bob, next(alice, ['cards', { name: 'alice' }, T0]), 0)).toBe(1)
    const pk = PF.toU8(alice.pk)
    const head = alice.feed.last.sig
    const mallory = author()
    expect(give(bob, craft(mallory.sk, ['cards', { name: 'mallory' }, T0 + 1000], head), 1000)).toBe(E_FOREIGN)
    expect(cardOf(bob, pk)!.name).toBe('alice')
    // Alice's next block extends what she signed last: still the head on Bob's badge.
    expect(give(bob, next(alice, ['cards', { name: 'alice 2' }, T0 + 2000]), 2000)).toBe(1)
    expect(cardOf(bob, pk)).toMatchObject({ name: 'alice 2', date: T0 + 2000 })
    expect(chainOf(bob, pk)!.length).toBe(2)
  })

  it('refuses a foreign block in the middle of a feed, keeping what came before it', () => {
    const bob = badge(203)
    const alice = author()
    const mallory = author()
    next(alice, ['cards', { name: 'alice' }, T0])
    // One picofeed feed: Alice's genesis, then a block by Mallory on it (picofeed allows many authors in a feed).
    alice.feed.append(encode(['cards', { name: 'mallory' }, T0 + 1000]), mallory.sk)
    expect(give(bob, Uint8Array.from(alice.feed.buffer), 1000)).toBe(1)
    expect(cardOf(bob, PF.toU8(alice.pk))!.name).toBe('alice')
    expect(chainOf(bob, PF.toU8(alice.pk))!.length).toBe(1)
  })

  it('refuses a block dated before its chain\'s previous block, or far in the past: a card cannot be re-dated', () => {
    const bob = badge(204)
    const alice = author()
    const pk = PF.toU8(alice.pk)
    expect(give(bob, next(alice, ['cards', { name: 'alice' }, T0]), 0)).toBe(1)
    expect(give(bob, next(alice, ['status', 'at the talk', T0 + 20 * MIN]), 20 * MIN)).toBe(1)
    const card = cardOf(bob, pk)!
    // Later than the card, earlier than the chain's last block: it would move the card's expiry.
    const x1 = PF.Feed.from(Uint8Array.from(alice.feed.buffer))
    const snapshot = { ...alice, feed: x1 }
    expect(give(bob, next(snapshot, ['cards', { name: 'alice' }, T0 + 10 * MIN]), 21 * MIN)).toBe(E_BACKDATED)
    expect(cardOf(bob, pk)).toEqual(card)
    // Far in the past: a status dated two hours before the card.
    const x2 = { ...alice, feed: PF.Feed.from(Uint8Array.from(alice.feed.buffer)) }
    expect(give(bob, next(x2, ['status', 'long ago', T0 - 2 * HOUR]), 21 * MIN)).toBe(E_BACKDATED)
    expect(new TextDecoder().decode(bob.state('status', pk)!.bytes.subarray(33, 33 + 11))).toBe('at the talk')
    // Alice's own later update is taken.
    expect(give(bob, next(alice, ['cards', { name: 'alice 3' }, T0 + 30 * MIN]), 30 * MIN)).toBe(1)
    expect(cardOf(bob, pk)).toMatchObject({ name: 'alice 3', date: T0 + 30 * MIN, expires: T0 + 30 * MIN + HOUR })
  })

  it('keeps taking the badge\'s own posts after a reboot whose clock starts behind its last post', () => {
    const flash = new NorFlash(NRF52840)
    const a = badge(205, { flash })
    const pk = a.identity()
    expect(a.post('cards', { name: 'before' }, 0)).toBe(1)
    // Restarted with no hint: the clock starts at the last block's date minus the skew bound (clock.ts, C1).
    const again = new Badge({ flash, entropy: () => { throw new Error('no new key') } }).init(0, 0)
    expect(again.status(0).meshTime).toBeLessThan(T0)
    expect(again.post('cards', { name: 'after' }, 0)).toBe(1)
    expect(cardOf(again, pk)).toMatchObject({ name: 'after', date: T0 })
  })
})

describe('the store refuses foreign authors where picorepo 2.2.5 does not', () => {
  it('picorepo stores Mallory\'s block on Alice\'s head; the core\'s store refuses it with -49', async () => {
    const alice = author()
    const mallory = author()
    next(alice, ['cards', { name: 'alice' }, T0])
    const genesis = Uint8Array.from(alice.feed.last.buffer.subarray(0, alice.feed.last.blockSize)) // the block alone, no PIC0
    const hostile = craft(mallory.sk, ['cards', { name: 'mallory' }, T0 + 1000], alice.feed.last.sig)
    const oracle = new Repo(new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' }) as any)
    expect(await oracle.merge(new PF.Block(genesis), undefined as any)).toBe(1)
    expect(await oracle.merge(new PF.Block(hostile), undefined as any)).toBe(1) // picorepo leaves this to the application
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 16 * 4096 })
    const repo = new FlashRepo(flash.geometry, m => flashImports(flash, m)).mount()
    expect(repo.write(genesis, T0)).toBe(true)
    let code = 0
    try { repo.write(hostile, T0) } catch (e) { code = (e as StoreError).code }
    expect(code).toBe(E_FOREIGN)
    expect(hex(repo.head(PF.toU8(alice.pk))!.sig)).toBe(hex(alice.feed.last.sig))
  })
})
