// The threads' table of signatures known good (host/sim/shared-signatures.ts):
// it vouches for exactly the signature, key and message written, on any view
// of the same shared memory, and a newer entry may take an older one's slot.

import { describe, it, expect } from 'vitest'
import { Worker } from 'node:worker_threads'
import { SharedSignatures, SLOTS } from '../host/sim/shared-signatures.js'
import { publicKeyOf, signWith } from '../host/ed25519.js'

const seed = (k: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 5 + k) & 0xff)
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 1; return c }

describe('SharedSignatures (the simulator\'s table between threads)', () => {
  const pk = publicKeyOf(seed(1))
  const msg = new TextEncoder().encode('picobadge PROOF2 a link between two badges on two threads')
  const sig = signWith(seed(1), msg)

  it('vouches for exactly what was written: any other byte, or another length, is no match', () => {
    const t = new SharedSignatures()
    expect(t.has(sig, pk, msg)).toBe(false)
    t.add(sig, pk, msg)
    expect(t.has(sig, pk, msg)).toBe(true)
    for (const i of [0, 31, 63]) expect(t.has(flip(sig, i), pk, msg)).toBe(false)
    for (const i of [0, 31]) expect(t.has(sig, flip(pk, i), msg)).toBe(false)
    for (const i of [0, msg.length - 1]) expect(t.has(sig, pk, flip(msg, i))).toBe(false)
    expect(t.has(sig, pk, msg.subarray(1))).toBe(false)
    const short = new SharedSignatures()
    short.add(sig.subarray(1), pk, msg)
    expect(short.has(sig.subarray(1), pk, msg)).toBe(false)
  })

  it('is one table on every view of its memory, across a real worker thread', async () => {
    const a = new SharedSignatures()
    const b = new SharedSignatures(a.buffer)
    b.add(sig, pk, msg)
    expect(a.has(sig, pk, msg)).toBe(true)
    // A worker writes a slot as SharedSignatures would (its own view of the same buffer): this thread sees the bytes.
    const w = new Worker('const { workerData, parentPort } = require("node:worker_threads"); new Uint8Array(workerData).fill(7, 32, 64); parentPort.postMessage(1)', { eval: true, workerData: a.buffer })
    await new Promise(resolve => w.once('message', resolve))
    await w.terminate()
    expect(new Uint8Array(a.buffer)[40]).toBe(7)
  })

  it('keeps the newest of two entries that share a slot, and refuses a buffer of the wrong size', () => {
    const t = new SharedSignatures()
    const sigs: Uint8Array[] = []
    let collided: [number, number] | undefined
    const slots = new Map<string, number>()
    // Signatures over numbered messages until two land in one slot (the birthday bound: ~300 of 65,536).
    for (let k = 0; !collided && k < 5000; k++) {
      const m = new TextEncoder().encode(`message ${k}`)
      const s = signWith(seed(1), m)
      sigs.push(s)
      const before = new Uint8Array(t.buffer).slice()
      t.add(s, pk, m)
      const after = new Uint8Array(t.buffer)
      let slot = -1
      for (let i = 0; i < after.length; i += 32) if (after[i] !== before[i] || after[i + 31] !== before[i + 31]) { slot = i / 32; break }
      const key = String(slot)
      if (slots.has(key)) collided = [slots.get(key)!, k]
      else slots.set(key, k)
    }
    expect(collided).toBeDefined()
    const [older, newer] = collided!
    const m = (k: number) => new TextEncoder().encode(`message ${k}`)
    expect(t.has(sigs[newer], pk, m(newer))).toBe(true)
    expect(t.has(sigs[older], pk, m(older))).toBe(false)
    expect(() => new SharedSignatures(new SharedArrayBuffer(SLOTS))).toThrow(/bytes, not/)
  })
})
