// The core's Ed25519 against @noble/curves 1.9.7, the library picofeed 8.0.5
// verifies with (`ed25519.verify(sig, msg, pk)`, ZIP-215 rules by default),
// and against a second, independent implementation, @noble/ed25519 3.2.0
// (`verify(sig, msg, pk, { zip215: true })`): three must agree. The two
// oracles part on one rule only (which bytes the challenge hashes when R or A
// is encoded non-canonically); that test names each case where they do, and
// the mesh follows picofeed's. Signatures must be byte-identical and every
// verdict equal, on the RFC 8032
// vectors, on the edge cases libraries are compared on (the eight
// small-order points and their six non-canonical encodings as A and R,
// S at and above L, torsion components in A and R, challenges hashed over
// re-encoded points), on random bit flips, and with a host accelerator
// plugged in.

import { describe, it, expect, afterEach } from 'vitest'
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519'
import { noble, zip215, parted, partedIn, threeAgree } from './support/ed25519-oracles.js'
import { Core, coreModule, feedBuild, instantiateCore } from '../host/core.js'
import { publicKeyOf, signWith, verifyWith } from '../host/ed25519.js'
import { Rng } from './support/rng.js'
import { RFC8032 } from './support/rfc8032.js'

// The build under test: the host build by default, the badge build when npm test
// runs this file again with PICOBADGE_CORE=badge (scripts/test.mjs).
const module = coreModule(feedBuild())

const Point = ed25519.ExtendedPoint
const P = 2n ** 255n - 19n
const L = ed25519.CURVE.n
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'))
const le = (n: bigint) => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(n & 255n); n >>= 8n } return b }
const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n)
const modL = (x: bigint) => ((x % L) + L) % L
const sha512 = (...parts: Uint8Array[]) => { const h = createHash('sha512'); for (const x of parts) h.update(x); return new Uint8Array(h.digest()) }
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts))

const core = new Core(instantiateCore(module))
const ours = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array, c = core) => verifyWith(sig, pk, msg, c)

/** Checks one case against both oracles and returns the shared verdict. */
function agree (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array, what: string, c = core): boolean {
  return threeAgree(ours(sig, pk, msg, c), sig, pk, msg, what)
}

/** The 8 torsion points, from [L] of some point with an order-8 component. */
function torsion (): InstanceType<typeof Point>[] {
  for (let y = 2n; ; y++) {
    let pt: InstanceType<typeof Point>
    try { pt = Point.fromHex(le(y), true) } catch { continue }
    const t = pt.multiplyUnsafe(L - 1n).add(pt)
    if (t.double().double().is0()) continue // order below 8
    const all = [Point.ZERO]
    for (let i = 1; i < 8; i++) all.push(all[i - 1].add(t))
    return all
  }
}
const TORSION = torsion()

/** The 14 encodings of small-order points: 8 canonical, 6 not (y >= p, or x = 0 with the sign bit set). */
function smallOrderEncodings (): Uint8Array[] {
  const out = new Map<string, Uint8Array>()
  for (const t of TORSION) {
    const enc = t.toRawBytes()
    out.set(hex(enc), enc)
    const y = fromLe(Uint8Array.from(enc).map((b, i) => i === 31 ? b & 0x7f : b))
    const sign = enc[31] & 0x80
    if (y + P < 2n ** 255n) { const e = le(y + P); e[31] |= sign; out.set(hex(e), e) }
    if (t.toAffine().x === 0n) for (const yy of [y, y + P]) {
      if (yy >= 2n ** 255n) continue
      const e = le(yy); e[31] |= 0x80; out.set(hex(e), e)
    }
  }
  return [...out.values()]
}

