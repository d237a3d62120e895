// Owner ids (host/sim/owner-ids.ts): one number per 32-byte key for the
// simulator's checks, found from the key's bytes wherever they lie.

import { describe, it, expect } from 'vitest'
import { OwnerIds } from '../host/sim/owner-ids.js'
import { toHex } from '../host/bytes.js'

const key = (k: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + k * 101) & 0xff)

describe('OwnerIds (the simulator\'s owner numbers)', () => {
  it('gives one id per key, wherever its bytes lie, and names it in hex', () => {
    const ids = new OwnerIds()
    const a = ids.idAt(key(1), 0)
    const b = ids.idAt(key(2), 0)
    expect(a).not.toBe(b)
    const records = new Uint8Array(300)
    records.set(key(2), 100); records.set(key(1), 200)
    expect(ids.idAt(records, 200)).toBe(a)
    expect(ids.idAt(records, 100)).toBe(b)
    expect(ids.idOfHex(toHex(key(1)))).toBe(a)
    expect(ids.hex(b)).toBe(toHex(key(2)))
    expect(ids.size).toBe(2)
  })

  it('tells apart keys that share their first 30 bits (the map key)', () => {
    const ids = new OwnerIds()
    const x = key(3)
    const y = x.slice(); y[31] ^= 1
    const z = x.slice(); z[3] ^= 0x40 // bits 30 and up of the head are not in the map key
    const ix = ids.idAt(x, 0); const iy = ids.idAt(y, 0); const iz = ids.idAt(z, 0)
    expect(new Set([ix, iy, iz]).size).toBe(3)
    expect([ids.idAt(z, 0), ids.idAt(y, 0), ids.idAt(x, 0)]).toEqual([iz, iy, ix])
  })

  it('keeps its own copy: the bytes it was shown may change after', () => {
    const ids = new OwnerIds()
    const buf = key(4)
    const id = ids.idAt(buf, 0)
    buf.fill(0)
    expect(ids.idAt(key(4), 0)).toBe(id)
    expect(ids.idAt(buf, 0)).not.toBe(id)
  })

  it('refuses a key that overruns its buffer, a short hex name and an unknown id', () => {
    const ids = new OwnerIds()
    expect(() => ids.idAt(new Uint8Array(40), 9)).toThrow(/overruns 40 bytes/)
    expect(() => ids.idAt(new Uint8Array(40), -1)).toThrow(/overruns/)
    expect(() => ids.idOfHex('abcd')).toThrow(/32 bytes, not 2/)
    expect(() => ids.hex(0)).toThrow(/no owner 0/)
    expect(ids.size).toBe(0)
  })
})
