// The drop-in promise: every name picofeed 8.0.5 exports exists in picobadge
// with the same kind, and the human-facing outputs are the same strings.

import { describe, it, expect } from 'vitest'
import * as PF from 'picofeed'
import * as PB from '../host/index.js'

describe('picofeed API surface', () => {
  it('exports every name picofeed exports, with the same type', () => {
    const missing: string[] = []
    for (const [name, value] of Object.entries(PF)) {
      const ours = (PB as Record<string, unknown>)[name]
      if (typeof ours !== typeof value) missing.push(`${name}: ${typeof value} vs ${typeof ours}`)
    }
    expect(missing).toEqual([])
  })

  it('has the same static members on Feed and the same members on Block and Feed', () => {
    for (const k of ['signPair', 'isFeed', 'isBlock', 'from', '__vctr']) {
      expect(typeof (PB.Feed as any)[k]).toBe(typeof (PF.Feed as any)[k])
    }
    const feedProto = (C: any) => Object.getOwnPropertyNames(C.prototype).filter(n => !n.startsWith('#')).sort()
    expect(feedProto(PB.Feed)).toEqual(expect.arrayContaining(feedProto(PF.Feed)))
    expect(feedProto(PB.Block)).toEqual(expect.arrayContaining(feedProto(PF.Block)))
  })

  it('prints the same inspect picture, toString and hexdump', () => {
    const sk = PF.toHex(new Uint8Array(32).fill(7))
    const a = new PF.Feed(); const b = new PB.Feed()
    for (const s of ['Once upon a time', 'there was a block', 'and then another joined']) { a.append(s, sk); b.append(s, sk) }
    expect(PB.macrofilm(b)).toBe(PF.macrofilm(a))
    expect(b.last.toString()).toBe(a.last.toString())
    expect(PB.hexdump(b.buffer)).toBe(PF.hexdump(a.buffer))
  })

  it('counts verifications in Feed.__vctr like picofeed', () => {
    const sk = PF.toHex(new Uint8Array(32).fill(9))
    const count = (F: any, fn: () => void) => { F.__vctr = 0; fn(); const n = F.__vctr; F.__vctr = -1; return n }
    const ops = (P: any) => () => {
      const f = new P.Feed(); f.append('a', sk); f.append('b', sk)
      P.Feed.from(f.buffer); P.Feed.from(f.blocks); P.Feed.from(f.buffer, true)
      f.clone().merge(f)
    }
    expect(count(PB.Feed, ops(PB))).toBe(count(PF.Feed, ops(PF)))
  })

  it('throws picofeed\'s messages on misuse', () => {
    const msg = (fn: () => unknown) => { try { fn(); return 'no throw' } catch (e) { return (e as Error).message } }
    expect(msg(() => PB.Feed.from(0 as any))).toBe(msg(() => PF.Feed.from(0 as any)))
    expect(msg(() => new PB.Block(0 as any))).toBe(msg(() => new PF.Block(0 as any)))
    expect(msg(() => PB.toU8(null))).toBe(msg(() => PF.toU8(null)))
    expect(msg(() => PB.varintDecode(new Uint8Array([0x80])))).toBe(msg(() => PF.varintDecode(new Uint8Array([0x80]))))
    expect(msg(() => PB.sizeOfBlockSegment(0))).toBe(msg(() => PF.sizeOfBlockSegment(0)))
    expect(msg(() => PB.createBlockSegment(new Uint8Array(10), 0, 'x', PF.toHex(new Uint8Array(32))))).toBe('BufferUnderflow')
    expect(msg(() => PB.createBlockSegment(new Uint8Array(200), 0, new Uint8Array([0, 1]), PF.toHex(new Uint8Array(32)))))
      .toBe('First byte of data must be non-zero')
    const f = new PB.Feed(); f.append('x', PF.toHex(new Uint8Array(32)))
    expect(msg(() => f.truncate(1.5))).toBe('IntegerExpected')
  })

  it('varints agree with picofeed for every size a block can have', () => {
    for (const n of [0, 1, 127, 128, 255, 300, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28, 2 ** 31 - 1]) {
      const a: number[] = []; const b: number[] = []
      expect(PB.varintEncode(n, b)).toBe(PF.varintEncode(n, a))
      expect(b).toEqual(a)
      expect(PB.varintDecode(Uint8Array.from(b))).toEqual(PF.varintDecode(Uint8Array.from(a)))
    }
  })
})
