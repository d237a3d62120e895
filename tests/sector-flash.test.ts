// The simulator's sector-at-a-time flash (host/sim/sector-flash.ts) keeps
// NorFlash's rules: the same random workload of reads, programs (good and
// refused) and erases on both parts gives the same bytes, the same refusals
// and the same counts, and a power cut lands on the same operation.

import { describe, it, expect } from 'vitest'
import { NorFlash, FlashRuleError, PowerLoss, NorGeometry, FlashPart } from '../host/nor-flash.js'
import { SectorFlash } from '../host/sim/sector-flash.js'
import { SectorSlab } from '../host/sim/sector-slab.js'
import { Rng } from '../host/rng.js'

const G: NorGeometry = { sectorSize: 4096, wordSize: 4, size: 16 * 4096 }

/** One operation on a part: what it returned or threw, by kind. */
function step (f: FlashPart, op: { kind: number, addr: number, len: number, data: Uint8Array }): string {
  try {
    if (op.kind === 0) return Buffer.from(f.read(op.addr, op.len)).toString('hex')
    if (op.kind === 1) { f.erase(op.addr); return 'erased' }
    if (op.kind === 2 && op.addr % 4 === 0 && op.len % 4 === 0) {
      const words = new Uint32Array(op.len / 4 + 1)
      new Uint8Array(words.buffer).set(op.data, 4)
      f.programWords(op.addr, words, 1, op.len)
      return 'programmed'
    }
    f.program(op.addr, op.data)
    return 'programmed'
  } catch (e) {
    if (e instanceof FlashRuleError) return `rule: ${e.message}`
    if (e instanceof PowerLoss) return 'power loss'
    throw e
  }
}

function workload (seed: number, n: number) {
  const rng = new Rng(seed)
  return Array.from({ length: n }, () => {
    const kind = rng.int(4)
    const sector = rng.int(G.size / G.sectorSize + (rng.chance(0.02) ? 1 : 0)) // now and then one past the end
    const addr = kind === 1 ? sector * G.sectorSize + (rng.chance(0.05) ? 4 : 0) : sector * G.sectorSize + rng.int(G.sectorSize)
    const len = rng.chance(0.05) ? 4 + rng.int(G.sectorSize) : rng.int(64) // some cross a sector boundary
    // Mostly word-aligned programs that only clear bits; some set bits back (refused) or are misaligned.
    const data = rng.bytes(len).map(b => rng.chance(0.9) ? b & 0xf0 : b)
    return { kind, addr: kind === 0 ? addr : rng.chance(0.9) ? addr & ~3 : addr, len: kind === 0 ? len : len & ~(rng.chance(0.9) ? 3 : 0), data: data.subarray(0, kind === 0 ? len : len & ~3) }
  })
}

