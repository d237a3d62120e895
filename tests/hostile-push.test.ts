// #12, finding 3: a peer answers a WANT for one chain with blocks of
// another. The badge must take only the chain it asked for: BLOCKS whose
// author is not the owner that was asked is the peer's fault (a violation,
// the link drops), and nothing of the other chain is stored, so a neighbour
// cannot push unrequested chains past the per-link bound.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { HostileLink, MSG, seedOf, reconList, blocks } from './support/hostile-peer.js'

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
})
