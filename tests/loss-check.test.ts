// The simulator's check of what honest badges lost (host/sim/losses.ts,
// LossCheck), on badges whose chains the test sets: a chain gone before its
// time is an eviction (or a premature forget when the badge's clock ran
// ahead), counted once; a chain gone in its time is nothing; a chain longer
// than its owner posted, or as long with another head, is a rewritten card.

import { describe, it, expect } from 'vitest'
import { LossCheck, LossOwner } from '../host/sim/losses.js'
import { OwnerIds } from '../host/sim/owner-ids.js'
import { CHAIN_RECORD, CHAIN_HEAD_AT, CHAIN_LENGTH_AT, chainInfos } from '../host/badge.js'
import { EPOCH, SKEW } from '../host/sim/options.js'
import { toHex } from '../host/bytes.js'
import type { SimBadge } from '../host/sim/shard.js'

const TTL = 3_600_000
const owner = (k: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + k * 7 + 1) & 0xff)
const head = (k: number) => Uint8Array.from({ length: 64 }, (_, i) => (i + k * 3) & 0xff)

interface Held { owner: number, length: number, head: number }

/** A badge as LossCheck reads it: on, its chains as store_chains records, its mesh clock. */
function badge (index: number) {
  const b = {
    held: [] as Held[],
    ahead: 0,
    statusAsked: 0,
    node: null as unknown as SimBadge
  }
  const records = (): Uint8Array => {
    const r = new Uint8Array(b.held.length * CHAIN_RECORD)
    b.held.forEach((c, i) => {
      r.set(owner(c.owner), i * CHAIN_RECORD)
      new DataView(r.buffer).setUint32(i * CHAIN_RECORD + CHAIN_LENGTH_AT, c.length, true)
      r.set(head(c.head), i * CHAIN_RECORD + CHAIN_HEAD_AT)
    })
    return r
  }
  b.node = {
    index,
    on: true,
    local: (t: number) => t,
    badge: {
      chainRecords: records,
      chains: () => chainInfos(records()),
      status: (local: number) => { b.statusAsked++; return { meshTime: EPOCH + local + b.ahead } }
    }
  } as unknown as SimBadge
  return b
}

const owners = (list: Array<[number, LossOwner]>) => new Map(list.map(([k, o]) => [toHex(owner(k)), o]))
const heads = (list: Array<[number, number, number]>) => new Map(list.map(([k, length, h]) => [toHex(owner(k)), { length, head: toHex(head(h)) }]))

describe('LossCheck (what honest badges lost)', () => {
  const o1: LossOwner = { last: 60_000, height: 3, generations: 1, poster: 0 }
  const o2: LossOwner = { last: 60_000, height: 2, generations: 1, poster: 1 }

  it('counts a chain gone before its time once, as evicted while the clock is fine', () => {
    const check = new LossCheck(new OwnerIds())
    const b = badge(5)
    b.held = [{ owner: 1, length: 3, head: 1 }, { owner: 2, length: 2, head: 2 }]
    const os = owners([[1, o1], [2, o2]])
    expect(check.check([b.node], os, heads([]), 120_000, TTL)).toEqual({ evicted: 0, prematureForgets: 0, rewritten: 0 })
    b.held = [{ owner: 2, length: 2, head: 2 }]
    expect(check.check([b.node], os, heads([]), 180_000, TTL)).toEqual({ evicted: 1, prematureForgets: 0, rewritten: 0 })
    expect(b.statusAsked).toBe(1)
    // Still gone, and gone again after coming back: the same loss (same owner, same last post) counts once.
    expect(check.check([b.node], os, heads([]), 240_000, TTL).evicted).toBe(0)
    b.held = [{ owner: 1, length: 3, head: 1 }, { owner: 2, length: 2, head: 2 }]
    check.check([b.node], os, heads([]), 300_000, TTL)
    b.held = [{ owner: 2, length: 2, head: 2 }]
    expect(check.check([b.node], os, heads([]), 360_000, TTL).evicted).toBe(0)
  })

  it('counts a forget by a clock pushed past the skew bound as premature, and one in its time not at all', () => {
    const check = new LossCheck(new OwnerIds())
    const early = badge(1); const late = badge(2)
    early.ahead = SKEW + 1
    for (const b of [early, late]) b.held = [{ owner: 1, length: 3, head: 1 }]
    const os = owners([[1, o1]])
    check.check([early.node, late.node], os, heads([]), 120_000, TTL)
    early.held = []
    expect(check.check([early.node], os, heads([]), 180_000, TTL)).toEqual({ evicted: 0, prematureForgets: 1, rewritten: 0 })
    late.held = []
    const due = o1.last + TTL - SKEW
    expect(check.check([late.node], os, heads([]), due, TTL)).toEqual({ evicted: 0, prematureForgets: 0, rewritten: 0 })
    expect(late.statusAsked).toBe(0)
  })

  it('counts a card longer than its owner posted, or as long with another head, once per badge', () => {
    const check = new LossCheck(new OwnerIds())
    const longer = badge(3); const forked = badge(4); const fine = badge(6)
    longer.held = [{ owner: 1, length: 4, head: 1 }]
    forked.held = [{ owner: 1, length: 3, head: 9 }]
    fine.held = [{ owner: 1, length: 3, head: 1 }, { owner: 7, length: 50, head: 7 }] // owner 7 is not honest: not counted
    const os = owners([[1, o1]])
    const hs = heads([[1, 3, 1]])
    expect(check.check([longer.node, forked.node, fine.node], os, hs, 120_000, TTL)).toEqual({ evicted: 0, prematureForgets: 0, rewritten: 2 })
    expect(check.check([longer.node, forked.node, fine.node], os, hs, 180_000, TTL).rewritten).toBe(0)
    // Without the owner's head (its badge is off), as long with another head is not known to be rewritten.
    const again = new LossCheck(new OwnerIds())
    expect(again.check([forked.node], os, heads([]), 120_000, TTL).rewritten).toBe(0)
  })

  it('skips a badge that is off, and keeps what it held for when it is back', () => {
    const check = new LossCheck(new OwnerIds())
    const b = badge(8)
    b.held = [{ owner: 1, length: 3, head: 1 }, { owner: 2, length: 2, head: 2 }]
    const os = owners([[1, o1], [2, o2]])
    check.check([b.node], os, heads([]), 120_000, TTL)
    ;(b.node as { on: boolean }).on = false
    b.held = []
    expect(check.check([b.node], os, heads([]), 180_000, TTL).evicted).toBe(0)
    ;(b.node as { on: boolean }).on = true
    expect(check.check([b.node], os, heads([]), 240_000, TTL).evicted).toBe(2)
  })
})
