// The shared suite of test vectors (docs/RPC.md): lists of CALLs that a
// board and Node must answer alike. Built from a seed, independently of the
// core under test: signatures come from node:crypto, blocks and images are
// laid out here byte by byte.

import { createPrivateKey, sign as nodeSign, createPublicKey } from 'node:crypto'
import type { Call } from './frames.js'
import { cborEncode } from '../cbor.js'
import { Rng } from '../rng.js'
import { signedImage, IMAGE_HEADER } from '../image.js'

export interface Vector { group: string, name: string, calls: Call[] }

const T0 = 1_760_000_000_000
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
// The group order L and a small-order point (the identity, y = 1).
const L = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex')
const IDENTITY = Buffer.from('0100000000000000000000000000000000000000000000000000000000000000', 'hex')

function keyPair (seed: Uint8Array): { sign: (m: Uint8Array) => Uint8Array, pk: Uint8Array } {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
  const pk = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12))
  return { sign: m => new Uint8Array(nodeSign(null, m, key)), pk }
}

function addLE (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32); let c = 0
  for (let i = 0; i < 32; i++) { const s = a[i] + b[i] + c; out[i] = s & 0xff; c = s >> 8 }
  return out
}

const verifyCall = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): Call => ({
  name: 'ed25519_verify', args: [{ io: 0 }, { io: 64 }, { io: 256 }, msg.length], writes: [{ offset: 0, bytes: sig }, { offset: 64, bytes: pk }, { offset: 256, bytes: msg }]
})

/** A picofeed 8 block: SIG | varint size | AUTHOR | [PSIG] | body, signed. */
function block (kp: ReturnType<typeof keyPair>, body: Uint8Array, psig?: Uint8Array): Uint8Array {
  const size = 34 + (psig ? 66 : 0) + body.length
  const varint: number[] = []
  for (let v = size; ; v >>>= 7) { if (v < 0x80) { varint.push(v); break } varint.push((v & 0x7f) | 0x80) }
  const rest = Uint8Array.from([...varint, 0, 1, ...kp.pk, ...(psig ? [0, 2, ...psig] : []), ...body])
  return Uint8Array.from([...kp.sign(rest), ...rest])
}

