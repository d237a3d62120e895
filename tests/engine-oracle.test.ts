// The core's state engine against the real @telamon/picostore 3.0.4 (with
// picorepo 2.2.5 on memory-level), running the same contact-card collection:
// the AssemblyScript one in the core (assembly/store/contacts.ts) and its
// JavaScript twin below. The same blocks, dispatched at the same times,
// must be accepted or refused alike, leave the same states, and be
// forgotten at the same collector runs. Then power is cut under the engine
// and the states it mounts with must equal picostore's replay of what the
// flash holds. The core runs on a simulated NOR flash.

import { describe, it, expect } from 'vitest'
import { Store } from '@telamon/picostore'
import { MemoryLevel } from 'memory-level'
import { encode, decode } from 'cborg'
import * as PF from 'picofeed'
import { BadgeEngine } from '../host/engine.js'
import { FlashRepo } from '../host/repo.js'
import { NorFlash, flashImports, PowerLoss, NorGeometry } from '../host/nor-flash.js'
import { Rng } from './support/rng.js'
import { Cards, Status, HOUR } from './support/cards.js'
import { CutRecorder } from './support/cut-points.js'

const T0 = 1_700_000_000_000
const hex = PF.toHex

function picostore () {
  const db = new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' })
  const store = new Store(db as any)
  const cards = store.register('cards', Cards)
  const status = store.register('status', Status)
  return { store, cards, status }
}

function decodeStatus (bytes: Uint8Array): { owner: string, text: string } {
  return { owner: hex(bytes.subarray(0, 32)), text: new TextDecoder().decode(bytes.subarray(33, 33 + bytes[32])) }
}

const STATUSES = ['at the keynote', 'coffee?', 'lunch', '', 'far too long a status line', 'hacking', '🚀']

function engineOn (flash: NorFlash, now: number): BadgeEngine {
  return new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(now)
}

function decodeCard (bytes: Uint8Array): { name: string, updated: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset)
  return { updated: Number(dv.getBigUint64(0, true)), name: new TextDecoder().decode(bytes.subarray(9, 9 + bytes[8])) }
}

const NAMES = ['ann', 'bob', 'cy', 'dora', 'eve', 'Łukasz', '李雷', 'a-very-long-name-indeed', 'zoë']

/** A body the app would write, or one of the ways a hostile or buggy peer would not. */
function cardBody (rng: Rng, date: number): Uint8Array {
  const k = rng.int(20)
  if (k === 0) return encode(['cards', 42, date])
  if (k === 1) return encode(['cards', {}, date])
  if (k === 2) return encode(['cards', { name: '' }, date])
  if (k === 3) return encode(['cards', { name: 'x'.repeat(30) }, date])
  if (k === 4) return encode(['cards', { name: 7 }, date])
  if (k === 5) return encode(['other', { name: 'ann' }, date])
  if (k === 6) return encode({ not: 'an array' })
  if (k === 7) return encode(['cards', { name: rng.pick(NAMES), mood: [1, 2, { x: null }] }, date])
  if (k === 8) return encode(['cards', { name: rng.pick(NAMES) }, date + 0.5])
  if (k === 9) return encode(['cards'])
  if (k === 10) return encode(['cards', { name: rng.pick(NAMES) }])
  return encode(['cards', { name: rng.pick(NAMES) }, date])
}

