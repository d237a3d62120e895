// The core's block store on a simulated NOR flash part (host/nor-flash.ts),
// which enforces the flash rules and counts erases per sector: picorepo's
// write rules, remounts, eviction with tombstones, compaction under a long
// workload, and power cut at every program and erase of that workload.

import { describe, it, expect } from 'vitest'
import * as PB from '../host/index.js'
import { FlashRepo, StoreError } from '../host/repo.js'
import { NorFlash, flashImports, FlashRuleError, PowerLoss, NorGeometry } from '../host/nor-flash.js'
import { Rng, body } from './support/rng.js'
import { CutRecorder, CutPoint } from './support/cut-points.js'

const hex = PB.toHex
const SMALL: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }

/** A flash whose rule errors fail the test even though the core only sees a code. */
function strictImports (flash: NorFlash, ruleErrors: string[]) {
  return (memory: () => WebAssembly.Memory) => {
    const f = flashImports(flash, memory)
    const watch = (name: string, fn: (...a: number[]) => number) => (...a: number[]) => {
      const rc = fn(...a)
      if (rc < 0) ruleErrors.push(`${name}(${a.join(', ')}) → ${rc}`)
      return rc
    }
    return { read: watch('read', f.read), program: watch('program', f.program), erase: watch('erase', f.erase) }
  }
}

function repoOn (flash: NorFlash, ruleErrors: string[] = []): FlashRepo {
  return new FlashRepo(flash.geometry, strictImports(flash, ruleErrors)).mount()
}

/** n blocks of a fresh author's chain, as picofeed makes them (signed, linked). */
function chain (rng: Rng, n: number, maxBody = 300): { owner: Uint8Array, blocks: Uint8Array[] } {
  const { sk, pk } = PB.signPair()
  const f = new PB.Feed()
  for (let i = 0; i < n; i++) f.append(body(rng, 1 + rng.int(maxBody)), sk)
  return { owner: PB.fromHex(pk), blocks: f.blocks.map(b => Uint8Array.from(b.buffer.subarray(0, b.blockSize))) }
}

