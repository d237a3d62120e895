// #12, finding 3: a peer answers a WANT for one chain with blocks of
// another. The badge must take only the chain it asked for: BLOCKS whose
// author is not the owner that was asked is the peer's fault (a violation,
// the link drops), and nothing of the other chain is stored, so a neighbour
// cannot push unrequested chains past the per-link bound.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { ed25519 } from '@noble/curves/ed25519'
import { Badge } from '../host/badge.js'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { HostileLink, MSG, seedOf, reconList, blocks, end } from './support/hostile-peer.js'

describe('a peer answering a WANT with another chain (#12, finding 3)', () => {
  it('stores nothing of the chain nobody asked for, and counts it against the link', () => {
    const lines: string[] = []
    const a = badge(3101, { log: l => lines.push(l) })
    give(a, cards(author(), 1, T0 - 60_000), 0)
    const before = a.chains().map(c => PF.toHex(c.owner)).sort()
    const asked = author(); cards(asked, 1, T0 - 60_000) // what the peer offers
    const pushed = author(); cards(pushed, 1, T0 - 60_000) // what it sends instead
    const link = new HostileLink(a, 7, 1000)
    link.greet(seedOf(9), BigInt(T0))
    link.send(reconList([{ owner: PF.fromHex(asked.pk), height: 1 }]))
    const w = link.sent(MSG.WANT)
    expect(w, 'the badge asks for the chain it was offered').toBeDefined()
    expect(PF.toHex(w!.subarray(1, 33))).toBe(asked.pk)
    link.send(blocks(1, Uint8Array.from(pushed.feed.buffer.subarray(4))))
    const after = a.chains().map(c => PF.toHex(c.owner)).sort()
    expect(after).toEqual(before) // the pushed chain is not stored
    expect(after).not.toContain(pushed.pk)
    expect(a.status(link.t).violations).toBe(1)
    expect(lines.join('\n')).toMatch(/blocks nobody asked for/)
  })

  it('still takes the chain it asked for from an honest answer', () => {
    const a = badge(3102)
    const asked = author(); cards(asked, 2, T0 - 60_000)
    const link = new HostileLink(a, 7, 1000)
    link.greet(seedOf(9), BigInt(T0))
    link.send(reconList([{ owner: PF.fromHex(asked.pk), height: 2 }]))
    expect(link.sent(MSG.WANT)).toBeDefined()
    link.send(blocks(2, Uint8Array.from(asked.feed.buffer.subarray(4))))
    expect(a.chains().map(c => PF.toHex(c.owner))).toContain(asked.pk)
    expect(a.status(link.t).violations).toBe(0)
  })

  // #12, finding 3: the number of blocks taken must not follow the height the peer claimed. A peer
  // offers a chain it says is 2^31 blocks tall and streams blocks into a badge whose block index is
  // nearly full: the badge takes at most what it has room for, evicts nothing it holds (sync never
  // evicts, engine E9), and the blocks past its room cost no signature work.
  it('takes no more than the store has room for from a peer that claims a huge height, and evicts nothing', () => {
    const MAX_BLOCKS = 1024
    const checks = { n: 0 } // signatures the core checks, through the accelerator import (it answers as @noble/curves does)
    const a = new Badge({
      entropy: buf => buf.fill(3103 & 0xff).set([3103 >> 8 & 0xff, 3103 >> 16 & 0xff], 0),
      accelerate: (sig, pk, msg) => { checks.n++; return ed25519.verify(sig, msg, pk) }
    }).init(0, T0)
    const honest = Array.from({ length: 20 }, () => { const x = author(); expect(give(a, cards(x, 1, T0 - 60_000), 0)).toBe(1); return x.pk })
    for (let i = 0; a.chains().reduce((n, c) => n + c.length, 0) < MAX_BLOCKS - 40; i++) expect(a.post('cards', { name: `me ${i}` }, 1 + i)).toBe(1)
    const room = MAX_BLOCKS - a.chains().reduce((n, c) => n + c.length, 0)
    const mallory = author(); cards(mallory, room + 12, T0 - 60_000)
    const link = new HostileLink(a, 7, 2000)
    link.greet(seedOf(9), BigInt(T0))
    link.send(reconList([{ owner: PF.fromHex(mallory.pk), height: 2 ** 31 }]))
    expect(link.sent(MSG.WANT)).toBeDefined()
    checks.n = 0
    for (let h = 0; h < mallory.feed.length; h += 6) {
      link.send(blocks(Math.min(6, mallory.feed.length - h), Uint8Array.from(mallory.feed.slice(h, h + 6).buffer.subarray(4))))
    }
    link.send(end(PF.fromHex(mallory.pk)))
    const chains = a.chains()
    const taken = chains.find(c => PF.toHex(c.owner) === mallory.pk)?.length ?? 0
    expect(taken).toBeLessThanOrEqual(room)
    expect(checks.n, 'the blocks past the room cost signature work').toBeLessThanOrEqual(room)
    const held = chains.map(c => PF.toHex(c.owner))
    for (const pk of honest) expect(held, 'a held chain was evicted').toContain(pk)
    const st = a.status(link.t)
    expect(st.evictions).toBe(0)
    expect(st.violations).toBe(0) // a chain taller than our room is not the peer's fault
  })
})
