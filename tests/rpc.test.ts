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

function simulated (opts: SimBoardOptions = {}, timeoutMs = 1000): BoardTarget {
  const [host, device] = transportPair()
  void new SimulatedBoard(device, opts)
  return new BoardTarget(host, { timeoutMs, retries: 3 })
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
    const flaky = simulated({ corruptReply: 2 }, 100)
    await flaky.hello()
    const r = await compare(flaky, new LocalTarget(), buildVectors(5).slice(0, 5))
    expect(r.differences).toEqual([])
    const silent = simulated({ silentAfter: 1 }, 30)
    await silent.hello()
    await expect(silent.call({ name: 'io', args: [] })).rejects.toThrow(/no answer from the board after 4 tries/)
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