describe('block store on simulated NOR flash (nRF52840 geometry, 16 × 4 KiB)', () => {
  it('stores chains, reads them back, and survives a remount', () => {
    const rng = new Rng(31)
    const flash = new NorFlash(SMALL)
    const errors: string[] = []
    const repo = repoOn(flash, errors)
    const chains = [chain(rng, 5), chain(rng, 1), chain(rng, 12)]
    for (const c of chains) for (const b of c.blocks) expect(repo.write(b, 1000)).toBe(true)
    expect(repo.write(chains[0].blocks[2], 1000)).toBe(false) // already stored
    for (const r of [repo, repoOn(flash, errors)]) {
      expect(r.stats().blocks).toBe(18)
      expect(r.chains().map(c => c.owner).sort()).toEqual(chains.map(c => hex(c.owner)).sort())
      for (const c of chains) {
        for (const b of c.blocks) expect(hex(r.read(b.subarray(0, 64))!)).toBe(hex(b))
        expect(r.head(c.owner)!.length).toBe(c.blocks.length)
        expect(hex(r.head(c.owner)!.sig)).toBe(hex(c.blocks[c.blocks.length - 1].subarray(0, 64)))
        const feed = PB.Feed.from(r.load(c.owner)!)
        expect(feed.length).toBe(c.blocks.length)
        expect(hex(feed.last.sig)).toBe(hex(c.blocks[c.blocks.length - 1].subarray(0, 64)))
      }
    }
    expect(errors).toEqual([])
  })

  it('follows picorepo\'s rules: forks, orphans and anonymous blocks are refused', () => {
    const rng = new Rng(32)
    const repo = repoOn(new NorFlash(SMALL))
    const { sk } = PB.signPair()
    const a = new PB.Feed(); a.append('one', sk); a.append('two', sk)
    const b = new PB.Feed(); b.append('another genesis', sk)
    const blk = (f: PB.Feed, i: number) => Uint8Array.from(f.block(i).buffer.subarray(0, f.block(i).blockSize))
    const code = (fn: () => unknown) => { try { fn(); return 0 } catch (e) { return (e as StoreError).code } }
    expect(code(() => repo.write(blk(a, 1), 0))).toBe(-54) // parent unknown
    expect(repo.write(blk(a, 0), 0)).toBe(true)
    expect(code(() => repo.write(blk(b, 0), 0))).toBe(-53) // second genesis by the same author
    expect(repo.write(blk(a, 1), 0)).toBe(true)
    const c = a.clone(); c.truncate(1); c.append('sibling of two', sk)
    expect(code(() => repo.write(blk(c, 1), 0))).toBe(-53) // does not extend the head
    const anon = new Uint8Array(PB.sizeOfBlockSegment(5, []))
    PB.createBlockSegment(anon, 0, PB.s2b('anon!'), sk, [])
    expect(code(() => repo.write(anon, 0))).toBe(-50)
    expect(code(() => repo.write(rng.bytes(100), 0))).toBe(-51)
    expect(repo.stats().blocks).toBe(2)
  })

  it('refuses a block larger than BLOCK_MAX (1,280 B) with E_TOO_LARGE, and loses nothing', () => {
    const flash = new NorFlash(SMALL)
    const repo = repoOn(flash)
    const { sk, pk } = PB.signPair()
    const f = new PB.Feed()
    const sizes: number[] = []
    // A block with a parent is its body plus 166 B (signature 64, size 2, author 34, parent 66):
    // the last two are 1,280 B (the largest accepted) and 1,281 B.
    for (const n of [100, 1280 - 166, 1281 - 166]) {
      f.append('x'.repeat(n), sk)
      sizes.push(f.last.blockSize)
    }
    const blocks = f.blocks.map(b => Uint8Array.from(b.buffer.subarray(0, b.blockSize)))
    expect(sizes.slice(1)).toEqual([1280, 1281])
    expect(repo.write(blocks[0], 0)).toBe(true)
    expect(repo.write(blocks[1], 0)).toBe(true)
    const before = repo.stats()
    const code = (fn: () => unknown) => { try { fn(); return 0 } catch (e) { return (e as StoreError).code } }
    expect(code(() => repo.write(blocks[2], 0))).toBe(-52)
    for (const r of [repo, repoOn(flash)]) {
      expect(r.stats()).toEqual(before)
      expect(r.head(PB.fromHex(pk))!.length).toBe(2)
      expect(hex(r.read(blocks[1].subarray(0, 64))!)).toBe(hex(blocks[1]))
    }
  })

  it('evicts a chain with a tombstone that refuses it until its time, across remounts', () => {
    const rng = new Rng(33)
    const flash = new NorFlash(SMALL)
    let repo = repoOn(flash)
    const c = chain(rng, 4)
    const keep = chain(rng, 2)
    for (const b of [...c.blocks, ...keep.blocks]) repo.write(b, 0)
    expect(repo.evict(c.owner, 5000, 100)).toBe(4)
    expect(repo.head(c.owner)).toBeUndefined()
    expect(repo.read(c.blocks[1].subarray(0, 64))).toBeUndefined()
    repo = repoOn(flash)
    expect(repo.head(c.owner)).toBeUndefined()
    expect(repo.stats()).toMatchObject({ blocks: 2, chains: 1, tombstones: 1 })
    expect(() => repo.write(c.blocks[0], 4999)).toThrow(/ChainEvicted/)
    expect(repo.write(c.blocks[0], 5000)).toBe(true) // its time has come: it may return
    expect(repo.write(c.blocks[1], 5000)).toBe(true)
    repo = repoOn(flash)
    expect(repo.head(c.owner)!.length).toBe(2) // the new copy outlives the older tombstone
    expect(repo.head(keep.owner)!.length).toBe(2)
  })

  it('keeps accepting blocks through compaction, spreads erases, and never breaks a flash rule', () => {
    const rng = new Rng(34)
    const flash = new NorFlash(SMALL)
    const errors: string[] = []
    let repo = repoOn(flash, errors)
    const live = new Map<string, { owner: Uint8Array, blocks: Uint8Array[] }>()
    let now = 0
    let written = 0
    for (let round = 0; round < 150; round++) {
      const c = chain(rng, 1 + rng.int(8), 600)
      for (const b of c.blocks) { repo.write(b, now); written += b.length }
      live.set(hex(c.owner), c)
      // The collector's job, done by hand here: keep about ten chains.
      while (live.size > 10) {
        const [k, v] = live.entries().next().value!
        repo.evict(v.owner, now + 1, now)
        live.delete(k)
      }
      now += 10
      if (round % 40 === 39) repo = repoOn(flash, errors)
    }
    expect(written).toBeGreaterThan(3 * SMALL.size) // the region was rewritten several times over
    for (const c of live.values()) {
      expect(repo.head(c.owner)!.length).toBe(c.blocks.length)
      for (const b of c.blocks) expect(hex(repo.read(b.subarray(0, 64))!)).toBe(hex(b))
    }
    const erases = [...flash.eraseCounts]
    expect(Math.min(...erases)).toBeGreaterThan(0)
    // Static wear levelling keeps the gap near its threshold (4) however long the workload runs.
    expect(Math.max(...erases) - Math.min(...erases)).toBeLessThanOrEqual(6)
    expect(errors).toEqual([])
  })

  it('remounts a region holding more block records than the index has slots (evicted chains not yet compacted)', () => {
    const rng = new Rng(37)
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 64 * 4096 })
    let repo = repoOn(flash)
    const live: Array<{ owner: Uint8Array, blocks: Uint8Array[] }> = []
    let records = 0
    for (let i = 0; i < 100; i++) {
      const c = chain(rng, 15, 20)
      for (const b of c.blocks) repo.write(b, 0)
      records += c.blocks.length
      live.push(c)
      if (live.length > 60) repo.evict(live.shift()!.owner, 1, 0)
    }
    expect(records).toBeGreaterThan(1024) // more records on flash than index slots
    expect(repo.stats().blocks).toBe(60 * 15)
    repo = repoOn(flash)
    expect(repo.stats().blocks).toBe(60 * 15)
    for (const c of live) expect(repo.head(c.owner)!.length).toBe(15)
  })

  it('remounts with more genesis records on flash than chain slots (evicted chains not yet compacted)', () => {
    const rng = new Rng(38)
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 32 * 4096 })
    let repo = repoOn(flash)
    const chains = Array.from({ length: 140 }, () => chain(rng, 1, 20))
    for (const [i, c] of chains.entries()) {
      repo.write(c.blocks[0], 0)
      if (i >= 40) repo.evict(chains[i - 40].owner, 1, 0)
    }
    const survivors = chains.slice(100)
    expect(repo.stats().chains).toBe(40)
    repo = repoOn(flash)
    expect(repo.stats().chains).toBe(40)
    for (const c of survivors) expect(repo.head(c.owner)?.length).toBe(1)
  })

  it('says StoreFull when every sector holds live blocks, and loses nothing', () => {
    const rng = new Rng(35)
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 4 * 4096 })
    const repo = repoOn(flash)
    const stored: Uint8Array[] = []
    let full = false
    for (let i = 0; i < 100 && !full; i++) {
      const c = chain(rng, 3, 500)
      for (const b of c.blocks) {
        try { repo.write(b, 0); stored.push(b) } catch (e) { expect((e as Error).message).toMatch(/StoreFull/); full = true; break }
      }
    }
    expect(full).toBe(true)
    const again = repoOn(flash)
    for (const b of stored) expect(hex(again.read(b.subarray(0, 64))!)).toBe(hex(b))
  })
})