describe('SectorFlash (the simulator\'s flash)', () => {
  it('answers every operation of a random workload as NorFlash does', () => {
    for (const seed of [1, 2, 3, 4]) {
      const a = new NorFlash(G); const b = new SectorFlash(G)
      const ops = workload(seed, 3000)
      const kinds = new Set<string>()
      for (const [i, op] of ops.entries()) {
        const ra = step(a, op); const rb = step(b, op)
        expect(rb, `seed ${seed}, operation ${i}`).toBe(ra)
        kinds.add(ra.startsWith('rule') ? ra.split(' ').slice(-3).join(' ') : ra.length > 20 ? 'read' : ra)
      }
      expect(b.stats).toEqual(a.stats)
      expect(Buffer.from(b.read(0, G.size)).equals(Buffer.from(a.bytes))).toBe(true)
      expect([...b.eraseCounts]).toEqual([...a.eraseCounts])
      expect(b.mutations).toBe(a.mutations)
      expect(kinds.size, [...kinds].join(' | ')).toBeGreaterThanOrEqual(4) // reads, programs, erases and refusals all happened
    }
  })

  it('keeps in memory only the sectors programmed since their last erase', () => {
    const f = new SectorFlash(G)
    expect(f.sectorsInUse).toBe(0)
    f.program(4096 * 3 + 8, Uint8Array.of(1, 2, 3, 4))
    f.program(4096 * 5, Uint8Array.of(1, 2, 3, 4))
    expect(f.sectorsInUse).toBe(2)
    f.erase(4096 * 3)
    expect(f.sectorsInUse).toBe(1)
    expect([...f.read(4096 * 3 + 8, 4)]).toEqual([0xff, 0xff, 0xff, 0xff])
    expect([...f.read(4096 * 5, 4)]).toEqual([1, 2, 3, 4])
  })

  it('loses power at the same program or erase as NorFlash, changing only what that operation touched', () => {
    for (const seed of [5, 6, 7]) {
      const ops = workload(seed, 600)
      const a = new NorFlash(G); const b = new SectorFlash(G)
      for (const op of ops.slice(0, 300)) { step(a, op); step(b, op) }
      a.cutPowerAt(7); b.cutPowerAt(7)
      let at = -1
      for (const [i, op] of ops.slice(300).entries()) {
        const ra = step(a, op); const rb = step(b, op)
        if (ra === 'power loss' || rb === 'power loss') { expect(rb).toBe(ra); at = i; break }
        expect(rb).toBe(ra)
      }
      expect(at, `seed ${seed}: the cut came`).toBeGreaterThanOrEqual(0)
      expect(() => b.read(0, 4)).toThrow(PowerLoss)
      b.powerOn()
      // Outside the sectors the cut operation touched, the parts agree.
      const op = ops[300 + at]
      const lo = Math.floor(op.addr / 4096); const hi = Math.floor((op.addr + Math.max(op.len, op.kind === 1 ? 4096 : 0) - 1) / 4096)
      const got = b.read(0, G.size)
      for (let s = 0; s < G.size / 4096; s++) {
        if (s >= lo && s <= hi) continue
        expect(Buffer.from(got.subarray(s * 4096, s * 4096 + 4096)).equals(Buffer.from(a.bytes.subarray(s * 4096, s * 4096 + 4096))), `seed ${seed}, sector ${s}`).toBe(true)
      }
    }
  })

  it('parts sharing one slab keep their sectors apart, cuts and all, and give an erased sector\'s slot back', () => {
    for (const seed of [8, 9]) {
      const ops = workload(seed, 3000)
      const slab = new SectorSlab(G.sectorSize, 1) // chunks of 2 sectors: many chunks, slots handed round
      const alone = new SectorFlash(G, { seed })
      const shared = new SectorFlash(G, { seed, slab })
      const other = new SectorFlash(G, { seed: seed + 100, slab })
      const noise = workload(seed + 1000, 3000)
      const rng = new Rng(seed)
      for (let i = 0; i < ops.length; i++) {
        if (rng.chance(0.01)) { const n = 1 + rng.int(3); alone.cutPowerAt(n); shared.cutPowerAt(n) }
        const ra = step(alone, ops[i]); const rb = step(shared, ops[i])
        expect(rb, `seed ${seed}, operation ${i}`).toBe(ra)
        if (ra === 'power loss') { alone.powerOn(); shared.powerOn() }
        if (step(other, noise[i]) === 'power loss') other.powerOn()
      }
      expect(Buffer.from(shared.read(0, G.size)).equals(Buffer.from(alone.read(0, G.size)))).toBe(true)
      expect(shared.stats).toEqual(alone.stats)
      expect(slab.taken).toBeLessThanOrEqual(shared.sectorsInUse + other.sectorsInUse)
      for (let s = 0; s < G.size / G.sectorSize; s++) { shared.erase(s * G.sectorSize); other.erase(s * G.sectorSize) }
      expect(slab.taken).toBe(0)
    }
  })

  it('refuses a slab of another sector size', () => {
    expect(() => new SectorFlash(G, { slab: new SectorSlab(2048) })).toThrow(/slab's sectors are 2048/)
  })
})

describe('SectorSlab', () => {
  it('hands out erased slots, takes them back, and hands them out erased again', () => {
    const slab = new SectorSlab(16, 2)
    const slots = Array.from({ length: 9 }, () => slab.take())
    expect(new Set(slots).size).toBe(9)
    expect(slab.chunks.length).toBe(3) // 4 slots a chunk
    expect(slab.taken).toBe(9)
    for (const k of slots) {
      const at = slab.offset(k)
      expect([...slab.chunk(k).subarray(at, at + 16)].every(b => b === 0xff)).toBe(true)
      slab.chunk(k).fill(k, at, at + 16)
    }
    // each slot's bytes are its own
    for (const k of slots) expect(slab.chunk(k)[slab.offset(k) + 15]).toBe(k)
    slab.give(slots[4])
    const again = slab.take()
    expect(again).toBe(slots[4])
    expect([...slab.chunk(again).subarray(slab.offset(again), slab.offset(again) + 16)].every(b => b === 0xff)).toBe(true)
    expect(slab.chunkWords(again).buffer).toBe(slab.chunk(again).buffer)
    expect(slab.chunks.length).toBe(3)
  })

  it('refuses sector sizes that are not whole words and chunk sizes out of range', () => {
    expect(() => new SectorSlab(0)).toThrow(RangeError)
    expect(() => new SectorSlab(6)).toThrow(/multiple of 4/)
    expect(() => new SectorSlab(4096, 17)).toThrow(/chunkBits/)
    expect(() => new SectorSlab(4096, -1)).toThrow(/chunkBits/)
  })
})