export function buildVectors (seed: number, { destructive = false } = {}): Vector[] {
  const rng = new Rng(seed)
  const out: Vector[] = []
  for (let i = 0; i < 8; i++) {
    const msg = rng.bytes(rng.int(1280)) // at 256 in the window: a badge's window holds 256 + 1,280 bytes
    out.push({ group: 'sha512', name: `${msg.length}-byte message`, calls: [{ name: 'sha512', args: [{ io: 256 }, msg.length, { io: 128 }], writes: [{ offset: 256, bytes: msg }], reads: [{ offset: 128, length: 64 }] }] })
  }
  for (let i = 0; i < 6; i++) {
    const s = rng.bytes(32); const msg = rng.bytes(1 + rng.int(500))
    out.push({ group: 'ed25519 keys and signatures', name: `seed ${i}`, calls: [
      { name: 'ed25519_public_key', args: [{ io: 96 }, { io: 64 }], writes: [{ offset: 96, bytes: s }], reads: [{ offset: 64, length: 32 }] },
      { name: 'ed25519_sign', args: [{ io: 96 }, { io: 256 }, msg.length, { io: 0 }], writes: [{ offset: 256, bytes: msg }], reads: [{ offset: 0, length: 64 }] }
    ] })
  }
  for (let i = 0; i < 10; i++) {
    const kp = keyPair(rng.bytes(32)); const msg = rng.bytes(1 + rng.int(400)); const sig = kp.sign(msg)
    const flip = (b: Uint8Array) => { const c = Uint8Array.from(b); c[rng.int(c.length)] ^= 1 << rng.int(8); return c }
    const sPlusL = Uint8Array.from(sig); sPlusL.set(addLE(sig.subarray(32), L), 32)
    const cases: Array<[string, Call]> = [
      ['valid', verifyCall(sig, kp.pk, msg)],
      ['a flipped signature bit', verifyCall(flip(sig), kp.pk, msg)],
      ['a flipped message bit', verifyCall(sig, kp.pk, flip(msg))],
      ['a flipped key bit', verifyCall(sig, flip(kp.pk), msg)],
      ['S + L', verifyCall(sPlusL, kp.pk, msg)],
      ['a small-order key', verifyCall(sig, IDENTITY, msg)]
    ]
    for (const [what, call] of cases) out.push({ group: 'ed25519 verification', name: `${what} #${i}`, calls: [call] })
  }
  for (let i = 0; i < 10; i++) {
    const kp = keyPair(rng.bytes(32))
    const b = block(kp, cborEncode(['cards', { name: `v${i}` }, T0]), i % 2 ? rng.bytes(64) : undefined)
    const mutated = Uint8Array.from(b); mutated[64 + rng.int(b.length - 64)] ^= 1 << rng.int(8)
    for (const [what, bytes] of [['a block', b], ['a mutated block', mutated], ['a cut block', b.subarray(0, rng.int(b.length))]] as const) {
      out.push({ group: 'block scanner', name: `${what} #${i}`, calls: [{ name: 'block_scan', args: [{ io: 256 }, bytes.length, bytes.length, { io: 128 }], writes: [{ offset: 256, bytes }], reads: [{ offset: 128, length: 36 }] }] })
    }
  }
  {
    const event = keyPair(rng.bytes(32))
    const module = rng.bytes(5000)
    const header = signedImage(module, event.sign, 1000).subarray(0, IMAGE_HEADER) // app version 1000: the vectors stay the same from run to run
    const verify = (h: Uint8Array, m: Uint8Array, key: Uint8Array, floor = 0): Call[] => [
      { name: 'image_verify_begin', args: [{ io: 256 }, { io: 64 }, floor], writes: [{ offset: 256, bytes: h }, { offset: 64, bytes: key }] },
      ...[0, 1024, 2048, 3072, 4096].filter(o => o < m.length).map(o => ({ name: 'image_verify_update', args: [{ io: 256 }, Math.min(1024, m.length - o)], writes: [{ offset: 256, bytes: m.subarray(o, o + 1024) }] }) as Call),
      { name: 'image_verify_end', args: [] }
    ]
    const tampered = Uint8Array.from(module); tampered[rng.int(module.length)] ^= 4
    out.push({ group: 'app image', name: 'a signed image', calls: verify(header, module, event.pk) })
    out.push({ group: 'app image', name: 'a tampered module', calls: verify(header, tampered, event.pk) })
    out.push({ group: 'app image', name: 'another event key', calls: verify(header, module, keyPair(rng.bytes(32)).pk) })
    out.push({ group: 'app image', name: 'a short module', calls: verify(header, module.subarray(0, 4000), event.pk) })
    out.push({ group: 'app image', name: 'its own version as the floor', calls: verify(header, module, event.pk, 1000) })
    out.push({ group: 'app image', name: 'a floor above its version (rollback)', calls: verify(header, module, event.pk, 1001) })
  }
  if (destructive) {
    const kps = [0, 1, 2].map(() => keyPair(rng.bytes(32)))
    const calls: Call[] = [{ name: 'engine_mount', args: [4096, 4, 65536, BigInt(T0)] }]
    for (const [k, kp] of kps.entries()) {
      const g = block(kp, cborEncode(['cards', { name: `card ${k}` }, T0]))
      const next = block(kp, cborEncode(['cards', { name: `card ${k}b` }, T0 + 1000]), g.subarray(0, 64))
      calls.push({ name: 'engine_dispatch', args: [{ io: 256 }, g.length + next.length, BigInt(T0 + 5000)], writes: [{ offset: 256, bytes: Uint8Array.from([...g, ...next]) }] })
      calls.push({ name: 'engine_state', args: [0, { io: 64 }, { io: 1024 }], writes: [{ offset: 64, bytes: kp.pk }], reads: [{ offset: 1024, length: 41 }] })
    }
    calls.push({ name: 'engine_tick', args: [BigInt(T0 + 2 * 3_600_000)] })
    calls.push({ name: 'engine_state', args: [0, { io: 64 }, { io: 1024 }], writes: [{ offset: 64, bytes: kps[0].pk }] })
    out.push({ group: 'store and collector (destructive)', name: 'three cards remembered, then forgotten', calls })
  }
  return out
}
