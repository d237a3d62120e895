// Fuzzing the sync protocol through the badge ABI: random and mutated
// frames, tampered conversations, hostile RECON messages, adverts and
// pointers. Whatever comes in: no trap, no hang, the store holds only
// blocks that verify, and the badge still syncs with an honest peer
// afterwards. FUZZ_SEED and FUZZ_CASES replay or extend a run.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import { Badge } from '../host/badge.js'
import { IO_DATA } from '../host/core.js'
import { badge, author, cards, give, T0 } from './support/badges.js'
import { sync, chainSet, ADDR_A, ADDR_B } from './support/pipe.js'
import { fuzzing } from './support/fuzz.js'
import { Rng } from './support/rng.js'
import { documented } from './support/abi-codes.js'
import { HostileLink, MSG, hello, reconList, reconFp, want, blocks, end } from './support/hostile-peer.js'
import { helloMessage, parseHello, proofMessage, helloKey } from '../host/hello.js'
import { beaconSign, eventKeyOf } from '../host/beacon.js'

const { SEED, CASES } = fuzzing('tests/fuzz-sync.test.ts', 4242, 800)

/** A peer address of its own for each fuzzed link: a badge refuses an address backed off after a violation (docs/SYNC.md §6). */
const addrOf = (k: number) => Uint8Array.of(k & 0xff, (k >> 8) & 0xff, 0xfa, 0, 0, 0xc0)

/** Every chain the badge holds loads and verifies with picofeed. */
function storeIsSound (b: Badge): void {
  const c = b.core
  for (const chain of b.chains()) {
    c.put(64, chain.owner)
    const n = c.x.store_load(c.io + 64, 1, c.io + IO_DATA, c.dataCap)
    expect(n).toBe(chain.length)
    const len = new DataView(c.u8.buffer, c.io + IO_DATA, 4).getUint32(0, true)
    const feed = PF.Feed.from(Uint8Array.from([...PF.s2b('PIC0'), ...c.get(IO_DATA + 4, len)]))
    expect(feed.length).toBe(chain.length)
  }
}

/** Two badges with different honest chains, ready to sync. */
function pair (rng: Rng, seed: number): [Badge, Badge, string[]] {
  const a = badge(1000 + seed); const b = badge(2000 + seed)
  for (let i = 0, n = 1 + rng.int(6); i < n; i++) give(rng.int(2) ? a : b, cards(author(), 1 + rng.int(3), T0 - 60_000), 0)
  const union = [...new Set([...chainSet(a), ...chainSet(b)])].sort()
  return [a, b, union]
}

/** After whatever happened, a clean sync brings both to the union. */
function recovers (a: Badge, b: Badge, union: string[], t: number): void {
  storeIsSound(a); storeIsSound(b)
  for (let round = 0; round < 3 && (chainSet(a).join() !== union.join() || chainSet(b).join() !== union.join()); round++) {
    t = sync(a, b, { t: t + 200_000 }).t // past any backoff
  }
  expect(chainSet(a)).toEqual(union)
  expect(chainSet(b)).toEqual(union)
}