// ---- power loss ------------------------------------------------------------------

type Op = { kind: 'write', block: Uint8Array, owner: string } | { kind: 'evict', owner: Uint8Array, until: number }

/** A scripted workload: many chains growing, the oldest evicted as a collector would. */
function workload (rng: Rng, rounds: number): Op[] {
  const ops: Op[] = []
  const open: Array<{ owner: Uint8Array, blocks: Uint8Array[], next: number }> = []
  for (let r = 0; r < rounds; r++) {
    if (open.length < 6 || rng.int(4) === 0) { const c = chain(rng, 1 + rng.int(6), 300); open.push({ ...c, next: 0 }) }
    const c = rng.pick(open)
    if (c.next < c.blocks.length) ops.push({ kind: 'write', block: c.blocks[c.next++], owner: hex(c.owner) })
    if (open.length > 9) {
      const victim = open.shift()!
      if (victim.next > 0) ops.push({ kind: 'evict', owner: victim.owner, until: ops.length + 1 + rng.int(50) })
    }
  }
  return ops
}

/** What a repo must hold after ops[0, done) committed and ops[done] was in flight. */
function expected (ops: Op[], done: number) {
  const chains = new Map<string, Uint8Array[]>()
  for (let i = 0; i < done; i++) {
    const op = ops[i]
    if (op.kind === 'write') chains.set(op.owner, [...(chains.get(op.owner) ?? []), op.block])
    else chains.delete(hex(op.owner))
  }
  return chains
}

