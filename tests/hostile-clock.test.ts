// Issue #12, finding 1, its arithmetic: a time near 2^64 must not wrap the
// mesh clock or the engine's sums (`local + offset`, `now + SKEW`), after
// which a badge refused everything. Times come in through every door a
// host or a peer has: badge_init's hint and local time, a HELLO's time in a
// crafted link frame, engine_tick. The mesh clock stops at MAX_TIME
// (2^53 - 1 ms, the latest date a block can carry; clock.ts C4) and every
// sum saturates (assembly/store/time.ts). Signed HELLOs and slew limits
// are another part of #12: here two made-up keys still move the clock, but
// never past MAX_TIME and never by wrapping.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as PF from 'picofeed'
import { Badge, actionBytes } from '../host/badge.js'
import { NorFlash, NRF52840 } from '../host/nor-flash.js'
import { IO_DATA } from '../host/core.js'
import { badge, T0 } from './support/badges.js'
import { ADDR_A, ADDR_B } from './support/pipe.js'

const MAX_TIME = 2 ** 53 - 1
const END = -1n // 2^64 - 1 as the ABI's i64
const I64_MAX = 2n ** 63n - 1n
const HOUR = 3_600_000

function fresh (seed: number): Badge {
  return new Badge({ flash: new NorFlash(NRF52840), entropy: b => b.fill(seed) })
}

function init (b: Badge, local: bigint, hint: bigint): number {
  const g = b.geometry
  return b.core.x.badge_init(g.sectorSize, g.wordSize, g.size, local, hint)
}

/** badge_action at any i64 local time. */
function post (b: Badge, name: string, local: bigint): number {
  const msg = actionBytes('cards', { name })
  b.core.put(IO_DATA, msg)
  return b.core.x.badge_action(b.core.io + IO_DATA, msg.length, local)
}

/** badge_status's mesh time at any i64 local time, exactly. */
function meshTime (b: Badge, local: bigint): bigint {
  expect(b.core.x.badge_status(b.core.io + IO_DATA, local)).toBe(0)
  return new DataView(b.core.u8.buffer, b.core.io + IO_DATA + 64, 8).getBigUint64(0, true)
}

function cardDate (b: Badge): number {
  const s = b.state('cards', b.identity())!
  return Number(new DataView(s.bytes.buffer, s.bytes.byteOffset).getBigUint64(0, true))
}

describe('time near 2^64 does not wrap the mesh clock or the engine (#12, finding 1)', () => {
  for (const hint of [END, I64_MAX, 2n ** 53n]) {
    it(`starts with a hint of ${hint} at MAX_TIME and keeps taking posts`, () => {
      const b = fresh(11)
      expect(init(b, 0n, hint)).toBe(0)
      expect(meshTime(b, 0n)).toBe(BigInt(MAX_TIME))
      expect(post(b, 'one', 0n)).toBe(1)
      expect(cardDate(b)).toBe(MAX_TIME)
      expect(b.state('cards', b.identity())!.expires).toBe(MAX_TIME + HOUR)
      expect(b.tick(60_000)).toBe(0)
      expect(post(b, 'two', 60_000n)).toBe(1)
      expect(meshTime(b, 60_000n)).toBe(BigInt(MAX_TIME))
    })
  }

  it('runs with local times at the i64 edge: the clock stops at MAX_TIME, posts and ticks go on', () => {
    const b = fresh(12)
    expect(init(b, I64_MAX - 10n, BigInt(T0))).toBe(0)
    expect(meshTime(b, I64_MAX - 10n)).toBe(BigInt(MAX_TIME))
    expect(post(b, 'edge', I64_MAX - 5n)).toBe(1)
    expect(b.core.x.badge_tick(I64_MAX)).toBe(0)
    expect(b.core.x.badge_tick(END)).toBe(0) // local + offset used to wrap here
    expect(meshTime(b, END)).toBe(BigInt(MAX_TIME))
    expect(post(b, 'still', END)).toBe(1)
  })

  it('ignores HELLO times near 2^64 from two made-up keys: the clock keeps running, posts go on', () => {
    const a = badge(301)
    expect(meshTime(a, 5n)).toBe(BigInt(T0 + 5))
    let t = 10
    const hello = (link: number, addr: Uint8Array, time: bigint) => {
      expect(a.linkUp(link, 247, false, addr, t++)).toBe(true)
      const msg = new Uint8Array(52)
      msg[0] = 1; msg[1] = 1 // HELLO, protocol version 1
      msg.set(PF.toU8(PF.Feed.signPair().pk), 2) // a key nobody holds
      new DataView(msg.buffer).setBigUint64(34, time, true)
      a.frame(link, Uint8Array.from([0xc0, ...msg]), t++) // first and last frame, sequence 0
      a.drain()
    }
    hello(1, ADDR_A, 2n ** 64n - 1n)
    hello(2, ADDR_B, 2n ** 64n - 2n) // a second "neighbour" agreeing within the skew bound
    // (It used to jump to 2^64 - 2, then local + offset wrapped and the clock froze where it was.)
    expect(meshTime(a, 1000n)).toBe(BigInt(T0 + 1000))
    expect(a.post('cards', { name: 'ann' }, 2000)).toBe(1)
    expect(cardDate(a)).toBe(T0 + 2000)
  })

  it('does not spin when engine_tick is called with an earlier time after the end of time (run in a child, with a timeout)', () => {
    // Before the fix, a state due by the collector's clock but not by `now` was filed as due again, and again: a hang.
    const dist = (p: string) => new URL(`../dist/host/${p}`, import.meta.url).href
    const script = `
      import { BadgeEngine } from '${dist('engine.js')}'
      import { NorFlash, flashImports } from '${dist('nor-flash.js')}'
      import * as PF from 'picofeed'
      import { encode } from 'cborg'
      const T0 = ${T0}
      const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 32 * 4096 })
      const e = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0)
      const card = (name) => { const k = PF.Feed.signPair(); const f = new PF.Feed(); f.append(encode(['cards', { name }, T0]), k.sk); return Uint8Array.from(f.buffer) }
      const out = [e.dispatch(card('a'), T0), e.core.x.engine_tick(-1n), e.dispatch(card('b'), T0), e.core.x.engine_tick(BigInt(T0)), e.core.x.engine_tick(BigInt(T0 + 1))]
      console.log(JSON.stringify(out))
    `
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 20_000 })
    expect(r.signal, 'killed by the timeout: engine_tick spun').toBeNull()
    expect(r.stderr).toBe('')
    // Stored, forgotten at the end of time; the next card is judged at the collector's clock, which is past its expiry.
    expect(JSON.parse(r.stdout)).toEqual([1, 1, 1, 1, 0])
  })
})