describe('state engine against @telamon/picostore 3.0.4 (contact cards; core on simulated NOR flash)', () => {
  for (const seed of [51, 53, 54]) it(`accepts, refuses, remembers and forgets the same blocks at the same times (seed ${seed})`, async () => {
    const rng = new Rng(seed)
    const { store, cards, status } = picostore()
    await store.load()
    const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 64 * 4096 })
    let now = T0
    const engine = engineOn(flash, now)
    const ci = engine.collection('cards')
    const si = engine.collection('status')
    let statuses = 0
    const authors = Array.from({ length: 10 }, () => ({ ...PF.Feed.signPair(), feed: new PF.Feed(), last: 0, retired: false }))
    let accepted = 0; let refused = 0; let evicted = 0
    for (let step = 0; step < 400; step++) {
      now += 1000 * rng.int(8 * 60) // up to 8 minutes between events
      const a = rng.pick(authors.filter(x => !x.retired))
      // Mostly fresh dates, sometimes a stale one.
      // (A stale date must still be within the hour: a card already expired on arrival is refused on a badge, docs/ABI.md -65.)
      const stale = a.last - 60_000
      const date = Math.floor((rng.int(10) === 0 && stale + HOUR > now + 60_000 ? stale : now - 1000 * rng.int(60)) / 1000) * 1000
      const f = a.feed.clone()
      // A status line, only while the author's card is alive (a status without one is refused on a badge, see docs/ABI.md -65).
      const card = await cards.readState(a.pk)
      if (card && card.updated + HOUR > now + 60_000 && rng.int(3) === 0) {
        f.append(encode(['status', rng.int(8) ? rng.pick(STATUSES) : 5, Math.max(0, date)]), a.sk)
        statuses++
      } else f.append(cardBody(rng, Math.max(0, date)), a.sk)
      const patch = rng.int(4) === 0 ? f : f.slice(-1)
      let want = 0
      try { const merged = await store.dispatch(patch); want = merged ? merged.length : 0 } catch { want = 0 }
      const got = Math.max(0, engine.dispatch(Uint8Array.from(patch.buffer), now))
      expect(got, `step ${step}`).toBe(want)
      if (want > 0) { a.feed = f; a.last = Math.max(a.last, date); accepted++ } else refused++
      if (rng.int(3) === 0) {
        const gcAt = now + 500 // never exactly on an expiry (picostore's timer keys blur that edge)
        const gone = await store.gc(gcAt)
        const ours = engine.tick(gcAt)
        expect(ours, `gc at step ${step}`).toBe(gone.length)
        evicted += ours
        // An evicted author would start a new chain, which the core refuses until its tombstone's time (picostore has no tombstones): retire them.
        for (const g of gone) for (const x of authors) if (hex(g.first.key!) === hex(x.feed.first?.key ?? new Uint8Array())) x.retired = true
        if (authors.every(x => x.retired)) authors.push({ ...PF.Feed.signPair(), feed: new PF.Feed(), last: 0, retired: false })
      }
      for (const x of authors) {
        const theirs = await cards.readState(x.pk)
        const ours = engine.state(ci, PF.fromHex(x.pk))
        expect(ours ? decodeCard(ours.bytes) : undefined, `state of ${x.pk.slice(0, 8)} at step ${step}`).toEqual(theirs ? { name: theirs.name, updated: theirs.updated } : undefined)
        if (ours) expect(ours.expires).toBe(theirs.updated + HOUR)
        const theirStatus = await status.readState(x.pk)
        const ourStatus = engine.state(si, PF.fromHex(x.pk))
        expect(ourStatus ? decodeStatus(ourStatus.bytes) : undefined, `status of ${x.pk.slice(0, 8)} at step ${step}`).toEqual(theirStatus ? { owner: theirStatus.owner, text: theirStatus.text } : undefined)
        if (ourStatus) expect(ourStatus.expires, 'a status expires with its card').toBe(theirs.updated + HOUR)
      }
    }
    expect(accepted).toBeGreaterThan(100)
    expect(refused).toBeGreaterThan(30)
    expect(evicted).toBeGreaterThan(3)
    expect(statuses).toBeGreaterThan(20)
  })
})

