// Fuzzing the store's and the engine's inputs through the WebAssembly
// exports: block bodies (the CBOR reader) against picostore + cborg's
// verdicts, hostile feeds and pointers against dispatch, and garbage flash
// against mount. No trap, no hang, nothing lost. Flash is simulated.

import { describe, it, expect } from 'vitest'
import { Store } from '@telamon/picostore'
import { MemoryLevel } from 'memory-level'
import { encode, decode } from 'cborg'
import * as PF from 'picofeed'
import { BadgeEngine } from '../host/engine.js'
import { FlashRepo } from '../host/repo.js'
import { NorFlash, flashImports } from '../host/nor-flash.js'
import { fuzzing } from './support/fuzz.js'
import { Rng } from './support/rng.js'
import { Cards } from './support/cards.js'
import { documented } from './support/abi-codes.js'

const { SEED, CASES } = fuzzing('tests/fuzz-store.test.ts', 7101, 1500)
const T0 = 1_700_000_000_000

/** Valid bodies and byte-level mutations of them: what a buggy or hostile app would sign. */
function body (rng: Rng): Uint8Array {
  const good = encode(['cards', rng.int(3) ? { name: 'ann', x: [1, -2, 3.5, null, true, 'y'] } : { name: 'bob' }, T0 - rng.int(1000)])
  const b = Uint8Array.from(good)
  const k = rng.int(7)
  if (k === 0) return b
  if (k === 1) { b[rng.int(b.length)] ^= 1 << rng.int(8); return b }
  if (k === 2) { b[rng.int(b.length)] = rng.pick([0x18, 0x19, 0x1c, 0x1f, 0x5f, 0x7f, 0x9f, 0xbf, 0xc0, 0xd8, 0xf7, 0xf9, 0xfb, 0xff]); return b }
  if (k === 3) return b.subarray(0, rng.int(b.length))
  if (k === 4) { const x = rng.bytes(1 + rng.int(6)); const out = new Uint8Array(b.length + x.length); out.set(b); out.set(x, b.length); return out }
  if (k === 5) { const out = Uint8Array.from(b); out[0] = rng.pick([0x9f, 0x83, 0x82, 0x84, 0xa3]); if (out[0] === 0x9f) { const o = new Uint8Array(out.length + 1); o.set(out); o[out.length] = 0xff; return o } return out }
  return rng.bytes(1 + rng.int(40))
}

