// The simulator's signer (host/sim/host-signer.ts, env.host_ed25519_sign):
// its signatures are the RFC 8032 ones, byte for byte the core's own, a core
// given it asks it, and it vouches only for exactly what it signed.

import { describe, it, expect, vi } from 'vitest'
import { HostSigner } from '../host/sim/host-signer.js'
import { VerifyCache } from '../host/sim/verify-cache.js'
import { Core, instantiateCore } from '../host/core.js'
import { publicKeyOf, signWith } from '../host/ed25519.js'
import { Rng } from './support/rng.js'
import { RFC8032 } from './support/rfc8032.js'

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], b => parseInt(b, 16))
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 1; return c }

describe('HostSigner (the simulator\'s env.host_ed25519_sign)', () => {
  it('signs the RFC 8032 vectors, and vouches for them under their keys', () => {
    const s = new HostSigner()
    for (const [seed, pk, msg, sig] of RFC8032) {
      const out = new Uint8Array(64)
      expect(s.sign(hex(seed), hex(msg), out)).toBe(true)
      expect(out).toEqual(hex(sig))
      expect(s.made(hex(sig), hex(pk), hex(msg))).toBe(true)
    }
    expect(s.signed).toBe(3)
  })

  it('writes what the core would, for any key and message', () => {
    const s = new HostSigner()
    const own = new Core(instantiateCore()) // no signer: the core signs itself
    const rng = new Rng(7)
    for (let i = 0; i < 40; i++) {
      const seed = rng.bytes(32)
      const msg = rng.bytes(rng.int(300))
      const out = new Uint8Array(64)
      expect(s.sign(seed, msg, out)).toBe(true)
      expect(out).toEqual(signWith(seed, msg, own))
    }
  })

  it('is asked by a core that has it, which then returns its bytes', () => {
    const s = new HostSigner()
    const c = new Core(instantiateCore(undefined, { sign: s.sign }))
    const seed = hex(RFC8032[2][0])
    expect(signWith(seed, hex(RFC8032[2][2]), c)).toEqual(hex(RFC8032[2][3]))
    expect(s.signed).toBe(1)
    // A signer that declines leaves the core to sign: the same bytes.
    const declines = new Core(instantiateCore(undefined, { sign: () => false }))
    expect(signWith(seed, hex(RFC8032[2][2]), declines)).toEqual(hex(RFC8032[2][3]))
  })

  it('vouches for exactly the signature, key and message it made, and forgets old ones', () => {
    const s = new HostSigner()
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i)
    const pk = publicKeyOf(seed)
    const msg = new TextEncoder().encode('picobadge PROOF2 a link between two badges')
    const sig = new Uint8Array(64)
    s.sign(seed, msg, sig)
    expect(s.made(sig, pk, msg)).toBe(true)
    expect(s.made(flip(sig, 63), pk, msg)).toBe(false)
    expect(s.made(sig, flip(pk, 0), msg)).toBe(false)
    expect(s.made(sig, pk, flip(msg, msg.length - 1))).toBe(false)
    expect(s.made(sig, pk, msg.subarray(1))).toBe(false)
    expect(s.made(sig.subarray(0, 63), pk, msg)).toBe(false)
    // Two generations of 4096 signatures: after 8192 more it is gone (a PROOF is checked within milliseconds).
    const m = new Uint8Array(8)
    for (let i = 0; i < 8192; i++) { new DataView(m.buffer).setUint32(0, i); s.sign(seed, m, new Uint8Array(64)) }
    expect(s.made(sig, pk, msg)).toBe(false)
  })

  it('lets the verify cache skip checking its own signatures, and only those', () => {
    const s = new HostSigner()
    const cache = new VerifyCache(s)
    const seed = hex(RFC8032[1][0]); const pk = hex(RFC8032[1][1]); const msg = hex(RFC8032[1][2])
    const sig = new Uint8Array(64)
    s.sign(seed, msg, sig)
    expect(cache.check(sig, pk, msg)).toBe(true)
    expect(cache.check(flip(sig, 5), pk, msg)).toBe(false) // not made here: verified, and invalid
    expect(new VerifyCache().check(sig, pk, msg)).toBe(true) // and a cache with no signer verifies the same yes
  })

  it('declines, and keeps declining, where node:crypto cannot sign (the browser page\'s web/node/crypto.ts)', async () => {
    vi.resetModules()
    vi.doMock('node:crypto', () => import('../web/node/crypto.js'))
    try {
      const { HostSigner: PageSigner } = await import('../host/sim/host-signer.js')
      const s = new PageSigner()
      const out = new Uint8Array(64)
      expect(s.sign(hex(RFC8032[0][0]), new Uint8Array(0), out)).toBe(false)
      expect(s.sign(hex(RFC8032[1][0]), hex(RFC8032[1][2]), out)).toBe(false)
      expect(s.signed).toBe(0)
      // and the core it is lent to signs for itself, the same bytes
      const c = new Core(instantiateCore(undefined, { sign: s.sign }))
      expect(signWith(hex(RFC8032[1][0]), hex(RFC8032[1][2]), c)).toEqual(hex(RFC8032[1][3]))
    } finally {
      vi.doUnmock('node:crypto')
      vi.resetModules()
    }
  })

  it('lets any other failure through instead of quietly leaving the signing to the cores', async () => {
    vi.resetModules()
    vi.doMock('node:crypto', async () => ({ ...(await vi.importActual<object>('node:crypto')), sign: () => { throw new Error('OpenSSL: out of memory') } }))
    try {
      const { HostSigner: Failing } = await import('../host/sim/host-signer.js')
      const s = new Failing()
      expect(() => s.sign(hex(RFC8032[0][0]), new Uint8Array(0), new Uint8Array(64))).toThrow(/out of memory/)
    } finally {
      vi.doUnmock('node:crypto')
      vi.resetModules()
    }
  })
})
