// Core.put (host/core.ts) copies short runs in a loop: bytes that are a view
// of the core's own memory, overlapping where they go, land as set() would
// put them (a memmove), whichever way they overlap.

import { describe, it, expect } from 'vitest'
import { Core, instantiateCore, coreModule, IO_DATA } from '../host/core.js'

describe('Core.put', () => {
  const c = new Core(instantiateCore(coreModule('badge')))
  for (const [from, to, len] of [[IO_DATA, IO_DATA + 10, 40], [IO_DATA + 10, IO_DATA, 40], [IO_DATA, IO_DATA, 64], [IO_DATA, IO_DATA + 1, 64], [IO_DATA, IO_DATA + 3, 200]]) {
    it(`moves ${len} bytes of its own window from ${from} to ${to}`, () => {
      const u8 = c.u8
      for (let i = 0; i < 600; i++) u8[c.io + i] = (i * 7 + 3) & 0xff
      const want = u8.slice(c.io, c.io + 600)
      want.copyWithin(to, from, from + len)
      c.put(to, u8.subarray(c.io + from, c.io + from + len))
      expect(c.get(0, 600)).toEqual(want)
    })
  }
  it('copies bytes from elsewhere, short and long, and refuses what leaves the window', () => {
    for (const len of [1, 6, 31, 64, 65, 300]) {
      const b = Uint8Array.from({ length: len }, (_, i) => 255 - i)
      c.put(IO_DATA, b)
      expect(c.get(IO_DATA, len)).toEqual(b)
    }
    expect(() => c.put(c.dataCap + IO_DATA - 3, new Uint8Array(4))).toThrow(RangeError)
  })
})
