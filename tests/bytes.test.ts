// host/bytes.ts: byte comparison (picofeed's cmp, and the simulator's
// sameBytes) and base64url, against the obvious rule and Node's Buffer.

import { describe, it, expect } from 'vitest'
import { cmp, sameBytes, sameAt, toBase64Url, fromBase64Url } from '../host/bytes.js'
import { Rng } from './support/rng.js'

describe('byte comparison', () => {
  it('cmp and sameBytes: equal length and bytes, empty arrays included (cmp once looped forever on them)', () => {
    const rng = new Rng(11)
    for (let k = 0; k < 2000; k++) {
      const a = rng.bytes(rng.int(6))
      const b = rng.int(2) === 0 ? a.slice() : rng.bytes(rng.int(6))
      if (b.length > 0 && rng.int(3) === 0) b[rng.int(b.length)] ^= 1 << rng.int(8)
      const rule = a.length === b.length && a.every((x, i) => x === b[i])
      expect(cmp(a, b)).toBe(rule)
      expect(sameBytes(a, b)).toBe(rule)
    }
    expect(cmp(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    // from i on: what comes before it is not compared
    expect(cmp(Uint8Array.of(1, 2, 3), Uint8Array.of(9, 2, 3), 1)).toBe(true)
    expect(sameBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(9, 2, 4), 1)).toBe(false)
    expect(() => cmp([1] as unknown as Uint8Array, Uint8Array.of(1))).toThrow()
  })

  it('sameAt: want at an offset of buf, against a slice; false past either end', () => {
    const rng = new Rng(12)
    for (let k = 0; k < 2000; k++) {
      const buf = rng.bytes(rng.int(10))
      const at = rng.int(12) - 1
      const want = rng.int(2) === 0 && at >= 0 ? buf.slice(at, at + rng.int(5)) : rng.bytes(rng.int(4))
      if (want.length > 0 && rng.int(3) === 0) want[rng.int(want.length)] ^= 1 << rng.int(8)
      const rule = at >= 0 && at + want.length <= buf.length && want.every((x, i) => x === buf[at + i])
      expect(sameAt(want, buf, at)).toBe(rule)
    }
  })
})

describe('base64url', () => {
  it('encodes as Node\'s Buffer does (unpadded) and decodes back, for every length from 0 to 70', () => {
    const rng = new Rng(12)
    for (let n = 0; n <= 70; n++) {
      const b = rng.bytes(n)
      const s = toBase64Url(b)
      expect(s).toBe(Buffer.from(b).toString('base64url'))
      expect(fromBase64Url(s)).toEqual(b)
    }
  })

  it('refuses characters outside the alphabet (padding, +, /, spaces) and impossible lengths', () => {
    expect(() => fromBase64Url('AAA=')).toThrow(/"=" at 3 is not a base64url character/)
    expect(() => fromBase64Url('ab+/')).toThrow(/"\+" at 2/)
    expect(() => fromBase64Url('ab c')).toThrow(/not a base64url character/)
    expect(() => fromBase64Url('AAAAA')).toThrow(/length of 5 is impossible/)
  })
})
