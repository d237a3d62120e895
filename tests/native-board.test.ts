// The native board (boards/native): the firmware's C under real WAMR,
// built by `node scripts/native.mjs` (npm test builds it before vitest).
// The shared vectors agree with Node under both interpreters, default and
// destructive; a refused app image stops the board before anything of it
// runs; the flash file survives a kill -9 and a power cut mid-write; a
// retried request is answered from the cache, not run twice; the pty works
// with serialport as a real board's port does.

import { describe, it, expect } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NativeBoard, NativeVariant } from '../host/native/board.js'
import { BoardTarget } from '../host/rpc/board.js'
import { LocalTarget } from '../host/rpc/target.js'
import { buildVectors } from '../host/rpc/vectors.js'
import { compare } from '../host/rpc/compare.js'
import { encodeCall, encodeFrame, decodeFrame, Call, T_CALL } from '../host/rpc/frames.js'
import { serialTransport } from '../host/rpc/transport.js'
import { slipEncode, SlipDecoder } from '../host/slip.js'
import { coreWasmPath } from '../host/core.js'
import { makeImage } from '../host/image.js'
import { newKey } from '../host/keyfile.js'

const event = newKey('event-key')
const image = makeImage(readFileSync(coreWasmPath()), event.secretKey)
const tmp = () => mkdtempSync(join(tmpdir(), 'pb-native-test-'))

async function agree (variant: NativeVariant, destructive: boolean) {
  const native = new NativeBoard({ variant })
  const board = new BoardTarget(native.transport(), { timeoutMs: 5000 })
  try {
    const hello = await board.hello()
    expect(hello.board).toContain(variant.replace('asan-', ''))
    const r = await compare(board, new LocalTarget(), buildVectors(1, { destructive }))
    expect(r.differences.map(d => `${d.vector.group} / ${d.vector.name}: ${d.what}`)).toEqual([])
    expect(r.vectors).toBeGreaterThan(100)
  } finally {
    expect((await native.close()).code, native.stderr).toBe(0) // stdin closed: a clean exit (and no sanitizer report)
  }
  expect(native.stderr).not.toMatch(/runtime error|AddressSanitizer|LeakSanitizer/)
}

describe('picobadge test against the native board agrees with Node', () => {
  for (const variant of ['classic', 'fast'] as const) {
    it(`${variant} interpreter, default vectors`, async () => { await agree(variant, false) })
    it(`${variant} interpreter, --destructive`, async () => { await agree(variant, true) })
  }
  it('AddressSanitizer + UBSan build (classic), --destructive', async () => { await agree('asan', true) })
  it('AddressSanitizer + UBSan build (fast), default vectors', async () => { await agree('asan-fast', false) })
})

/** Runs the board on an image and a key and returns its exit and stderr; the flash file is checked by the caller. */
async function refused (img: Uint8Array, key: Uint8Array, flash: string) {
  const native = new NativeBoard({ image: img, eventKey: key, flash })
  const exit = await native.exited
  const stderr = native.stderr
  await native.close()
  return { exit, stderr }
}

describe('the resident verifier refuses a bad app image before anything of it runs', () => {
  const cases: Array<[string, () => [Uint8Array, Uint8Array], number]> = [
    ['a tampered module', () => { const t = Uint8Array.from(image); t[144 + 1000] ^= 0x10; return [t, event.publicKey] }, -82],
    ['a tampered header (its length)', () => { const t = Uint8Array.from(image); t[8] ^= 1; return [t, event.publicKey] }, -83],
    ['another event key', () => [image, newKey('event-key').publicKey], -83],
    ['a truncated image', () => [image.subarray(0, image.length - 500), event.publicKey], -84],
    ['only half a header', () => [image.subarray(0, 100), event.publicKey], -84],
    ['not an image (the bare module)', () => [readFileSync(coreWasmPath()), event.publicKey], -80]
  ]
  for (const [what, make, code] of cases) {
    it(`${what}: exit 2, code ${code}, the flash file never touched`, async () => {
      const dir = tmp()
      try {
        const [img, key] = make()
        const fresh = join(dir, 'none.bin')
        const r = await refused(img, key, fresh)
        expect(r.exit.code, r.stderr).toBe(2)
        expect(r.stderr).toMatch(new RegExp(`app image refused: .*\\(${code}\\)`))
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
        expect(existsSync(fresh)).toBe(false)
        // An existing flash file keeps every byte and its modification time.
        const kept = join(dir, 'kept.bin')
        const bytes = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) & 0xff)
        writeFileSync(kept, bytes)
        const mtime = statSync(kept).mtimeMs
        expect((await refused(img, key, kept)).exit.code).toBe(2)
        expect(Buffer.compare(readFileSync(kept), bytes)).toBe(0)
        expect(statSync(kept).mtimeMs).toBe(mtime)
      } finally { rmSync(dir, { recursive: true, force: true }) }
    })
  }
  it('the same image with the right key runs', async () => {
    const native = new NativeBoard({ image, eventKey: event.publicKey })
    const board = new BoardTarget(native.transport())
    expect((await board.hello()).memoryUsed).toBeGreaterThan(0)
    expect((await native.close()).code).toBe(0)
  })
})

