// #12, finding 4: a peer replays blocks the badge already holds. Each was
// verified when it was stored; checking its signature again is work an
// attacker could make the badge do without end. The engine finds a
// duplicate before any signature work (engine.ts, E10): the verifications
// are counted through the accelerator import, which the core asks about
// every signature it checks (it answers as @noble/curves does; a run's
// signatures are each asked while the accelerator vouches for them).

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { ed25519 } from '@noble/curves/ed25519'
import { Badge } from '../host/badge.js'
import { author, cards, give, T0 } from './support/badges.js'
import { HostileLink, MSG, hello, reconList, blocks, seedOf } from './support/hostile-peer.js'

/** A badge that counts the signatures its core checks. */
function countingBadge (seed: number): { b: Badge, checks: { n: number } } {
  const checks = { n: 0 }
  const b = new Badge({
    entropy: buf => buf.fill(seed & 0xff).set([seed >> 8 & 0xff, seed >> 16 & 0xff], 0),
    accelerate: (sig, pk, msg) => { checks.n++; return ed25519.verify(sig, msg, pk) }
  }).init(0, T0)
  return { b, checks }
}

/** A picofeed run without its PIC0 magic, as BLOCKS carries it. */
const bare = (run: Uint8Array) => run.subarray(4)

describe('a peer replaying blocks the badge holds (#12, finding 4)', () => {
  it('costs no signature verification, stores nothing twice and is not the peer\'s fault', () => {
    const { b, checks } = countingBadge(4101)
    const x = author()
    const held = cards(x, 3, T0 - 60_000)
    expect(give(b, held, 0)).toBe(3)
    expect(checks.n, 'the accelerator is asked about every signature the core checks').toBeGreaterThanOrEqual(3)
    const link = new HostileLink(b, 7, 1000)
    link.greet(seedOf(9), BigInt(T0))
    // The peer claims a taller chain, so the badge asks for the rest of it ...
    link.send(reconList([{ owner: PF.fromHex(x.pk), height: 12 }]))
    expect(link.sent(MSG.WANT)).toBeDefined()
    // ... and answers with the blocks the badge already holds, over and over.
    checks.n = 0
    link.send(blocks(3, bare(held)))
    expect(checks.n, 'a replayed run costs no verification').toBe(0)
    expect(b.chains().find(c => PF.toHex(c.owner) === x.pk)!.length).toBe(3)
    // A new block after the replayed ones is verified, once.
    const fresh = cards(x, 1, T0 - 50_000)
    link.send(blocks(4, Uint8Array.from([...bare(held), ...bare(fresh)])))
    expect(checks.n, 'only the new block is verified').toBe(1)
    expect(b.chains().find(c => PF.toHex(c.owner) === x.pk)!.length).toBe(4)
    expect(b.status(link.t).violations).toBe(0)
  })

  it('verifies a replayed run whose blocks were changed (a duplicate is found by its whole signature, then never read)', () => {
    const { b, checks } = countingBadge(4102)
    const x = author()
    const held = cards(x, 1, T0 - 60_000)
    expect(give(b, held, 0)).toBe(1)
    const forged = Uint8Array.from(bare(held)); forged[10] ^= 1 // the signature differs: not a duplicate
    const link = new HostileLink(b, 7, 1000)
    link.greet(seedOf(9), BigInt(T0))
    link.send(reconList([{ owner: PF.fromHex(x.pk), height: 4 }]))
    checks.n = 0
    link.send(blocks(1, forged))
    expect(checks.n).toBeGreaterThanOrEqual(1)
    expect(b.status(link.t).violations).toBe(1) // a bad signature is the peer's fault
  })
})
