// The simulator's verify memo (host/sim/verify-cache.ts): its verdicts are
// the core's, and a remembered "yes" is given only for exactly the
// signature, key and message that earned it.

import { describe, it, expect } from 'vitest'
import { VerifyCache } from '../host/sim/verify-cache.js'
import { publicKeyOf, signWith } from '../host/ed25519.js'

const seed = (k: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + k) & 0xff)
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 1; return c }

describe('VerifyCache (the simulator\'s accelerator)', () => {
  const pk = publicKeyOf(seed(1))
  const other = publicKeyOf(seed(2))
  const msg = new TextEncoder().encode('picobadge PROOF2 a link between two badges')
  const sig = signWith(seed(1), msg)

  it('checks as the core does, long messages too', () => {
    const cache = new VerifyCache()
    expect(cache.check(sig, pk, msg)).toBe(true)
    expect(cache.check(flip(sig, 5), pk, msg)).toBe(false)
    expect(cache.check(sig, other, msg)).toBe(false)
    expect(cache.check(sig, pk, flip(msg, 3))).toBe(false)
    const long = Uint8Array.from({ length: 20_000 }, (_, i) => i * 31) // more than the core's window: streamed
    const longSig = signWith(seed(1), long)
    expect(cache.check(longSig, pk, long)).toBe(true)
    expect(cache.check(longSig, pk, flip(long, 19_999))).toBe(false)
  })

  it('remembers a yes for exactly its signature, key and message', () => {
    const cache = new VerifyCache()
    expect(cache.accelerate(sig, pk, msg)).toBe(true)
    expect([cache.hits, cache.misses]).toEqual([0, 1])
    expect(cache.accelerate(sig.slice(), pk.slice(), msg.slice())).toBe(true) // the same bytes anywhere
    expect([cache.hits, cache.misses]).toEqual([1, 1])
    // The same signature over another message, a longer one, or by another key: not remembered, and refused.
    expect(cache.accelerate(sig, pk, flip(msg, msg.length - 1))).toBe(false)
    expect(cache.accelerate(sig, pk, Uint8Array.of(...msg, 0))).toBe(false)
    expect(cache.accelerate(sig, other, msg)).toBe(false)
    // A signature that differs only after the bytes the memo files it under.
    expect(cache.accelerate(flip(sig, 63), pk, msg)).toBe(false)
    expect([cache.hits, cache.misses]).toEqual([1, 5])
    // Two signatures filed under the same first bytes are told apart.
    const sig2 = signWith(seed(1), flip(msg, 0))
    const twin = sig2.slice(); twin.set(sig.subarray(0, 4))
    expect(cache.accelerate(twin, pk, flip(msg, 0))).toBe(false)
    expect(cache.accelerate(sig2, pk, flip(msg, 0))).toBe(true)
    expect(cache.accelerate(sig, pk, msg)).toBe(true)
    expect([cache.hits, cache.misses]).toEqual([2, 7])
  })
})