async function identity (flash: string, env: Record<string, string> = {}): Promise<{ native: NativeBoard, id: string, newIdentity: number }> {
  const native = new NativeBoard({ image, eventKey: event.publicKey, flash, env })
  const board = new BoardTarget(native.transport(), { timeoutMs: 5000 })
  const id = await board.call({ name: 'badge_identity', args: [{ io: 0 }], reads: [{ offset: 0, length: 32 }] })
  expect(id.result).toBe(0n)
  const st = await board.call({ name: 'badge_status', args: [{ io: 0 }, 1000], reads: [{ offset: 0, length: 80 }] })
  expect(st.result).toBe(0n)
  return { native, id: Buffer.from(id.reads[0]).toString('hex'), newIdentity: new DataView(st.reads[0].buffer).getUint32(44, true) }
}

describe('the flash file is the chip', () => {
  it('a kill -9 is a power cut: the restarted board is the same badge', async () => {
    const dir = tmp()
    try {
      const flash = join(dir, 'flash.bin')
      const a = await identity(flash)
      expect(a.newIdentity).toBe(1)
      expect((await a.native.kill()).signal).toBe('SIGKILL')
      await a.native.close()
      const b = await identity(flash)
      expect(b.id).toBe(a.id)
      expect(b.newIdentity).toBe(0)
      await b.native.close()
      const c = await identity(join(dir, 'other.bin'))
      expect(c.id).not.toBe(a.id)
      await c.native.close()
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('a power cut in the middle of a flash write (PICOBADGE_CUT_AFTER_WRITES): the board comes back up whole', async () => {
    const dir = tmp()
    try {
      const flash = join(dir, 'flash.bin')
      const cut = new NativeBoard({ image, eventKey: event.publicKey, flash, env: { PICOBADGE_CUT_AFTER_WRITES: '1' } })
      expect((await cut.exited).code).toBe(137) // the first badge_init writes, and dies in its second
      await cut.close()
      const before = readFileSync(flash)
      expect(before.some(b => b !== 0xff)).toBe(true) // something was written before the cut
      const a = await identity(flash)
      const b = (await a.native.kill(), await a.native.close(), await identity(flash))
      expect(b.id).toBe(a.id)
      await b.native.close()
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})

describe('the board RPC on the native board', () => {
  it('a retried request (same sequence number, same bytes) is answered from the cache and runs once', async () => {
    const native = new NativeBoard({ image, eventKey: event.publicKey })
    const t = native.transport()
    const replies: Array<{ type: number, seq: number, payload: Uint8Array }> = []
    const dec = new SlipDecoder(raw => { const f = decodeFrame(raw); if (f) replies.push(f) })
    t.onData(b => dec.push(b))
    const board = new BoardTarget(t)
    const hello = await board.hello()
    const send = async (seq: number, c: Call) => {
      const n = replies.length
      t.write(slipEncode(encodeFrame({ type: T_CALL, seq, payload: encodeCall(c, hello.io) })))
      for (let i = 0; i < 200 && replies.length === n; i++) await new Promise(resolve => setTimeout(resolve, 10))
      expect(replies.length).toBe(n + 1)
      return replies[n]
    }
    // Streaming signature: begin, one update sent twice with the same sequence number, commit, update, end.
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
    const msg = new TextEncoder().encode('a message hashed once per pass')
    await send(1000, { name: 'ed25519_sign_begin', args: [{ io: 96 }], writes: [{ offset: 96, bytes: seed }] })
    const update: Call = { name: 'ed25519_sign_update', args: [{ io: 256 }, msg.length], writes: [{ offset: 256, bytes: msg }] }
    const first = await send(1001, update)
    const again = await send(1001, update)
    expect(Buffer.compare(first.payload, again.payload)).toBe(0)
    expect(again.seq).toBe(1001)
    await send(1002, { name: 'ed25519_sign_commit', args: [] })
    await send(1003, update)
    const end = await send(1004, { name: 'ed25519_sign_end', args: [{ io: 0 }], reads: [{ offset: 0, length: 64 }] })
    const local = new LocalTarget()
    const want = await local.call({ name: 'ed25519_sign', args: [{ io: 96 }, { io: 256 }, msg.length, { io: 0 }], writes: [{ offset: 96, bytes: seed }, { offset: 256, bytes: msg }], reads: [{ offset: 0, length: 64 }] })
    expect(Buffer.from(end.payload.subarray(9)).toString('hex')).toBe(Buffer.from(want.reads[0]).toString('hex'))
    expect((await native.close()).code).toBe(0)
  })

  it('a pointer argument far outside the core\'s memory is the core\'s E_RANGE (-1), and the board answers on', async () => {
    const native = new NativeBoard({ image, eventKey: event.publicKey })
    const board = new BoardTarget(native.transport())
    const r = await board.call({ name: 'sha512', args: [0x7fffffff, 64, { io: 0 }] })
    expect(r.result).toBe(-1n)
    expect((await board.call({ name: 'io_cap', args: [] })).result).toBe(1536n)
    expect((await native.close()).code).toBe(0)
  })

  it('a trap is ERROR 6, and the next call runs on a fresh instance (its globals and memory made again)', async () => {
    // A tiny app: io, io_cap, memory_used, and a "sha512" that traps when its first argument is 0
    // and otherwise counts its calls in a mutable global.
    const leb = (n: number) => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b) } while (n); return o }
    const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body]
    const name = (s: string) => [s.length, ...new TextEncoder().encode(s)]
    const fn = (code: number[]) => [...leb(code.length + 1), 0, ...code]
    const wasm = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      ...section(1, [2, 0x60, 0, 1, 0x7f, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
      ...section(3, [4, 0, 0, 0, 1]),
      ...section(5, [1, 1, 1, 1]),
      ...section(6, [1, 0x7f, 1, 0x41, 0, 0x0b]),
      ...section(7, [5, ...name('io'), 0, 0, ...name('io_cap'), 0, 1, ...name('memory_used'), 0, 2, ...name('sha512'), 0, 3, ...name('memory'), 2, 0]),
      ...section(10, [4, ...fn([0x41, ...leb(1024), 0x0b]), ...fn([0x41, ...leb(256), 0x0b]), ...fn([0x41, ...leb(2048), 0x0b]),
        ...fn([0x20, 0, 0x45, 0x04, 0x40, 0x00, 0x0b, 0x23, 0, 0x41, 1, 0x6a, 0x24, 0, 0x23, 0, 0x0b])])])
    await new WebAssembly.Module(wasm) // a valid module
    const native = new NativeBoard({ image: makeImage(wasm, event.secretKey), eventKey: event.publicKey })
    const board = new BoardTarget(native.transport())
    const count = { name: 'sha512', args: [1, 0, 0] }
    expect((await board.hello()).ioCap).toBe(256)
    expect((await board.call(count)).result).toBe(1n)
    expect((await board.call(count)).result).toBe(2n)
    await expect(board.call({ name: 'sha512', args: [0, 0, 0] })).rejects.toThrow(/the core trapped.*unreachable/)
    expect((await board.call(count)).result).toBe(1n) // a fresh instance: the global starts again
    expect((await native.close()).code).toBe(0)
  })

  it('on a pty, through serialport, as picobadge test --port /dev/pts/N does', async () => {
    const native = new NativeBoard({ image, eventKey: event.publicKey, serial: 'pty' })
    try {
      expect(await native.ready).toBeUndefined()
      expect(native.ptyPath).toMatch(/^\/dev\/pts\/\d+$/)
      const board = new BoardTarget(await serialTransport(native.ptyPath!), { timeoutMs: 5000 })
      try {
        expect((await board.hello()).board).toContain('picobadge-native')
        const r = await compare(board, new LocalTarget(), buildVectors(2).slice(0, 40))
        expect(r.differences).toEqual([])
      } finally { await board.close() }
    } finally {
      await native.kill('SIGTERM')
      await native.close()
    }
  })
})
