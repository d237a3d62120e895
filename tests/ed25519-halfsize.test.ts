// The verification path of a key that is not the cached one (half-size
// scalars from lattice.ts, halfmul.ts's multiplication, keycache.ts's
// decompressed keys) against @noble/curves 1.9.7 and @noble/ed25519 3.2.0. Keys take turns and never
// come twice in a row, so the single-key comb table is never used here;
// more keys than the key cache holds come and go, so both its hits and its
// misses (and evictions) are exercised.

import { describe, it, expect, afterEach } from 'vitest'
import { createHash } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519'
import { Core, coreModule, feedBuild, instantiateCore } from '../host/core.js'
import { publicKeyOf, signWith, verifyWith } from '../host/ed25519.js'
import { Rng } from './support/rng.js'
import { noble, zip215, parted, threeAgree } from './support/ed25519-oracles.js'

// The build under test: the host build by default, the badge build when npm test
// runs this file again with PICOBADGE_CORE=badge (scripts/test.mjs).
const module = coreModule(feedBuild())

const Point = ed25519.ExtendedPoint
const P = 2n ** 255n - 19n
const L = ed25519.CURVE.n
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const le = (n: bigint) => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(n & 255n); n >>= 8n } return b }
const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n)
const modL = (x: bigint) => ((x % L) + L) % L
const sha512 = (...parts: Uint8Array[]) => { const h = createHash('sha512'); for (const x of parts) h.update(x); return new Uint8Array(h.digest()) }
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts))

/** Verifies with the core and with both oracles; throws on disagreement; returns the verdict. */
function agree (c: Core, sig: Uint8Array, pk: Uint8Array, msg: Uint8Array, what: string): boolean {
  return threeAgree(verifyWith(sig, pk, msg, c), sig, pk, msg, what)
}

/** The 8 torsion points. */
function torsion (): InstanceType<typeof Point>[] {
  for (let y = 2n; ; y++) {
    let pt: InstanceType<typeof Point>
    try { pt = Point.fromHex(le(y), true) } catch { continue }
    const t = pt.multiplyUnsafe(L - 1n).add(pt)
    if (t.double().double().is0()) continue
    const all = [Point.ZERO]
    for (let i = 1; i < 8; i++) all.push(all[i - 1].add(t))
    return all
  }
}
const TORSION = torsion()

/** An order of n indices in [0, keys) where no index follows itself. */
function turns (rng: Rng, keys: number, n: number): number[] {
  const out: number[] = []
  while (out.length < n) {
    const i = rng.int(keys)
    if (out.length && out[out.length - 1] === i) continue
    out.push(i)
  }
  return out
}