describe('block store under power loss (simulated NOR flash, cut at every program and erase)', () => {
  const geometry: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }
  const ops = workload(new Rng(36), 2400)
  const apply = (r: FlashRepo, op: Op, now: number) => {
    if (op.kind === 'write') { try { r.write(op.block, now) } catch (e) { if (!(e instanceof StoreError) || e.code !== -53) throw e } } else r.evict(op.owner, op.until, now)
  }
  /** Records every mutation of a mount and a clean run of ops[from, to) on `flash` (stopping early when `until` says). */
  function record (flash: NorFlash, from: number, to: number, until?: (points: CutPoint[]) => boolean) {
    const recorder = new CutRecorder(flash)
    recorder.op = from
    const repo = new FlashRepo(geometry, recorder.imports).mount()
    const mounting = recorder.points.length // the mount's own writes: recovery after a cut
    for (; recorder.op < to && !(until?.(recorder.points)); recorder.op++) apply(repo, ops[recorder.op], recorder.op)
    return { points: recorder.points, mounting }
  }
  const isErase = (p: CutPoint) => p.mutation.toString().includes('erase')

  /**
   * Cuts power at `point`, powers on, mounts, and checks what the store holds against the ops
   * committed before point.op, with ops[point.op] in flight. Returns the mounted repo's flash, and
   * whether the in-flight block (if a write) came back.
   */
  function cutAndCheck (point: CutPoint, mode: 'torn' | 'before', what: string): { flash: NorFlash, inFlightBack: boolean } {
    const f = point.before.clone()
    f.cutPowerAt(1, mode)
    expect(() => point.mutation(f)).toThrow(PowerLoss)
    f.powerOn()
    const errors: string[] = []
    const r = repoOn(f, errors)
    const want = expected(ops, point.op)
    const inFlight = ops[point.op]
    for (const [owner, blocks] of want) {
      const head = r.head(PB.fromHex(owner))
      const extra = inFlight.kind === 'write' && inFlight.owner === owner ? 1 : 0
      expect(head, `${what}: chain ${owner.slice(0, 8)} lost`).toBeDefined()
      expect([blocks.length, blocks.length + extra]).toContain(head!.length)
      for (const b of blocks) expect(hex(r.read(b.subarray(0, 64)) ?? new Uint8Array()), what).toBe(hex(b))
    }
    // The block that was being written: gone, or back whole, never torn; its chain loads and verifies.
    let inFlightBack = false
    if (inFlight.kind === 'write') {
      const got = r.read(inFlight.block.subarray(0, 64))
      const head = r.head(PB.fromHex(inFlight.owner))
      const before = want.get(inFlight.owner)?.length ?? 0
      inFlightBack = got !== undefined
      if (got) expect(hex(got), `${what}: torn block read back`).toBe(hex(inFlight.block))
      expect(head?.length ?? 0, `${what}: the head and the block disagree`).toBe(before + (inFlightBack ? 1 : 0))
      if (head) {
        const feed = PB.Feed.from(r.load(PB.fromHex(inFlight.owner))!)
        expect(feed.length, what).toBe(head.length)
        if (inFlightBack) expect(hex(feed.last.sig), what).toBe(hex(inFlight.block.subarray(0, 64)))
      }
    }
    // Nothing else: chains evicted by committed evictions stay gone, and no chain appears from nowhere.
    for (const o of r.chains().map(c => c.owner)) {
      const fromInFlight = inFlight.kind === 'write' && inFlight.owner === o
      const evictedInFlight = inFlight.kind === 'evict' && hex(inFlight.owner) === o
      expect(want.has(o) || fromInFlight || evictedInFlight, `${what}: unexpected chain ${o.slice(0, 8)}`).toBe(true)
    }
    // The store works on after the cut: redo the interrupted op and the next one.
    apply(r, inFlight, point.op)
    if (point.op + 1 < ops.length) apply(r, ops[point.op + 1], point.op + 1)
    expect(errors, what).toEqual([])
    return { flash: f, inFlightBack }
  }

  // Every mutation of a clean run: the flash before it, and which op it belonged to.
  const { points } = record(new NorFlash(geometry), 0, ops.length)

  it('loses at most the block being written, never a committed one, and never returns a torn block', () => {
    expect(points.length).toBeGreaterThan(2000)
    expect(ops.length).toBeGreaterThan(2000) // thousands of operations
    expect(points.filter(isErase).length).toBeGreaterThan(10)
    let checked = 0
    const inFlight = { back: 0, gone: 0 }
    for (const [k, point] of points.entries()) {
      for (const mode of ['torn', 'before'] as const) {
        if (mode === 'before' && k % 7) continue // every cut is torn; a clean cut now and then
        const { inFlightBack } = cutAndCheck(point, mode, `cut ${k} (${mode})`)
        if (ops[point.op].kind === 'write') inFlightBack ? inFlight.back++ : inFlight.gone++
        checked++
      }
    }
    expect(checked).toBeGreaterThan(points.length)
    // Both fates of the block in flight were met: most cuts tear its record (it must not come back),
    // a few come after the record is whole (a later program of the same write: it must come back whole).
    expect(inFlight.gone).toBeGreaterThan(1000)
    expect(inFlight.back).toBeGreaterThan(0)
  })

  it('survives a second cut after a first: the recovery mount only reads; the redo and the compaction after it are cut at every write', () => {
    let mountCuts = 0; let compactionCuts = 0; let otherCuts = 0; let recoveryCuts = 0
    for (let k = 0; k < points.length; k += 15) {
      const first = points[k]
      // The first cut, and everything the store does after it: mount, redo, on until it erases a sector.
      const f = first.before.clone()
      f.cutPowerAt(1, 'torn')
      expect(() => first.mutation(f)).toThrow(PowerLoss)
      f.powerOn()
      const after = record(f, first.op, Math.min(ops.length, first.op + 400), pts => pts.some(isErase))
      for (const [j, second] of after.points.entries()) {
        const phase = j < after.mounting ? 'mount' : isErase(second) ? 'compaction' : 'other'
        if (phase === 'other' && j % 13) continue // a sample of the plain writes between
        cutAndCheck(second, 'torn', `cut ${k}, then cut ${j} (${phase}, op ${second.op})`)
        if (second.op === first.op) recoveryCuts++
        if (phase === 'mount') mountCuts++; else if (phase === 'compaction') compactionCuts++; else otherCuts++
      }
    }
    // The mount after a cut only reads (a cut during it can do no harm): the repair of what the cut
    // left is in the writes after it, redoing the interrupted op, and those are cut here, every one.
    // Should the mount ever write, its writes are cut above too; this line then goes.
    expect(mountCuts).toBe(0)
    expect(recoveryCuts).toBeGreaterThan(50)
    expect(compactionCuts).toBeGreaterThan(30)
    expect(otherCuts).toBeGreaterThan(30)
  })

  it('reports a flash rule violation as a failure the test can see (the simulated part enforces them)', () => {
    const flash = new NorFlash(SMALL)
    flash.program(0, new Uint8Array([0, 0, 0, 0]))
    expect(() => flash.program(0, new Uint8Array([0xff, 0, 0, 0]))).toThrow(FlashRuleError)
  })
})