describe(`sync fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  it('random frames on a live link: no trap, the link drops, the badge still syncs', () => {
    const rng = new Rng(SEED)
    const [a, b, union] = pair(rng, 1)
    let t = 1000
    for (let k = 0; k < CASES; k++) {
      const h = 100 + k
      a.linkUp(h, rng.pick([23, 100, 247]), rng.int(2) === 1, addrOf(h), t)
      let seq = 0
      for (let f = 0, n = 1 + rng.int(12); f < n; f++) {
        const len = rng.int(3) === 0 ? rng.int(300) : 1 + rng.int(60)
        const frame = rng.bytes(len)
        // Half the frames get a plausible header, so the parser goes past framing into messages.
        if (len > 0 && rng.int(2)) frame[0] = (seq++ & 0x3f) | (f === 0 ? 0x80 : 0) | (f === n - 1 ? 0x40 : 0)
        if (len > 1 && f === 0 && rng.int(2)) frame[1] = 1 + rng.int(7)
        a.frame(h, frame, t++)
      }
      a.drain()
      a.linkDown(h, t++)
    }
    expect(a.status(t).violations).toBeGreaterThan(CASES / 3) // most of them broke a rule
    recovers(a, b, union, t)
  })

  it('says why each link dropped, in one of the documented reasons, and the generator reaches every one', () => {
    const reasons = ['broken framing', 'message too large', 'bad or repeated HELLO', 'protocol version differs',
      'peer has our own key', 'second link to the same badge', 'malformed reconciliation', 'queue overflow',
      'blocks nobody asked for', 'a block that does not verify or parse', 'END out of order',
      'unknown message type', 'stalled', 'sync took too long', 'too many blocks refused', 'reconciliation does not end',
      'no progress', 'a PROOF that does not verify']
    const rng = new Rng(SEED + 7)
    const lines: string[] = []
    const a = badge(1007, { log: l => lines.push(l) })
    const mine = author()
    give(a, cards(mine, 2, T0 - 60_000), 0) // something to reconcile about
    a.eventKey(eventKeyOf(new Uint8Array(32).fill(0xe1))) // so that a beacon is judged at all
    const foreignBeacon = beaconSign(new Uint8Array(32).fill(0xe2), T0 + 60_000)
    const self = a.identity()
    let t = 1000
    let handle = 100
    const moves = ['again', 'beacon-bad', 'recon', 'recon-garbage', 'want', 'want-size', 'wants', 'blocks', 'blocks-bad', 'blocks-extra',
      'end', 'end-wrong', 'done', 'type', 'too-large', 'frame', 'silence', 'drip', 'busy', 'pingpong', 'ahead', 'twin'] as const
    for (let k = 0; k < CASES / 2; k++) {
      const before = lines.length
      const link = new HostileLink(a, handle, t, rng.int(2) === 1, addrOf(handle)); handle++
      const broke = () => lines.length > before
      const seed = rng.bytes(32)
      const pk = helloKey(seed).pk
      const x = author(); cards(x, 1 + rng.int(4), T0 - 60_000) // a chain the badge lacks, to offer
      const xOwner = PF.fromHex(x.pk)
      const run = (from: number, to: number) => Uint8Array.from(x.feed.slice(from, to).buffer.subarray(4))
      let given = 0
      // The HELLO: mostly good, sometimes each way it can be wrong.
      const h = rng.int(13)
      if (h === 0) link.send(hello(pk, BigInt(T0), { version: rng.pick([0, 1, 2, ...Array.from({ length: 250 }, (_, i) => 4 + i)]) }))
      else if (h === 1) link.send(hello(self, BigInt(T0)))
      else if (h === 2) link.send(hello(pk, BigInt(T0)).subarray(0, 1 + rng.int(75)))
      else if (h === 3) link.send(Uint8Array.from([MSG.WANT, ...xOwner, 0]))
      else if (h === 4) { link.send(hello(pk, BigInt(T0))); link.send(Uint8Array.from([MSG.PROOF, ...rng.bytes(64 + 10)])) } // a PROOF nobody signed
      else link.greet(seed, BigInt(T0), { fp: BigInt(rng.u32()) })
      // Often the offer of a chain first, so the badge asks for it and the moves about blocks meet a WANT.
      if (h > 4 && rng.int(2)) link.send(reconList([{ owner: xOwner, height: x.feed.length }]))
      for (let m = 0, n = 1 + rng.int(5); m < n && !broke(); m++) {
        const wanted = link.got.some(g => g[0] === MSG.WANT && PF.toHex(g.subarray(1, 33)) === x.pk)
        switch (rng.pick(moves)) {
          case 'again': link.send(hello(pk, BigInt(T0))); break
          case 'beacon-bad': link.send(Uint8Array.from([MSG.BEACON, ...foreignBeacon])); break
          case 'recon': link.send(reconList([{ owner: xOwner, height: x.feed.length }])); break
          case 'recon-garbage': {
            const body = [MSG.RECON, 1 + rng.int(40)]
            for (let r = 0, nr = 1 + rng.int(4); r < nr; r++) body.push(...rng.bytes(8), rng.int(4), ...rng.bytes(rng.int(40)))
            link.send(Uint8Array.from(body)); break
          }
          case 'want': link.send(want(rng.int(2) ? xOwner : rng.bytes(32), rng.int(3))); break
          case 'want-size': link.send(want(xOwner, 0).subarray(0, 1 + rng.int(32))); break
          case 'wants': link.ready = false; for (let w = 0; w < 40 && !broke(); w++) link.send(want(rng.bytes(32), 0)); break
          case 'blocks': if (given < x.feed.length) { link.send(blocks(1, run(given, given + 1))); given++ } break
          case 'blocks-bad': {
            const from = Math.min(given, x.feed.length - 1); const to = Math.min(x.feed.length, from + 1 + rng.int(2))
            const r = run(from, to)
            r[rng.int(64)] ^= 1 << rng.int(8) // a signature byte
            link.send(blocks(to - from, r)); break
          }
          case 'blocks-extra': link.send(blocks(x.feed.length + 1, run(0, x.feed.length))); break
          case 'end': link.send(end(wanted && rng.int(4) ? xOwner : rng.bytes(32))); break
          case 'end-wrong': link.send(Uint8Array.from([MSG.END, ...rng.bytes(rng.int(40))])); break
          case 'done': link.send(Uint8Array.from([MSG.DONE])); break
          case 'type': link.send(Uint8Array.from([rng.pick([0, 9, 10, 100, 255]), ...rng.bytes(rng.int(30))])); break
          case 'too-large': { const big = rng.bytes(1600); big[0] = MSG.RECON; link.send(big); break }
          case 'frame': link.frames([rng.pick([Uint8Array.from([0xc0 | ((link.seq + 1 + rng.int(62)) & 0x3f), 6]), Uint8Array.from([0x80 | (link.seq & 0x3f)]), Uint8Array.from([0x40 | (link.seq & 0x3f), 6])])]); break
          case 'silence': link.tick(10_001 + rng.int(5000)); break
          case 'drip': { // a message that never ends, a byte every 9 s
            link.frames([Uint8Array.from([0x80 | (link.seq++ & 0x3f), MSG.RECON])], 9000)
            for (let d = 0; d < 15 && !broke(); d++) { link.frames([Uint8Array.from([link.seq++ & 0x3f, 0])], 9000); link.tick(0) }
            break
          }
          case 'busy': // asks for the badge's own chain every 9 s: progress, but never done
            for (let d = 0; d < 15 && !broke(); d++) { link.send(want(PF.fromHex(mine.pk), 0), 9000); link.tick(0) }
            break
          case 'pingpong': // summaries that always differ: always answered
            for (let d = 0; d < 40 && !broke(); d++) link.send(reconFp(1000, BigInt(rng.u32())))
            break
          case 'ahead': { // chains the badge lacks, each answered with a block dated an hour ahead
            const offered = Array.from({ length: 10 }, () => { const w = author(); return { w, run: cards(w, 1, T0 + 3_600_000) } })
            link.send(reconList(offered.slice(0, 8).map(o => ({ owner: PF.fromHex(o.w.pk), height: 1 }))))
            link.send(reconList(offered.slice(8).map(o => ({ owner: PF.fromHex(o.w.pk), height: 1 }))))
            for (let d = 0; d < 20; d++) link.tick(1)
            for (const g of link.got.filter(g => g[0] === MSG.WANT)) {
              const o = offered.find(o => o.w.pk === PF.toHex(g.subarray(1, 33)))
              if (!o || broke()) continue
              link.send(blocks(1, o.run.subarray(4))); link.send(end(PF.fromHex(o.w.pk)))
            }
            break
          }
          case 'twin': { // the same key on a second link while this one is up
            const twin = new HostileLink(a, handle, link.t, false, addrOf(handle)); handle++
            twin.greet(seed, BigInt(T0))
            twin.down(); link.t = twin.t; break
          }
        }
      }
      link.down()
      t = link.t + 1000
    }
    // A link that never says HELLO stalls.
    a.linkUp(999, 247, false, ADDR_B, t)
    a.tick(t + 30_000)
    expect(lines.at(-1)).toBe('link 999: stalled')
    expect(lines.length).toBe(a.status(t + 30_000).violations)
    for (const l of lines) {
      const m = /^link (\d+): (.*)$/.exec(l)
      expect(m, l).not.toBeNull()
      expect(reasons, l).toContain(m![2])
      expect(Number(m![1])).toBeGreaterThanOrEqual(100)
    }
    const seen = new Set(lines.map(l => l.replace(/^link \d+: /, '')))
    expect([...seen].sort(), `replay: FUZZ_SEED=${SEED} FUZZ_CASES=${CASES}`).toEqual([...reasons].sort())
  })

  it('tampered conversations (bit flips, drops, repeats, swaps, truncation): the store takes only sound blocks', () => {
    const rng = new Rng(SEED + 1)
    let dropped = 0
    for (let k = 0; k < Math.max(10, CASES / 10); k++) {
      const [a, b, union] = pair(rng, 10 + k)
      const p = 0.02 + 0.1 * (rng.int(100) / 100)
      let held: Uint8Array | undefined
      const r = sync(a, b, {
        mtu: rng.pick([23, 247]),
        tamper: (_dir, f) => {
          if (rng.int(1000) / 1000 >= p) return [f]
          const g = Uint8Array.from(f)
          switch (rng.int(5)) {
            case 0: g[rng.int(g.length)] ^= 1 << rng.int(8); return [g]
            case 1: return []
            case 2: return [f, f]
            case 3: { const prev = held; held = f; return prev ? [f, prev] : [] }
            default: return [g.subarray(0, rng.int(g.length))]
          }
        }
      })
      expect(r.steps).toBeLessThan(100_000)
      dropped += a.status(r.t).violations + b.status(r.t).violations
      recovers(a, b, union, r.t)
    }
    expect(dropped).toBeGreaterThan(0)
  })

  it('hostile RECON messages after a proper HELLO: answered or refused, never a trap', () => {
    const rng = new Rng(SEED + 2)
    const [a, b, union] = pair(rng, 99)
    const key = helloKey(rng.bytes(32)) // one peer, many links: each proves the key over that link's nonce
    let t = 1000
    let answered = 0
    for (let k = 0; k < CASES; k++) {
      const h = 500 + k
      a.linkUp(h, 247, false, addrOf(h), t)
      const its = parseHello(a.drain().flatMap(r => r.kind === 'send' ? [r.frame.subarray(1)] : [])[0])! // one frame at this MTU
      const mine = { pk: key.pk, nonce: rng.bytes(16), time: BigInt(T0), chains: rng.int(5), fp: 0n }
      const ranges: number[] = []
      const n = rng.int(3) === 0 ? rng.int(40) : 1 + rng.int(5)
      let bound = 0n
      for (let i = 0; i < n; i++) {
        bound = i === n - 1 && rng.int(4) > 0 ? 0xffffffffffffffffn : bound + BigInt(rng.u32()) * BigInt(rng.u32())
        const bb = new Uint8Array(8); new DataView(bb.buffer).setBigUint64(0, bound & 0xffffffffffffffffn, true)
        ranges.push(...bb)
        const mode = rng.int(5)
        ranges.push(mode)
        if (mode === 1) ranges.push(rng.int(200), ...rng.bytes(8))
        else if (mode === 2 || mode === 3) {
          const m = rng.int(10)
          ranges.push(m)
          for (let j = 0; j < m; j++) ranges.push(...rng.bytes(32), 1 + rng.int(5))
        }
      }
      const msg = Uint8Array.from([2, n & 0xff, ...ranges].slice(0, rng.int(4) === 0 ? rng.int(ranges.length + 2) : undefined))
      // Frame them: HELLO and its PROOF, then the RECON split to the MTU.
      let seq = 0
      a.frame(h, Uint8Array.from([0xc0 | seq++, ...helloMessage(mine)]), t++)
      a.frame(h, Uint8Array.from([0xc0 | seq++, ...proofMessage(key.seed, its.nonce, mine)]), t++)
      for (let o = 0; o < msg.length; o += 240) {
        const last = o + 240 >= msg.length
        a.frame(h, Uint8Array.from([(o === 0 ? 0x80 : 0) | (last ? 0x40 : 0) | (seq++ & 0x3f), ...msg.subarray(o, o + 240)]), t++)
      }
      for (const r of a.drain()) {
        if (r.kind !== 'send') continue
        expect(r.frame.length).toBeLessThanOrEqual(244)
        if ((r.frame[0] & 0x80) !== 0 && r.frame[1] === MSG.RECON) answered++ // a reply (the badge's PROOF does not count)
      }
      a.linkDown(h, t++)
    }
    expect(answered).toBeGreaterThan(0) // some RECONs were well-formed enough to answer
    expect(a.status(t).violations).toBeGreaterThan(0)
    recovers(a, b, union, t)
  })

  it('advertisements of any shape: parsed or ignored', () => {
    const rng = new Rng(SEED + 3)
    const a = badge(3000)
    const good = a.drain().find(r => r.kind === 'advertise') as { data: Uint8Array }
    for (let k = 0; k < CASES * 3; k++) {
      const data = rng.int(2) ? rng.bytes(rng.int(40)) : Uint8Array.from(good.data)
      if (data === good.data || rng.int(2)) for (let i = 0; i < 1 + rng.int(3) && data.length; i++) data[rng.int(data.length)] ^= 1 << rng.int(8)
      const c = a.core
      c.put(192, ADDR_A); c.put(IO_DATA, data)
      const rc = c.x.badge_advert(c.io + 192, c.io + IO_DATA, data.length, BigInt(k))
      expect([0, 1, -1]).toContain(rc)
      if (data.length > 31) expect(rc).toBe(0)
      const records = a.drain()
      // Answered 0, it added nothing to the outbox (docs/ABI.md, badge_advert): hosts skip the drain after it.
      if (rc === 0) expect(records).toEqual([])
      else if (rc === 1) expect(records.map(r => r.kind)).toEqual(['connect'])
    }
  })

  it('hostile pointers and call orders on every badge export: error codes, no trap, nothing corrupted', () => {
    const rng = new Rng(SEED + 4)
    const a = badge(3100)
    const pk = PF.toHex(a.identity())
    give(a, cards(author(), 2, T0 - 1000), 0)
    const before = chainSet(a)
    const x = a.core.x as unknown as Record<string, (...args: unknown[]) => number>
    const names = ['badge_tick', 'badge_advert', 'badge_link_up', 'badge_link_down', 'badge_link_ready', 'badge_frame', 'badge_action', 'badge_outbox', 'badge_status', 'badge_identity', 'badge_idle']
    const arity: Record<string, string> = { badge_idle: 'L', badge_tick: 'L', badge_advert: 'iiiL', badge_link_up: 'iiiiL', badge_link_down: 'iL', badge_link_ready: 'iL', badge_frame: 'iiiL', badge_action: 'iiL', badge_outbox: 'ii', badge_status: 'iL', badge_identity: 'i' }
    const io = a.core.io
    const ptr = () => rng.int(2) ? io + rng.int(a.core.x.io_cap() - 64) : rng.pick([0, 8, io - 1, io, io + 100, io + a.core.x.io_cap() - 1, io + a.core.x.io_cap(), 0x7fffffff, -1, 4 * 65536 - 4, rng.u32() | 0])
    // What each export may answer (docs/ABI.md): its values, or its documented refusals.
    const answers: Record<string, (rc: number) => boolean> = {
      badge_tick: rc => rc >= 0 && rc <= 128,
      badge_advert: rc => [0, 1, -1].includes(rc),
      badge_link_up: rc => (rc >= 1 && rc <= 16) || [-1, -71].includes(rc),
      badge_link_down: rc => [0, -74].includes(rc),
      badge_link_ready: rc => [0, -74].includes(rc),
      badge_frame: rc => [0, -1, -74].includes(rc),
      badge_action: rc => rc === 1 || (rc < 0 && documented(rc)),
      badge_outbox: rc => rc >= 0 || rc === -1,
      badge_status: rc => [0, -1].includes(rc),
      badge_identity: rc => [0, -1].includes(rc),
      badge_idle: rc => rc >= 0 // ms, capped at 2^31 - 1: an i32 is never above it
    }
    const seen = new Map<string, Set<number>>(names.map(n => [n, new Set()]))
    let now = 0
    for (let h = 0; h < 4; h++) a.linkUp(h, 247, h % 2 === 0, ADDR_B, 0) // handles the calls below may hit
    for (let k = 0; k < CASES * 5; k++) {
      const name = rng.pick(names)
      const args = [...arity[name]].map(t => t === 'L' ? BigInt(rng.int(20) ? (now += rng.int(50)) : rng.int(1_000_000)) : rng.pick([() => rng.int(40), () => rng.int(500) - 100, ptr, ptr])())
      if (/link_|frame/.test(name) && rng.int(2)) args[0] = rng.int(4) // a handle that may be up
      const rc = x[name](...args)
      expect(answers[name](rc), `${name}(${args.join(', ')}) → ${rc} (replay: FUZZ_SEED=${SEED} FUZZ_CASES=${CASES})`).toBe(true)
      seen.get(name)!.add(rc < 0 ? rc : Math.min(rc, 1))
      a.drain()
    }
    // The corpus reaches past the pointer checks: each export that takes a pointer both refuses and answers.
    for (const n of ['badge_advert', 'badge_frame', 'badge_status', 'badge_identity', 'badge_outbox', 'badge_action']) {
      expect(seen.get(n)!.has(-1), `${n} never refused a pointer`).toBe(true)
      expect([...seen.get(n)!].some(rc => rc !== -1), `${n} never got past its pointer check`).toBe(true)
    }
    expect(seen.get('badge_frame')!.has(0), 'no frame reached a live link').toBe(true)
    expect(PF.toHex(a.identity())).toBe(pk)
    expect(chainSet(a)).toEqual(before)
    storeIsSound(a)
  })
})