describe('state engine under power loss (simulated NOR flash)', () => {
  it('mounts after a cut with the states that replaying its stored chains gives in picostore', async () => {
    const rng = new Rng(52)
    const geometry: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }
    const flash = new NorFlash(geometry)
    const authors = Array.from({ length: 6 }, () => ({ ...PF.Feed.signPair(), feed: new PF.Feed() }))
    let now = T0
    const feeds: Array<{ bytes: Uint8Array, now: number }> = []
    for (let i = 0; i < 120; i++) {
      now += 1000 * rng.int(120)
      const a = rng.pick(authors)
      a.feed.append(encode(['cards', { name: rng.pick(NAMES) }, now - 1000]), a.sk)
      feeds.push({ bytes: Uint8Array.from(a.feed.slice(-1).buffer), now })
    }
    let checked = 0
    for (let cut = 1; cut < 140; cut += 3) {
      const f = new NorFlash(geometry, { seed: cut })
      let engine = engineOn(f, T0)
      f.cutPowerAt(cut, 'torn')
      let at = 0
      try { for (; at < feeds.length; at++) engine.dispatch(feeds[at].bytes, feeds[at].now) } catch (e) { if (!(e instanceof PowerLoss)) throw e }
      f.powerOn()
      const mountAt = feeds[Math.min(at, feeds.length - 1)].now
      engine = engineOn(f, mountAt)
      const ci = engine.collection('cards')
      // picostore replays the chains the flash holds.
      const repo = new FlashRepo(geometry, m => flashImports(f, m)).mount()
      const { store, cards } = picostore()
      await store.load()
      for (const c of repo.chains()) await store.dispatch(PF.Feed.from(repo.load(PF.fromHex(c.owner))!))
      for (const x of authors) {
        const theirs = await cards.readState(x.pk)
        const ours = engine.state(ci, PF.fromHex(x.pk))
        expect(ours ? decodeCard(ours.bytes) : undefined, `cut ${cut}`).toEqual(theirs ? { name: theirs.name, updated: theirs.updated } : undefined)
      }
      // Everything dispatched before the cut is there (the block in flight may be lost).
      const stored = repo.stats().blocks
      expect(stored).toBeGreaterThanOrEqual(at)
      checked++
    }
    expect(checked).toBeGreaterThan(40)
  })

  // The workload and its clean run, shared by the eight parts below: every cut
  // point is checked, split in eight tests so that no one test holds minutes of
  // work (one test was 107 s on a busy 2-core machine, against a 120 s timeout).
  type Chain = { length: number, head: string }
  let workload: ReturnType<typeof makeWorkload> | undefined
  function makeWorkload () {
    const rng = new Rng(55)
    const geometry: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }
    const authors = Array.from({ length: 12 }, () => ({ ...PF.Feed.signPair(), feed: new PF.Feed() }))
    type Op = { kind: 'dispatch', bytes: Uint8Array, owner: string, sig: string, now: number } | { kind: 'tick', now: number }
    const ops: Op[] = []
    let now = T0
    for (let i = 0; i < 1100; i++) {
      now += 1000 * rng.int(90)
      if (i % 40 === 39) { ops.push({ kind: 'tick', now }); continue }
      const a = authors[rng.int(rng.int(3) === 0 ? 12 : 6)] // half the authors post rarely and expire
      a.feed.append(encode(['cards', { name: rng.pick(NAMES) }, now - 1000]), a.sk)
      ops.push({ kind: 'dispatch', bytes: Uint8Array.from(a.feed.slice(-1).buffer), owner: a.pk, sig: PF.toHex(a.feed.last.sig), now })
    }
    // One clean run, recording the flash before every program and erase,
    // and what each chain must hold once each op has returned.
    const recorder = new CutRecorder(new NorFlash(geometry))
    const points = recorder.points
    const clean = new BadgeEngine(geometry, recorder.imports).mount(T0)
    const cleanRepo = new FlashRepo(geometry, clean.core)
    // What the running engine holds once ops[0, i] have returned: the truth a cut must not lose.
    const after: Array<Map<string, Chain>> = []
    for (recorder.op = 0; recorder.op < ops.length; recorder.op++) {
      const op = ops[recorder.op]
      if (op.kind === 'dispatch') clean.dispatch(op.bytes, op.now)
      else clean.tick(op.now)
      const chains = new Map<string, Chain>()
      for (const x of authors) {
        const h = cleanRepo.head(PF.fromHex(x.pk))
        if (h) chains.set(x.pk, { length: h.length, head: PF.toHex(h.sig) })
      }
      after.push(chains)
    }
    expect(points.length).toBeGreaterThan(1000)
    expect(ops.length).toBeGreaterThan(1000)
    return { geometry, authors, ops, points, after }
  }
  const PARTS = 8
  for (let part = 0; part < PARTS; part++) {
    it(`at every program and erase of a long workload (cut points ${part + 1} of every ${PARTS}): committed blocks survive and states equal a replay of the flash`, async () => {
      workload ??= makeWorkload()
      const { geometry, authors, ops, points, after } = workload
      let withPicostore = 0
      for (const [k, point] of points.entries()) {
        if (k % PARTS !== part) continue
        const f = point.before.clone()
        f.cutPowerAt(1, 'torn')
        expect(() => point.mutation(f)).toThrow(PowerLoss)
        f.powerOn()
        const engine = engineOn(f, ops[point.op].now)
        const ci = engine.collection('cards')
        const repo = new FlashRepo(geometry, engine.core) // the engine's own store, mounted
        const before = point.op > 0 ? after[point.op - 1] : new Map<string, Chain>()
        const done = after[point.op] // if the op in flight had completed
        for (const x of authors) {
          const head = repo.head(PF.fromHex(x.pk))
          const got = head ? { length: head.length, head: PF.toHex(head.sig) } : undefined
          // Either nothing of the op in flight happened, or all of it: never anything else.
          expect([before.get(x.pk), done.get(x.pk)], `cut ${k} (op ${point.op}): chain of ${x.pk.slice(0, 8)}`).toContainEqual(got)
          // Its state is what replaying the chain gives: its last card.
          const ours = engine.state(ci, PF.fromHex(x.pk))
          if (!head) { expect(ours, `cut ${k}`).toBeUndefined(); continue }
          const [, payload, date] = decode(new PF.Block(repo.read(head.sig)!).body)
          expect(ours ? decodeCard(ours.bytes) : undefined, `cut ${k}`).toEqual({ name: payload.name, updated: date })
        }
        if (k % 500 < PARTS) { // and now and then, picostore's own replay of the whole flash
          const { store, cards } = picostore()
          await store.load()
          for (const c of repo.chains()) await store.dispatch(PF.Feed.from(repo.load(PF.fromHex(c.owner))!, true))
          for (const x of authors) {
            const theirs = await cards.readState(x.pk)
            const ours = engine.state(ci, PF.fromHex(x.pk))
            expect(ours ? decodeCard(ours.bytes) : undefined, `cut ${k}`).toEqual(theirs ? { name: theirs.name, updated: theirs.updated } : undefined)
          }
          withPicostore++
        }
      }
      expect(withPicostore).toBeGreaterThanOrEqual(2)
    })
  }
})
