// The board test RPC (docs/RPC.md) against a simulated board that follows
// the document: framing, retries, refusals, and the comparison of the
// shared vectors between the board and Node.

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { slipEncode, SlipDecoder } from '../host/slip.js'
import { encodeFrame, decodeFrame, RpcError } from '../host/rpc/frames.js'
import { transportPair } from '../host/rpc/transport.js'
import { SimulatedBoard, SimBoardOptions } from '../host/rpc/sim-board.js'
import { BoardTarget } from '../host/rpc/board.js'
import { LocalTarget } from '../host/rpc/target.js'
import { exportSignatures } from '../host/rpc/signatures.js'
import { buildVectors } from '../host/rpc/vectors.js'
import { compare } from '../host/rpc/compare.js'
import { instantiateCore } from '../host/core.js'
import { Rng } from './support/rng.js'
import { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR } from '../host/segment.js'

function simulated (opts: SimBoardOptions = {}, timeoutMs = 1000): BoardTarget {
  return simulatedPair(opts, timeoutMs).board
}

function simulatedPair (opts: SimBoardOptions = {}, timeoutMs = 1000): { board: BoardTarget, device: SimulatedBoard } {
  const [host, end] = transportPair()
  const device = new SimulatedBoard(end, opts)
  return { board: new BoardTarget(host, { timeoutMs, retries: 3 }), device }
}

/**
 * A module with the window exports and two more: `bump` counts up in a
 * global (so a fresh instance shows), `boom` traps. Assembled by hand: the
 * core itself never traps on any input.
 */
function trappingModule (): Uint8Array {
  const leb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b) } while (n); return o }
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body]
  const str = (s: string) => [s.length, ...Buffer.from(s)]
  const bodies = [
    [0x41, 0x80, 0x08, 0x0b], // io: 1024 (i32.const takes signed LEB128)
    [0x41, 0x80, 0x02, 0x0b], // io_cap: 256
    [0x41, 0x80, 0x10, 0x0b], // memory_used: 2048
    [0x23, 0x00, 0x41, 0x01, 0x6a, 0x24, 0x00, 0x23, 0x00, 0x0b], // bump
    [0x00, 0x0b] // boom: unreachable
  ]
  const names = ['io', 'io_cap', 'memory_used', 'bump', 'boom']
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]),
    ...section(3, [5, 0, 0, 0, 0, 0]),
    ...section(5, [1, 1, 1, 1]),
    ...section(6, [1, 0x7f, 1, 0x41, 0, 0x0b]),
    ...section(7, [6, ...str('memory'), 2, 0, ...names.flatMap((n, i) => [...str(n), 0, i])]),
    ...section(10, [5, ...bodies.flatMap(b => [...leb(b.length + 1), 0, ...b])])
  ])
}

describe('board RPC framing', () => {
  it('round-trips random frames through SLIP, across any split of the byte stream', () => {
    const rng = new Rng(7)
    for (let k = 0; k < 200; k++) {
      const payload = rng.bytes(rng.int(300))
      for (let i = 0; i < payload.length; i += 1 + rng.int(20)) payload[i] = rng.pick([0xc0, 0xdb, 0xdc, 0xdd])
      const frame = { type: 1 + rng.int(127), seq: rng.int(65536), payload }
      const wire = slipEncode(encodeFrame(frame))
      const got: Uint8Array[] = []
      const d = new SlipDecoder(f => got.push(f))
      for (let o = 0; o < wire.length;) { const n = 1 + rng.int(40); d.push(wire.subarray(o, o + n)); o += n }
      expect(got).toHaveLength(1)
      expect(decodeFrame(got[0])).toEqual(frame)
    }
  })

  it('drops frames with a bad CRC or bad escapes, and survives random bytes', () => {
    const f = encodeFrame({ type: 2, seq: 9, payload: Uint8Array.of(1, 2, 3) })
    f[4] ^= 1
    expect(decodeFrame(f)).toBeUndefined()
    const got: Uint8Array[] = []
    new SlipDecoder(f => got.push(f)).push(Uint8Array.of(0xc0, 1, 0xdb, 0x07, 2, 0xc0))
    expect(got).toEqual([])
    const rng = new Rng(8)
    const d = new SlipDecoder(fr => { decodeFrame(fr) })
    for (let k = 0; k < 500; k++) d.push(rng.bytes(rng.int(100)))
  })

  it('reads every export\'s parameter types from the module, as the board does', () => {
    const wasm = readFileSync(fileURLToPath(new URL('../build/core.wasm', import.meta.url)))
    const sigs = exportSignatures(wasm)
    expect(sigs.get('sha512')).toEqual(['i32', 'i32', 'i32'])
    expect(sigs.get('engine_mount')).toEqual(['i32', 'i32', 'i32', 'i64'])
    expect(sigs.get('badge_init')).toEqual(['i32', 'i32', 'i32', 'i64', 'i64'])
    const x = instantiateCore() as unknown as Record<string, unknown>
    for (const [name, params] of sigs) expect(params.length, name).toBe((x[name] as Function).length)
  })
})

