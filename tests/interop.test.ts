// Interop against the real picofeed@8.0.5 package, both directions: the same
// keys and bodies give byte-identical feeds, and each side loads, verifies,
// slices, diffs and merges what the other made.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import * as PB from '../host/index.js'
import { encode as cborg } from 'cborg'
import { cborEncode, type CborValue } from '../host/cbor.js'
import { Rng, body } from './support/rng.js'

const hex = PB.toHex

function outcome<T> (fn: () => T): { ok: true, value: T } | { ok: false, error: string } {
  try { return { ok: true, value: fn() } } catch (e) { return { ok: false, error: (e as Error).message } }
}

describe('interop with picofeed 8.0.5', () => {
  it('derives the same public keys', () => {
    const rng = new Rng(1)
    for (let i = 0; i < 50; i++) {
      const sk = hex(rng.bytes(32))
      expect(PB.getPublicKey(sk)).toBe(PF.getPublicKey(sk))
    }
  })

  it('encodes action payloads as picostore\'s cborg does: map keys sorted length-first, shortest floats', () => {
    const payloads: CborValue[] = [{ zz: 1, a: 2, mm: [1.5, -3, 2n ** 40n] }, { name: 'Ada', email: 'a@b', t: 0.1 }, [null, true, new Uint8Array([1, 2])]]
    for (const v of payloads) expect(Buffer.from(cborEncode(v)).toString('hex')).toBe(Buffer.from(cborg(v)).toString('hex'))
  })

  it('refuses a secret key that is not hex in picofeed\'s words', () => {
    const words = (f: () => unknown) => { try { f() } catch (e) { return (e as Error).message } return 'no error' }
    for (const sk of ['zz'.repeat(32), 'abc', 'g0'.repeat(32)]) expect(words(() => PB.getPublicKey(sk))).toBe(words(() => PF.getPublicKey(sk)))
  })

  it('writes byte-identical feeds for the same keys and bodies (1 B to 64 KiB)', () => {
    const rng = new Rng(2)
    const sizes = [1, 2, 127, 128, 16127, 16128, 16129, 16384, 65536]
    for (let i = 0; i < 20; i++) sizes.push(rng.logInt(1, 65536))
    const sk = hex(rng.bytes(32))
    const a = new PF.Feed()
    const b = new PB.Feed()
    for (const n of sizes) {
      const data = body(rng, n)
      expect(b.append(data, sk)).toBe(a.append(data, sk))
      expect(hex(b.last.sig)).toBe(hex(a.last.sig))
    }
    expect(hex(b.buffer)).toBe(hex(a.buffer))
    // And each verifies the other's.
    expect(PB.Feed.from(a.buffer).length).toBe(sizes.length)
    expect(PF.Feed.from(b.buffer).length).toBe(sizes.length)
  })

  it('loads multi-author feeds made by picofeed, and picofeed loads ours', () => {
    const rng = new Rng(3)
    for (let round = 0; round < 10; round++) {
      const authors = Array.from({ length: 1 + rng.int(4) }, () => hex(rng.bytes(32)))
      const a = new PF.Feed()
      const b = new PB.Feed()
      const n = 1 + rng.int(12)
      for (let i = 0; i < n; i++) {
        const sk = rng.pick(authors)
        const data = body(rng, rng.logInt(1, 2000))
        a.append(data, sk); b.append(data, sk)
      }
      expect(hex(b.buffer)).toBe(hex(a.buffer))
      const fromPF = PB.Feed.from(a.buffer)
      expect(fromPF.keys.map(k => hex(k))).toEqual(a.keys.map((k: Uint8Array) => hex(k)))
      expect(fromPF.blocks.map(x => hex(x.body))).toEqual(a.blocks.map((x: PF.Block) => hex(x.body)))
      expect(PF.Feed.from(b.buffer).keys.length).toBe(b.keys.length)
    }
  })

  it('agrees on slices, diffs and merges of random feeds', () => {
    const rng = new Rng(4)
    for (let round = 0; round < 25; round++) {
      const sk = hex(rng.bytes(32))
      const n = 2 + rng.int(10)
      const a = new PF.Feed()
      for (let i = 0; i < n; i++) a.append(body(rng, rng.logInt(1, 500)), sk)
      const b = PB.Feed.from(a.buffer)
      const s = rng.int(n); const e = s + 1 + rng.int(n - s)
      const sa = a.slice(s, e); const sb = b.slice(s, e)
      expect(hex(sb.buffer)).toBe(hex(sa.buffer))
      expect(sb.partial).toBe(sa.partial)
      // Diff each slice against the whole feed and against each other.
      const s2 = rng.int(n); const e2 = s2 + 1 + rng.int(n - s2)
      const ta = a.slice(s2, e2); const tb = b.slice(s2, e2)
      const da = outcome(() => sa.diff(ta)); const db = outcome(() => sb.diff(tb))
      expect(db).toEqual(da)
      // Merge the two slices both ways on clones.
      const ma = sa.clone(); const mb = sb.clone()
      expect(mb.merge(tb)).toBe(ma.merge(ta))
      expect(hex(mb.buffer)).toBe(hex(ma.buffer))
      // Interactive merge that stops at the k-th block, keeping it or not: the same decision
      // for both, and the same blocks offered, the same count returned, the same bytes kept.
      const k = rng.int(n + 1); const keep = rng.int(2) === 0
      const ia = new PF.Feed(); const ib = new PB.Feed()
      const seenA: string[] = []; const seenB: string[] = []
      const ra = ia.merge(a, (blk: PF.Block, stop: (after: boolean) => void) => { seenA.push(hex(blk.sig)); if (seenA.length > k) stop(keep) })
      const rb = ib.merge(b, (blk, stop) => { seenB.push(hex(blk.sig)); if (seenB.length > k) stop(keep) })
      expect(seenB).toEqual(seenA)
      expect(rb).toBe(ra)
      expect(hex(ib.buffer)).toBe(hex(ia.buffer))
      expect(ib.length).toBe(Math.min(n, k + (keep ? 1 : 0)))
    }
  })

  it('merges slices made by picofeed into picobadge feeds and back', () => {
    const rng = new Rng(5)
    const sk = hex(rng.bytes(32))
    const a = new PF.Feed()
    for (let i = 0; i < 8; i++) a.append(body(rng, 40), sk)
    const b = new PB.Feed()
    expect(b.merge(a.slice(0, 3).buffer)).toBe(3)
    expect(b.merge(a.slice(3).buffer)).toBe(5)
    expect(hex(b.buffer)).toBe(hex(a.buffer))
    const c = new PF.Feed()
    expect(c.merge(b.slice(0, 4).buffer)).toBe(4)
    expect(c.merge(b.slice(4).buffer)).toBe(4)
    expect(hex(c.buffer)).toBe(hex(b.buffer))
  })

  it('verifies anonymous blocks (no AUTHOR header) against the feed\'s known keys', () => {
    const rng = new Rng(6)
    const sk = hex(rng.bytes(32))
    const buf = new Uint8Array(4096)
    buf.set(PB.PIC0)
    let o = 4
    const first = PF.createBlockSegment(buf, o, 'with author', sk, [PF.HDR_AUTHOR]); o += first.length
    const second = PF.createBlockSegment(buf, o, 'anonymous', sk, [[PF.HDR_PSIG, first.subarray(0, 64)]]); o += second.length
    const feed = buf.subarray(0, o)
    const a = PF.Feed.from(feed)
    const b = PB.Feed.from(feed)
    expect(b.length).toBe(a.length)
    expect(hex(b.block(1).key!)).toBe(hex(a.block(1).key))
    // Without the first block, nobody can verify the anonymous one.
    const orphan = new Uint8Array(4 + second.length); orphan.set(PB.PIC0); orphan.set(second, 4)
    expect(() => PF.Feed.from(orphan)).toThrow('InvalidFeed.SignatureVerificationFailed')
    expect(() => PB.Feed.from(orphan)).toThrow('InvalidFeed.SignatureVerificationFailed')
  })

  it('reports the same errors for broken parents and bad signatures', () => {
    const rng = new Rng(7)
    const sk = hex(rng.bytes(32))
    const a = new PF.Feed()
    a.append('one', sk); a.append('two', sk); a.append('three', sk)
    const broken = Uint8Array.from(a.buffer)
    broken[a.block(2).buffer.byteOffset - a.buffer.byteOffset + 64 + 1 + 34 + 2 + 5] ^= 1 // in block 2's PSIG
    for (const buf of [broken]) {
      const pa = outcome(() => PF.Feed.from(buf).length)
      const pb = outcome(() => PB.Feed.from(buf).length)
      expect(pb).toEqual(pa)
    }
    const badSig = Uint8Array.from(a.buffer)
    badSig[badSig.length - 1] ^= 0x40
    expect(outcome(() => PB.Feed.from(badSig).length)).toEqual(outcome(() => PF.Feed.from(badSig).length))
  })
})
