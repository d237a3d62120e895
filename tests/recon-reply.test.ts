// A RECON reply stays within RANGES_MAX (32) ranges however the ranges it
// answers fall (assembly/sync/recon.ts). A SKIP takes a range too: a reply
// that reached 31 ranges with a list, then a SKIP, then a range it could not
// answer, folded the rest into a 33rd, and its peer dropped the link as
// malformed (3 honest links in a 200-badge, 10-minute run). The RECON below
// lays ranges over the badge's own chains so that its reply goes exactly
// that way: three splits, then lists and SKIPs in turn, then a range that
// differs.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { HostileLink, MSG, seedOf } from './support/hostile-peer.js'
import { u64, varint, END_OF_KEYS } from '../host/sim/hostile/wire.js'

const RANGES_MAX = 32
const keyOf = (owner: Uint8Array) => new DataView(owner.buffer, owner.byteOffset, 8).getBigUint64(0, false)

describe('RECON replies', () => {
  it('never carry more than 32 ranges, SKIPs counted', () => {
    const lines: string[] = []
    const a = badge(4501, { log: l => lines.push(l) })
    const owners: Uint8Array[] = []
    for (let i = 0; i < 33; i++) {
      const w = author()
      expect(give(a, cards(w, 1, T0 - 60_000), 0)).toBe(1)
      owners.push(PF.fromHex(w.pk))
    }
    const keys = owners.map(keyOf).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    // Ranges by the items they cover, [from, to) in key order: FP ranges that differ (count 0), and SKIPs.
    const differ = (to: number) => [...u64(to < keys.length ? keys[to] : END_OF_KEYS), 1, ...varint(0), ...u64(0n)]
    const skip = (to: number) => [...u64(keys[to]), 0]
    const ranges = [
      differ(8), skip(9), differ(17), skip(18), differ(23), skip(24), // three splits (8, 8, 5 sub-ranges) and SKIPs: 24 ranges
      differ(25), skip(26), differ(27), skip(28), differ(29), skip(30), differ(31), skip(32), // lists of one and SKIPs: 32
      differ(33) // one more that differs: it must fold into the 32nd
    ]
    const link = new HostileLink(a, 7, 1000)
    link.greet(seedOf(3), BigInt(T0))
    link.send(Uint8Array.from([MSG.RECON, ranges.length, ...ranges.flat()]))
    for (let i = 0; i < 20; i++) link.tick(1)
    const reply = link.got.find(m => m[0] === MSG.RECON)
    expect(reply, 'the badge answered').toBeDefined()
    expect(reply![1]).toBeLessThanOrEqual(RANGES_MAX)
    expect(lines.filter(l => /malformed/.test(l))).toEqual([])
  })
})