describe('picobadge test against a simulated board (docs/RPC.md)', () => {
  it('runs the shared vectors on the board and in Node: they agree', async () => {
    const board = simulated()
    const hello = await board.hello()
    expect(hello).toMatchObject({ version: 1, board: 'simulated board' })
    const r = await compare(board, new LocalTarget(), buildVectors(3, { destructive: true }))
    expect(r.differences).toEqual([])
    expect(r.vectors).toBeGreaterThan(100)
    expect([...r.groups.keys()]).toContain('store and collector (destructive)')
  })

  it('says exactly where a board with a broken verifier differs', async () => {
    const board = simulated({ tamper: (name, result) => name === 'ed25519_verify' ? 1n : result })
    const r = await compare(board, new LocalTarget(), buildVectors(4))
    const groups = new Set(r.differences.map(d => d.vector.group))
    expect([...groups]).toEqual(['ed25519 verification'])
    expect(r.differences.some(d => /S \+ L/.test(d.vector.name))).toBe(true)
    expect(r.differences.every(d => !/^valid/.test(d.vector.name))).toBe(true)
    expect(r.differences[0].what).toMatch(/ed25519_verify returned 1 on board, 0 on node/)
  })

  it('retries a reply with a broken CRC, and gives up on a silent board with a clear error', async () => {
    // Timeouts here are the board's silence, never the test's speed: a broken CRC is retried
    // at once, and a busy machine must not turn a slow answer into a retry (or a failure).
    const flaky = simulated({ corruptReply: 2 })
    await flaky.hello()
    const r = await compare(flaky, new LocalTarget(), buildVectors(5).slice(0, 5))
    expect(r.differences).toEqual([])
    const silent = simulated({ silentAfter: 1 }, 1000) // 4 tries of 1 s: the hello before must not time out under load
    await silent.hello()
    await expect(silent.call({ name: 'io', args: [] })).rejects.toThrow(/no answer from the board after 4 tries/)
  })

  it('answers a retried request from the board\'s cache: a lost reply does not make store_write run twice', async () => {
    // Replies: 1 HELLO, 2 store_mount, 3 store_write (its CRC broken, so the host retries with the same sequence number).
    const { board, device } = simulatedPair({ corruptReply: 3 }) // with 100 ms, a reply late under load would be a retry, and a third call
    await board.hello()
    expect((await board.call({ name: 'store_mount', args: [4096, 4, 256 * 1024] })).result).toBe(0n)
    const seed = new Uint8Array(32).fill(7)
    const block = Uint8Array.from(createBlockSegment(new Uint8Array(sizeOfBlockSegment(3, [HDR_AUTHOR])), 0, Uint8Array.of(1, 2, 3), seed, [HDR_AUTHOR]))
    const write = await board.call({ name: 'store_write', args: [{ io: 256 }, block.length, 1n], writes: [{ offset: 256, bytes: block }] })
    expect(write.result).toBe(1n) // written once; run again it would say 0, already stored
    expect(device.calls).toBe(2)
    expect((await board.call({ name: 'store_write', args: [{ io: 256 }, block.length, 1n], writes: [{ offset: 256, bytes: block }] })).result).toBe(0n)
    expect(device.calls).toBe(3) // the same bytes under a new sequence number are a new request
  })

  it('agrees when both sides trap, and both go on with a fresh instance', async () => {
    const wasm = trappingModule()
    const { board } = simulatedPair({ wasm })
    const local = new LocalTarget(wasm)
    const calls = ['bump', 'bump', 'boom', 'bump'].map(name => ({ name, args: [] }))
    const r = await compare(board, local, [{ group: 'traps', name: 'bump, trap, bump', calls }])
    expect(r.differences).toEqual([])
    await expect(local.call({ name: 'boom', args: [] })).rejects.toMatchObject({ code: 6 })
    expect((await local.call({ name: 'bump', args: [] })).result).toBe(1n) // a new instance counts from 0
    await expect(board.call({ name: 'boom', args: [] })).rejects.toMatchObject({ code: 6 })
    expect((await board.call({ name: 'bump', args: [] })).result).toBe(1n)
    const differing = await compare(board, new LocalTarget(), [{ group: 'traps', name: 'trap on one side', calls: [{ name: 'io_cap', args: [] }] }])
    expect(differing.differences).toHaveLength(1) // 256 there, 1536 here
  })

  it('passes on the board\'s refusals: unknown export, wrong arity, ranges outside the window', async () => {
    const board = simulated()
    await expect(board.call({ name: 'rm_rf', args: [] })).rejects.toThrow(RpcError)
    await expect(board.call({ name: 'sha512', args: [1] })).rejects.toThrow(/wrong argument count/)
    await expect(board.call({ name: 'io', args: [], reads: [{ offset: 1530, length: 10 }] })).rejects.toThrow(/outside the I\/O window/)
    expect((await board.call({ name: 'io_cap', args: [] })).result).toBe(1536n) // 256 + BLOCK_MAX on a badge build
  })

  it('is what the command runs: exit 0 and a line per group', () => {
    const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
    const p = spawnSync(process.execPath, [cli, 'test', '--simulated-board', '--seed', '2'], { encoding: 'utf8' })
    expect(p.status, p.stderr).toBe(0)
    expect(p.stdout).toMatch(/agree {2}ed25519 verification: 60 vectors/)
    expect(p.stdout).toMatch(/(\d+) of \1 vectors agree/)
    expect(spawnSync(process.execPath, [cli, 'test'], { encoding: 'utf8' }).status).toBe(2)
  })
})