describe(`Ed25519 verification of uncached keys (half-size scalars, key cache) against @noble/curves 1.9.7 and @noble/ed25519 3.2.0 (${feedBuild()} build)`, () => {
  // No case here meets the one rule on which the two oracles part (tests/support/ed25519-oracles.ts).
  afterEach(() => { expect(parted.splice(0)).toEqual([]) })

  it('agrees on honest and forged signatures of 40 regular authors and 160 passing ones, taking turns', () => {
    const rng = new Rng(901)
    const c = new Core(instantiateCore(module))
    const seeds = Array.from({ length: 200 }, () => rng.bytes(32))
    const pks = seeds.map(s => publicKeyOf(s, c))
    // 70 % of blocks from 40 regulars (cache hits), the rest from 160 others (misses, evictions).
    const who = turns(rng, 200, 500).map(i => rng.int(10) < 7 ? i % 40 : i)
    let accepted = 0; let prev = -1
    for (let n = 0; n < who.length; n++) {
      let i = who[n]
      if (i === prev) i = (i + 1) % 200
      prev = i
      const msg = rng.bytes(rng.logInt(1, 400))
      const sig = signWith(seeds[i], msg, c)
      if (agree(c, sig, pks[i], msg, `honest ${n} by ${i}`)) accepted++
      const s = fromLe(sig.subarray(32))
      const forged = [
        cat(sig.subarray(0, 32), le(modL(s + 1n))), // S + 1
        cat(sig.subarray(0, 32), le(s + L)), // S + L: not below L
        sig.map((b, j) => j === rng.int(32) ? b ^ (1 << rng.int(8)) : b), // a bit of R
        sig.map((b, j) => j === 32 + rng.int(32) ? b ^ (1 << rng.int(8)) : b) // a bit of S
      ]
      const f = forged[n % forged.length]
      agree(c, f, pks[i], msg, `forged ${n % forged.length} of ${n} by ${i}`)
      // Someone else's key: a different uncached key in between.
      const other = (i + 1 + rng.int(199)) % 200
      expect(agree(c, sig, pks[other], msg, `${n} by ${i} under key ${other}`)).toBe(false)
    }
    expect(accepted).toBe(who.length)
  })

  it('agrees on torsion components in A and R, S at and past L, and flipped messages', () => {
    const rng = new Rng(902)
    const c = new Core(instantiateCore(module))
    const B = Point.BASE
    // 30 keys with torsion components, used in turns (so their decoded points come from the cache too).
    const keys = Array.from({ length: 30 }, () => {
      const a = modL(fromLe(rng.bytes(32))) || 1n
      return { a, A: B.multiply(a).add(TORSION[rng.int(8)]).toRawBytes() }
    })
    let accepted = 0; let cases = 0
    for (const i of turns(rng, keys.length, 150)) {
      const { a, A } = keys[i]
      const r = modL(fromLe(rng.bytes(32))) || 1n
      const R = B.multiply(r).add(TORSION[rng.int(8)]).toRawBytes()
      const msg = rng.bytes(rng.int(200))
      const k = modL(fromLe(sha512(R, A, msg)))
      const s = modL(r + k * a)
      if (agree(c, cat(R, le(s)), A, msg, `torsion ${cases}`)) accepted++
      agree(c, cat(R, le(modL(s + 1n))), A, msg, `torsion ${cases}, S + 1`)
      agree(c, cat(R, le(s + L)), A, msg, `torsion ${cases}, S + L`)
      agree(c, cat(R, le(L)), A, msg, `torsion ${cases}, S = L`)
      const flipped = msg.length ? msg.map((b, j) => j === 0 ? b ^ 1 : b) : Uint8Array.of(1)
      agree(c, cat(R, le(s)), A, flipped, `torsion ${cases}, message flipped`)
      cases++
    }
    expect(accepted).toBe(cases)
  })

  it('agrees on random bytes as signatures and keys (most keys do not decode; those are never cached)', () => {
    const rng = new Rng(903)
    const c = new Core(instantiateCore(module))
    const junkKeys = Array.from({ length: 20 }, () => rng.bytes(32))
    let decodable = 0
    for (const i of turns(rng, junkKeys.length, 300)) {
      const pk = junkKeys[i]
      const sig = rng.bytes(64)
      sig[63] &= 0x0f // S mostly below L
      const msg = rng.bytes(rng.int(64))
      agree(c, sig, pk, msg, `random ${i}`)
      try { Point.fromHex(pk, true); decodable++ } catch {}
    }
    expect(decodable).toBeGreaterThan(30)
    expect(decodable).toBeLessThan(270)
  })

  it('tells apart keys that differ only in encoding: the sign bit, y + p, x = 0 with the sign bit set', () => {
    const rng = new Rng(904)
    const c = new Core(instantiateCore(module))
    const B = Point.BASE
    // Small-order points with S = 0 pass for any R of small order, whatever the encoding;
    // the encodings must still reach the challenge hash as noble re-encodes them.
    const smallEnc: Uint8Array[] = []
    for (const t of TORSION) {
      const enc = t.toRawBytes()
      smallEnc.push(enc)
      const y = fromLe(Uint8Array.from(enc).map((b, i) => i === 31 ? b & 0x7f : b))
      if (y + P < 2n ** 255n) { const e = le(y + P); e[31] |= enc[31] & 0x80; smallEnc.push(e) }
      if (t.toAffine().x === 0n) { const e = le(y); e[31] |= 0x80; smallEnc.push(e) }
    }
    for (let round = 0; round < 3; round++) { // later rounds find the keys in the cache
      for (let i = 0; i < smallEnc.length; i++) {
        const A = smallEnc[i]
        const R = smallEnc[(i * 5 + round) % smallEnc.length]
        const msg = rng.bytes(8)
        agree(c, cat(R, le(0n)), A, msg, `small order ${i} round ${round}`)
        agree(c, cat(R, le(1n)), A, msg, `small order ${i} round ${round}, S = 1`)
        // An honest key in between keeps the comb table away.
        const seed = rng.bytes(32)
        const m2 = rng.bytes(10)
        expect(agree(c, signWith(seed, m2, c), publicKeyOf(seed, c), m2, 'honest in between')).toBe(true)
      }
    }
    // An honest key and the same key with its sign bit flipped (the point -A), alternating.
    for (let i = 0; i < 20; i++) {
      const a = modL(fromLe(rng.bytes(32))) || 1n
      const A = B.multiply(a).toRawBytes()
      const negA = Uint8Array.from(A); negA[31] ^= 0x80
      const r = modL(fromLe(rng.bytes(32))) || 1n
      const R = B.multiply(r).toRawBytes()
      const msg = rng.bytes(20)
      const sFor = (key: Uint8Array, scalar: bigint) => le(modL(r + modL(fromLe(sha512(R, key, msg))) * scalar))
      for (let round = 0; round < 2; round++) {
        expect(agree(c, cat(R, sFor(A, a)), A, msg, `A ${i}`)).toBe(true)
        expect(agree(c, cat(R, sFor(negA, L - a)), negA, msg, `-A ${i}`)).toBe(true)
        expect(agree(c, cat(R, sFor(A, a)), negA, msg, `A's signature under -A ${i}`)).toBe(false)
      }
    }
  })

  it('gives the same verdicts with a cold and a warm cache', () => {
    const rng = new Rng(905)
    const seeds = Array.from({ length: 12 }, () => rng.bytes(32))
    const warm = new Core(instantiateCore(module))
    const pks = seeds.map(s => publicKeyOf(s, warm))
    const cases = turns(rng, seeds.length, 120).map((i, n) => {
      const msg = rng.bytes(30)
      const sig = signWith(seeds[i], msg, warm)
      if (n % 3 === 1) sig[40] ^= 4
      return { sig, pk: pks[i], msg }
    })
    for (const { sig, pk, msg } of cases) verifyWith(sig, pk, msg, warm)
    for (const { sig, pk, msg } of cases) {
      const cold = new Core(instantiateCore(module))
      expect(verifyWith(sig, pk, msg, warm)).toBe(verifyWith(sig, pk, msg, cold))
      expect(verifyWith(sig, pk, msg, warm)).toBe(noble(sig, pk, msg))
      expect(zip215(sig, pk, msg)).toBe(noble(sig, pk, msg))
    }
  })
})
