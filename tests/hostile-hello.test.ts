// Issue #12, finding 6, the HELLO part: a badge could send another badge's
// public key in its HELLO and lock the real one out ("a second link to the
// same badge"), and any made-up key counted as a neighbour. Now a HELLO
// carries a nonce fresh for the link and counts only once the peer's PROOF,
// its key's signature over our nonce and its HELLO, verified
// (assembly/badge/proof.ts, P1); a bad PROOF is a violation.

import { describe, it, expect } from 'vitest'
import { randomBytes } from 'node:crypto'
import { Badge } from '../host/badge.js'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { sync, chainSet, ADDR_A } from './support/pipe.js'
import { HostileLink, MSG, hello, seedOf, reconList } from './support/hostile-peer.js'
import { helloMessage, proofMessage, helloKey } from '../host/hello.js'
import * as PF from 'picofeed'

function logged (seed: number, hint = T0): { a: Badge, lines: string[] } {
  const lines: string[] = []
  return { a: badge(seed, { hint, log: l => lines.push(l) }), lines }
}

describe('HELLO proves possession of the key (#12, finding 6)', () => {
  it('a HELLO with another badge\'s key but no valid PROOF is refused, and does not lock the real badge out', () => {
    const { a, lines } = logged(501)
    const real = badge(502)
    expect(give(real, cards(author(), 2, T0 - 60_000), 0)).toBe(2)
    // The impersonator says HELLO as the real badge and holds its link open, with no PROOF yet.
    const fake = new HostileLink(a, 50, 10, false, ADDR_A)
    fake.send(hello(real.identity(), BigInt(T0) + 3_600_000n, { nonce: randomBytes(16) }))
    // Meanwhile the real badge links (the central's side is `a`, handle 1) and syncs to the end.
    const r = sync(a, real, { t: fake.t })
    expect(r.closedBy).toBe(a) // the central hung up after both DONEs: a full sync
    expect(chainSet(a)).toEqual(chainSet(real))
    expect(lines.join('\n')).not.toMatch(/second link to the same badge/)
    // The impersonator's PROOF, whatever it sends, does not verify: the link drops, counted.
    fake.t = r.t
    fake.send(Uint8Array.from([MSG.PROOF, ...randomBytes(64 + 10)])) // a signature and a set summary
    expect(lines.at(-1)).toMatch(/link 50: a PROOF that does not verify/)
    expect(Number(a.status(fake.t).meshTime)).toBeLessThan(T0 + fake.t + 2 * 60_000) // its +1 h never counted
  })

  it('a HELLO and PROOF replayed from an earlier session do not prove the key again (the nonce is fresh per link)', () => {
    const { a, lines } = logged(503)
    const first = new HostileLink(a, 1, 10)
    const { hello: h, proof } = first.greet(seedOf(7), BigInt(T0))
    expect(a.status(first.t).violations).toBe(0) // proven on its own link
    first.down()
    const again = new HostileLink(a, 2, first.t + 10)
    expect(PF.toHex(again.badgeHello().nonce)).not.toBe(PF.toHex(first.badgeHello().nonce)) // even with this test's constant entropy
    again.send(h)
    again.send(proof)
    expect(lines.at(-1)).toBe('link 2: a PROOF that does not verify')
  })

  it('a PROOF that signs another HELLO than the one sent (a changed time or set) does not verify', () => {
    const { a, lines } = logged(504)
    const link = new HostileLink(a, 1, 10)
    const seed = seedOf(8)
    const said = { pk: helloKey(seed).pk, nonce: randomBytes(16), time: BigInt(T0) + 3_600_000n, chains: 1, fp: 5n }
    link.send(helloMessage(said))
    link.send(proofMessage(seed, link.badgeHello().nonce, { ...said, time: BigInt(T0) })) // signed an honest-looking time
    expect(lines.at(-1)).toBe('link 1: a PROOF that does not verify')
  })

  it('nothing but the PROOF may follow a HELLO: a RECON before it is refused, and so is a PROOF before a HELLO', () => {
    const { a, lines } = logged(505)
    const x = author(); cards(x, 1, T0 - 60_000)
    const early = new HostileLink(a, 1, 10)
    early.send(hello(helloKey(seedOf(9)).pk, BigInt(T0), { nonce: randomBytes(16) }))
    early.send(reconList([{ owner: PF.fromHex(x.pk), height: 1 }]))
    expect(lines.at(-1)).toBe('link 1: bad or repeated HELLO')
    expect(early.sent(MSG.WANT)).toBeUndefined()
    const proofFirst = new HostileLink(a, 2, early.t + 10, false, Uint8Array.of(2, 0, 0xee, 0, 0, 0xc0)) // another address: the first is backed off now
    proofFirst.send(Uint8Array.from([MSG.PROOF, ...randomBytes(64 + 10)]))
    expect(lines.at(-1)).toBe('link 2: bad or repeated HELLO')
  })

  it('a second proven link to the same key is still refused', () => {
    const { a, lines } = logged(506)
    const one = new HostileLink(a, 1, 10)
    one.greet(seedOf(11), BigInt(T0))
    const two = new HostileLink(a, 2, one.t + 1)
    two.greet(seedOf(11), BigInt(T0))
    expect(lines.at(-1)).toBe('link 2: second link to the same badge')
    expect(a.status(two.t).violations).toBe(1)
  })
})