describe(`Ed25519 against @noble/curves 1.9.7, picofeed's verifier, and @noble/ed25519 3.2.0 (ZIP-215) (${feedBuild()} build)`, () => {
  // All three agree on every case, but for the re-encoding rule, which only its own test meets.
  afterEach(() => { expect(parted.splice(0)).toEqual([]) })

  it('reproduces the RFC 8032 test vectors', () => {
    for (const [seed, pk, msg, sig] of RFC8032) {
      expect(hex(publicKeyOf(unhex(seed), core))).toBe(pk)
      expect(hex(signWith(unhex(seed), unhex(msg), core))).toBe(sig)
      expect(ours(unhex(sig), unhex(pk), unhex(msg))).toBe(true)
    }
  })

  it('signs byte-identically and verifies, for messages from 0 bytes past the I/O window (streamed)', () => {
    const rng = new Rng(801)
    const lens = [0, 1, 63, 64, 127, 128, 129, core.dataCap - 1, core.dataCap, core.dataCap + 1, 3 * core.dataCap + 17, 65536]
    for (let i = 0; i < 40; i++) lens.push(rng.logInt(1, 70000))
    for (const n of lens) {
      const seed = rng.bytes(32)
      const msg = rng.bytes(n)
      const pk = publicKeyOf(seed, core)
      expect(hex(pk)).toBe(hex(ed25519.getPublicKey(seed)))
      const sig = signWith(seed, msg, core)
      expect(hex(sig)).toBe(hex(ed25519.sign(msg, seed)))
      expect(agree(sig, pk, msg, `len ${n}`)).toBe(true)
    }
  })

  it('agrees on every small-order A and R (canonical and not) with S at and around 0 and L', () => {
    const encs = smallOrderEncodings()
    expect(encs.length).toBe(14)
    const msg = unhex('8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6')
    const svals = [0n, 1n, 8n, L - 1n, L, L + 1n, 2n ** 253n - 1n, 2n ** 256n - 1n]
    let accepted = 0; let rejected = 0
    for (const a of encs) {
      for (const r of encs) {
        for (const s of svals) {
          const v = agree(cat(r, le(s)), a, msg, `small-order A ${hex(a)} R ${hex(r)} S ${s}`)
          v ? accepted++ : rejected++
        }
      }
    }
    // With S = 0 every such pair satisfies the cofactored equation; S >= L never does.
    expect(accepted).toBeGreaterThanOrEqual(14 * 14)
    expect(rejected).toBeGreaterThanOrEqual(14 * 14 * 4)
  })

  it('agrees on torsion components in A and R (cofactored passes, cofactorless would not)', () => {
    const rng = new Rng(802)
    const B = Point.BASE
    let accepted = 0
    for (let i = 0; i < 64; i++) {
      const a = modL(fromLe(rng.bytes(32))) || 1n
      const r = modL(fromLe(rng.bytes(32))) || 1n
      const ta = TORSION[rng.int(8)]
      const tr = TORSION[rng.int(8)]
      const A = B.multiply(a).add(ta)
      const R = B.multiply(r).add(tr)
      const msg = rng.bytes(rng.int(200))
      const k = modL(fromLe(sha512(R.toRawBytes(), A.toRawBytes(), msg)))
      const s = modL(r + k * a)
      const sig = cat(R.toRawBytes(), le(s))
      if (agree(sig, A.toRawBytes(), msg, `torsion case ${i}`)) accepted++
      agree(cat(R.toRawBytes(), le(modL(s + 1n))), A.toRawBytes(), msg, `torsion case ${i}, S + 1`)
      // A non-canonical S = s + L: rejected by both.
      agree(cat(R.toRawBytes(), le(s + L)), A.toRawBytes(), msg, `torsion case ${i}, S + L`)
    }
    expect(accepted).toBe(64)
  })

  it('hashes the challenge over re-encoded points, as noble does', () => {
    // R is a non-canonical encoding of a small-order point T, A = aB, S = k a:
    // R + kA - SB = T, which the cofactor clears. Only the k that noble
    // computes (over the canonical encoding of R) makes the equation hold.
    const rng = new Rng(803)
    const nonCanonical = smallOrderEncodings().filter(e => hex(Point.fromHex(e, true).toRawBytes()) !== hex(e))
    expect(nonCanonical.length).toBe(6)
    for (const rEnc of nonCanonical) {
      const a = modL(fromLe(rng.bytes(32))) || 1n
      const A = Point.BASE.multiply(a).toRawBytes()
      const msg = rng.bytes(40)
      const kCanonical = modL(fromLe(sha512(Point.fromHex(rEnc, true).toRawBytes(), A, msg)))
      const kRaw = modL(fromLe(sha512(rEnc, A, msg)))
      const overCanonical = cat(rEnc, le(modL(kCanonical * a)))
      const overRaw = cat(rEnc, le(modL(kRaw * a)))
      const split = partedIn(() => {
        expect(agree(overCanonical, A, msg, 'k over canonical R')).toBe(true)
        expect(agree(overRaw, A, msg, 'k over raw R')).toBe(false)
      })
      // ZIP-215 as written (the bytes as given) is the other way round: the mesh follows picofeed.
      expect(split).toEqual(['k over canonical R', 'k over raw R'])
      expect(zip215(overCanonical, A, msg)).toBe(false)
      expect(zip215(overRaw, A, msg)).toBe(true)
    }
  })

  it('agrees on non-canonical encodings (y + p) of points that are not of small order, as A and as R', () => {
    const rng = new Rng(808)
    const encs: Uint8Array[] = []
    for (let y = 0n; y < 19n; y++) {
      for (const sign of [0, 0x80]) {
        const e = le(y + P); e[31] |= sign
        let pt: InstanceType<typeof Point>
        try { pt = Point.fromHex(e, true) } catch { continue }
        if (pt.multiplyUnsafe(8n).is0()) continue // small order: the test above has those
        encs.push(e)
      }
    }
    expect(encs.length).toBeGreaterThan(4)
    const seed = rng.bytes(32)
    const pk = ed25519.getPublicKey(seed)
    let cases = 0
    for (const e of encs) {
      const msg = rng.bytes(32)
      const honest = ed25519.sign(msg, seed)
      const split = partedIn(() => {
        // As A: nobody knows its discrete log, so nothing signed for it can pass; as R, with S and a real key.
        for (const s of [0n, 1n, modL(fromLe(rng.bytes(32)))]) { agree(cat(honest.subarray(0, 32), le(s)), e, msg, `A ${hex(e)}`); cases++ }
        agree(honest, e, msg, `A ${hex(e)}, another key's signature`)
        agree(cat(e, honest.subarray(32)), pk, msg, `R ${hex(e)}`)
        expect(agree(honest, pk, msg, 'honest')).toBe(true)
      })
      expect(split).toEqual([])
    }
    expect(cases).toBe(encs.length * 3)
  })

  it('agrees on random bit flips in signature, key and message', () => {
    const rng = new Rng(804)
    let accepted = 0
    for (let i = 0; i < 400; i++) {
      const seed = rng.bytes(32)
      const msg = rng.bytes(rng.logInt(1, 300))
      const pk = publicKeyOf(seed, core)
      const sig = signWith(seed, msg, core)
      const target = rng.pick(['sig', 'pk', 'msg'] as const)
      const buf = target === 'sig' ? sig : target === 'pk' ? pk : msg
      const flips = 1 + rng.int(3)
      for (let f = 0; f < flips; f++) buf[rng.int(buf.length)] ^= 1 << rng.int(8)
      if (agree(sig, pk, msg, `flip ${i} in ${target}`)) accepted++
    }
    // Only flips of the bits noble ignores can survive; most must not.
    expect(accepted).toBeLessThan(40)
  })

  it('gives the same verdicts through the cached-key path (one author, many blocks; keys alternating)', () => {
    const rng = new Rng(805)
    const seeds = [rng.bytes(32), rng.bytes(32), rng.bytes(32)]
    const pks = seeds.map(s => publicKeyOf(s, core))
    const order = [0, 0, 0, 0, 1, 1, 0, 2, 2, 2, 1, 0, 0, 1, 1, 1, 2, 0, 0, 0]
    for (let i = 0; i < order.length * 3; i++) {
      const who = order[i % order.length]
      const msg = rng.bytes(1 + rng.int(100))
      const sig = signWith(seeds[who], msg, core)
      expect(agree(sig, pks[who], msg, `cached ${i}`)).toBe(true)
      sig[32 + rng.int(32)] ^= 1 << rng.int(8)
      agree(sig, pks[who], msg, `cached ${i}, flipped S`)
      const other = (who + 1) % 3
      expect(agree(signWith(seeds[who], msg, core), pks[other], msg, `cached ${i}, wrong key`)).toBe(false)
    }
  })

  it('treats a host accelerator as a fast accept only: a strict verifier changes no verdict', () => {
    // node:crypto (OpenSSL) verifies strictly and cofactorless. Plugged in,
    // it must never be asked about non-canonical inputs, and its "no" must
    // never stick where noble says yes.
    const asked: string[] = []
    const accel = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array) => {
      asked.push(hex(sig.slice(0, 32)) + hex(pk))
      const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' })
      return nodeVerify(null, msg, key, sig)
    }
    const c = new Core(instantiateCore(module, { accelerate: accel }))
    const encs = smallOrderEncodings()
    const msg = unhex('8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6')
    for (const a of encs) for (const r of encs) agree(cat(r, le(0n)), a, msg, 'accelerated small-order', c)
    const canonical = new Set(encs.filter(e => hex(Point.fromHex(e, true).toRawBytes()) === hex(e)).map(hex))
    for (const q of asked) {
      expect(canonical.has(q.slice(0, 64))).toBe(true)
      expect(canonical.has(q.slice(64))).toBe(true)
    }
    const rng = new Rng(806)
    for (let i = 0; i < 50; i++) {
      const seed = rng.bytes(32)
      const msg2 = rng.bytes(rng.int(100))
      expect(agree(signWith(seed, msg2, c), publicKeyOf(seed, c), msg2, 'accelerated honest', c)).toBe(true)
    }
    expect(asked.length).toBeGreaterThan(50)
  })

  it('batch-verifies a run by one key with the verdict of verifying each (torsion, small order, flips)', () => {
    const rng = new Rng(807)
    const B = Point.BASE
    const run = (sigs: Uint8Array[], msgs: Uint8Array[], pk: Uint8Array): number => {
      let o = 256
      const ents: number[][] = []
      for (let i = 0; i < sigs.length; i++) {
        core.put(o, sigs[i]); const so = o; o += 64
        core.put(o, msgs[i]); ents.push([core.io + so, core.io + o, msgs[i].length]); o += msgs[i].length
      }
      const eo = o
      for (const [a, b, l] of ents) { const dv = new DataView(core.u8.buffer, core.io + o, 12); dv.setUint32(0, a, true); dv.setUint32(4, b, true); dv.setUint32(8, l, true); o += 12 }
      core.put(64, pk)
      return core.x.ed25519_verify_run(sigs.length, core.io + eo, core.io + 64)
    }
    let allValid = 0; let someInvalid = 0
    for (let c = 0; c < 120; c++) {
      const n = 1 + rng.int(8)
      const a = modL(fromLe(rng.bytes(32))) || 1n
      const A = B.multiply(a).add(TORSION[rng.int(8)]) // keys with a torsion component too
      const pk = A.toRawBytes()
      const sigs: Uint8Array[] = []; const msgs: Uint8Array[] = []
      for (let i = 0; i < n; i++) {
        const r = modL(fromLe(rng.bytes(32))) || 1n
        const R = B.multiply(r).add(TORSION[rng.int(8)])
        const msg = rng.bytes(rng.int(120))
        const k = modL(fromLe(sha512(R.toRawBytes(), pk, msg)))
        sigs.push(cat(R.toRawBytes(), le(modL(r + k * a)))); msgs.push(msg)
      }
      // Now and then something a single verification refuses: a flipped bit, S + L, a wrong message.
      const kind = rng.int(4)
      if (kind === 1) sigs[rng.int(n)][rng.int(64)] ^= 1 << rng.int(8)
      if (kind === 2) { const i = rng.int(n); sigs[i] = cat(sigs[i].subarray(0, 32), le(fromLe(sigs[i].subarray(32)) + L)) }
      if (kind === 3) msgs[rng.int(n)] = rng.bytes(5)
      const want = sigs.every((sg, i) => noble(sg, pk, msgs[i]))
      expect(sigs.every((sg, i) => zip215(sg, pk, msgs[i])), `case ${c}: the two oracles`).toBe(want)
      expect(run(sigs, msgs, pk) === 1, `case ${c}`).toBe(want)
      want ? allValid++ : someInvalid++
    }
    expect(allValid).toBeGreaterThan(30)
    expect(someInvalid).toBeGreaterThan(30)
  })

  it('refuses streaming calls out of order with E_STATE (-2)', () => {
    const c = new Core(instantiateCore(module))
    expect(c.x.ed25519_verify_update(c.io, 1)).toBe(-2)
    expect(c.x.ed25519_verify_end()).toBe(-2)
    expect(c.x.ed25519_sign_update(c.io, 1)).toBe(-2)
    expect(c.x.ed25519_sign_commit()).toBe(-2)
    expect(c.x.ed25519_sign_end(c.io)).toBe(-2)
    expect(c.x.ed25519_sign_begin(c.io)).toBe(0)
    expect(c.x.ed25519_sign_end(c.io)).toBe(-2) // no commit yet
    expect(c.x.ed25519_sign_commit()).toBe(0)
    expect(c.x.ed25519_sign_commit()).toBe(-2)
    expect(c.x.ed25519_sign_end(c.io)).toBe(0)
    expect(c.x.ed25519_verify_begin(c.io, c.io + 64)).toBe(0)
    expect(c.x.ed25519_verify_end()).toBeGreaterThanOrEqual(0)
    expect(c.x.ed25519_verify_end()).toBe(-2)
  })
})