describe(`store and engine fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  it('accepts exactly the block bodies picostore 3 (cborg) accepts', async () => {
    const rng = new Rng(SEED)
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 64 * 4096 })
    const engine = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0)
    const store = new Store(new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' }) as any)
    store.register('cards', Cards)
    await store.load()
    let accepted = 0
    for (let i = 0; i < CASES * 2 / 3; i++) {
      let b = body(rng)
      if (b.length && b[0] === 0) b = Uint8Array.from([0x80, ...b]) // picofeed bodies never start with 0x00
      const f = new PF.Feed()
      f.append(b.length ? b : new Uint8Array([0x80]), PF.Feed.signPair().sk)
      let want = 0
      try { want = (await store.dispatch(f))?.length ?? 0 } catch { want = 0 }
      // The badge's clock rules (docs/ABI.md -64, -65), which picostore does not have:
      // a date beyond the skew bound, or a card already expired on arrival, is refused.
      try {
        const d = decode(b)
        if (Array.isArray(d) && typeof d[2] === 'number' && (d[2] > T0 + 5 * 60_000 || d[2] + 3_600_000 <= T0)) want = 0
      } catch {}
      const got = Math.max(0, engine.dispatch(Uint8Array.from(f.buffer), T0))
      expect(got, `case ${i}: ${PF.toHex(b)}`).toBe(want)
      accepted += got
    }
    expect(accepted).toBeGreaterThan(CASES / 15)
  })

  it('refuses garbage and mutated feeds without trapping, and keeps what it had', () => {
    const rng = new Rng(SEED + 1)
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 32 * 4096 })
    const engine = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0)
    const { sk } = PF.Feed.signPair()
    const feed = new PF.Feed()
    for (let i = 0; i < 5; i++) feed.append(encode(['cards', { name: `n${i}` }, T0 + i]), sk)
    expect(engine.dispatch(Uint8Array.from(feed.buffer), T0 + 10)).toBe(5)
    const before = engine.stats().objects
    const answers = new Map<number, number>()
    for (let i = 0; i < CASES; i++) {
      const b = Uint8Array.from(feed.buffer)
      const k = rng.int(4)
      if (k === 0) b[4 + rng.int(b.length - 4)] ^= 1 << rng.int(8)
      else if (k === 1) b.set(rng.bytes(8), 4 + rng.int(b.length - 12))
      const input = k === 2 ? rng.bytes(rng.logInt(1, 3000)) : k === 3 ? b.subarray(0, rng.int(b.length)) : b
      const rc = engine.dispatch(input, T0 + 10)
      // Nothing new (every block here is already stored), or a refusal docs/ABI.md documents.
      expect(rc === 0 || (rc < 0 && documented(rc)), `case ${i}: ${rc} (replay: FUZZ_SEED=${SEED})`).toBe(true)
      answers.set(rc, (answers.get(rc) ?? 0) + 1)
      expect(engine.stats().objects).toBe(before)
    }
    expect(answers.get(0)).toBeGreaterThan(10) // truncations at block edges: all duplicates
    expect(answers.get(-60)).toBeGreaterThan(10) // flipped bits
    // The store still works.
    feed.append(encode(['cards', { name: 'after' }, T0 + 20]), sk)
    expect(engine.dispatch(Uint8Array.from(feed.slice(-1).buffer), T0 + 30)).toBe(1)
  })

  it('answers hostile pointers to the store and engine exports with E_RANGE', () => {
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 16 * 4096 })
    const engine = new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0)
    const c = engine.core
    const rng = new Rng(SEED + 2)
    const cap = c.x.io_cap()
    const ptrs = () => rng.pick([0, c.io - 1, c.io + cap, c.io + cap - 1, 0xffffffff, c.u8.length, rng.u32()])
    for (let i = 0; i < 2000; i++) {
      const rc = rng.pick([
        () => c.x.store_write(ptrs(), rng.int(5000), 0n),
        () => c.x.store_read(ptrs(), ptrs(), rng.int(5000)),
        () => c.x.store_head(ptrs(), ptrs()),
        () => c.x.store_load(ptrs(), 1, ptrs(), rng.int(5000)),
        () => c.x.store_evict(ptrs(), 0n, 0n),
        () => c.x.store_chains(0, ptrs(), rng.int(5000)),
        () => c.x.engine_dispatch(ptrs(), rng.int(5000), 0n),
        () => c.x.engine_state(0, ptrs(), ptrs())
      ])()
      expect(rc).toBe(-1)
    }
  })

  it('mounts garbage flash without trapping: torn records and random sectors are skipped, good ones kept', () => {
    const rng = new Rng(SEED + 3)
    const geometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }
    const good = new NorFlash(geometry)
    const repo = new FlashRepo(geometry, m => flashImports(good, m)).mount()
    const { sk, pk } = PF.Feed.signPair()
    const feed = new PF.Feed()
    for (let i = 0; i < 20; i++) { feed.append(encode(['cards', { name: `x${i}` }, T0 + i]), sk); repo.write(Uint8Array.from(feed.last.buffer.subarray(0, feed.last.blockSize)), T0) }
    // Where each block lies on the good flash: damage to one sector may cost the blocks in it and,
    // as orphans, those after them; never a block before the first one in that sector.
    const sectorOf = feed.blocks.map(b => {
      const sig = b.sig
      for (let at = good.bytes.indexOf(sig[0]); at >= 0; at = good.bytes.indexOf(sig[0], at + 1)) {
        if (PF.toHex(good.bytes.subarray(at, at + 64)) === PF.toHex(sig)) return Math.floor(at / 4096)
      }
      throw new Error('block not found on flash')
    })
    expect(new Set(sectorOf).size).toBeGreaterThan(1)
    const outcomes = { whole: 0, cut: 0 }
    for (let i = 0; i < CASES / 10; i++) {
      const f = good.clone()
      const sector = rng.int(3) ? rng.pick(sectorOf) : rng.int(16) // mostly where the blocks are
      const mode = rng.int(3)
      if (mode === 0) f.bytes.set(rng.bytes(4096), sector * 4096) // a sector of noise
      else if (mode === 1) { const at = sector * 4096 + rng.int(4096); f.bytes[at] &= rng.int(256) } // a bit flip (NOR can only lose ones)
      else f.bytes.fill(0, sector * 4096 + rng.int(4096), sector * 4096 + 4096) // a tail of zeros
      const r = new FlashRepo(geometry, m => flashImports(f, m))
      r.mount()
      const first = sectorOf.indexOf(sector)
      const mustKeep = first < 0 ? feed.length : first
      const head = r.head(PF.fromHex(pk))
      const what = `case ${i}: mode ${mode} in sector ${sector} (replay: FUZZ_SEED=${SEED})`
      expect(head?.length ?? 0, what).toBeGreaterThanOrEqual(mustKeep)
      // Whatever survived reads back intact, and the chain is a prefix of what was written.
      if (head) {
        const loaded = PF.Feed.from(r.load(PF.fromHex(pk))!)
        expect(loaded.length, what).toBe(head.length)
        for (let k = 0; k < loaded.length; k++) expect(PF.toHex(loaded.block(k).sig), what).toBe(PF.toHex(feed.block(k).sig))
      }
      if ((head?.length ?? 0) === feed.length) outcomes.whole++; else outcomes.cut++
    }
    // Both sides of the property were exercised: damage that cost blocks, and damage that cost none.
    expect(outcomes.cut).toBeGreaterThan(CASES / 50)
    expect(outcomes.whole).toBeGreaterThan(CASES / 50)
  })
})
