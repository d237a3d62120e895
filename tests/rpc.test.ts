// The board test RPC (docs/RPC.md) against a simulated board that follows
// the document: framing, retries, refusals, and the comparison of the
// shared vectors between the board and Node.

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { slipEncode, SlipDecoder } from '../host/slip.js'
import { encodeFrame, decodeFrame, RpcError, T_ENROL, T_STATUS } from '../host/rpc/frames.js'
import { askIdentity, askStatus, beaconVerdict, enrolVerdict, handOverBeacon, handOverCert, onBoard, Requester, statusGroups, statusRefusal } from '../host/rpc/hand-over.js'
import { Badge } from '../host/badge.js'
import { newKey } from '../host/keyfile.js'
import { enrolCert } from '../host/enrol.js'
import { beaconSign } from '../host/beacon.js'
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

describe('IDENTITY, STATUS, ENROL and BEACON from the host (host/rpc/hand-over.ts)', () => {
  const cert = new Uint8Array(64).fill(7)
  const beacon = new Uint8Array(72)
  const key = (b: number) => new Uint8Array(32).fill(b)

  it('a board whose badge does not run answers -73, and the line says to restart it', async () => {
    const board = simulated()
    const r = await handOverCert(board, cert)
    expect(r.code).toBe(-73)
    expect(enrolVerdict(r, key(1), key(2))).toEqual({ ok: false, line: expect.stringMatching(/its badge is not running .*restart the board/) })
    const b = await handOverBeacon(board, beacon)
    expect(b.code).toBe(-73)
    expect(beaconVerdict(b, beacon, key(2)).ok).toBe(false)
    expect((await askIdentity(board)).code).toBe(-73)
    expect(await askStatus(board)).toEqual({ code: -73 })
    expect(statusRefusal(-73)).toMatch(/its badge is not running .*restart the board/)
    await expect(board.request(T_ENROL, cert.subarray(1))).rejects.toThrow(/malformed request/)
    await expect(board.request(T_STATUS, cert.subarray(0, 1))).rejects.toThrow(/malformed request/)
  })

  it('a board running a badge answers from it (its key, its status, the cert and beacon it takes) until a HELLO stops it', async () => {
    const event = newKey('event-key')
    let local = 1_000
    const badge = new Badge().init(local)
    badge.eventKey(event.publicKey)
    const { board, device } = simulatedPair({ running: { badge, eventKey: event.publicKey, clock: () => local } })
    const id = await askIdentity(board)
    expect(id.code).toBe(0)
    expect(Buffer.from(id.badge).equals(Buffer.from(badge.identity()))).toBe(true)
    const fresh = await askStatus(board)
    expect(fresh).toEqual({ code: 0, status: badge.status(local) })
    expect(statusGroups(fresh.status!).map(([k]) => k)).toEqual(['mesh clock', 'chains', 'blocks', 'links', 'bytes', 'its key'])
    expect((await handOverCert(board, enrolCert(event.secretKey, id.badge))).code).toBe(1)
    local += 1_000
    const t = 1_900_000_000_000
    const b = await handOverBeacon(board, beaconSign(event.secretKey, t))
    expect(b.code).toBe(1)
    expect(b.meshTime).toBeGreaterThanOrEqual(BigInt(t))
    badge.post('cards', { name: 'Ada' }, local += 1_000)
    const after = (await askStatus(board)).status!
    expect(after).toMatchObject({ chains: 1, clockJumps: fresh.status!.clockJumps + 1 })
    expect(after.meshTime).toBeGreaterThanOrEqual(t)
    await board.hello() // test mode: the badge's requests answer -73 from here on; its key is still its key
    expect(device.testMode).toBe(true)
    expect(await askStatus(board)).toEqual({ code: -73 })
    expect((await handOverCert(board, enrolCert(event.secretKey, id.badge))).code).toBe(-73)
    expect((await handOverBeacon(board, beaconSign(event.secretKey, t + 1))).code).toBe(-73)
    expect((await askIdentity(board)).code).toBe(0)
  })

  it('a second session handing the same beacon is answered afresh ("not newer"), not from the board\'s retry cache', async () => {
    const event = newKey('event-key')
    const badge = new Badge().init(1_000)
    badge.eventKey(event.publicKey)
    const [host, end] = transportPair()
    const device = new SimulatedBoard(end, { running: { badge, eventKey: event.publicKey, clock: () => 2_000 } })
    const beacon = beaconSign(event.secretKey, 1_900_000_000_000)
    // Two desk runs one after the other: each a new BoardTarget on the same port.
    expect((await handOverBeacon(new BoardTarget(host, { timeoutMs: 1000 }), beacon)).code).toBe(1)
    expect((await handOverBeacon(new BoardTarget(host, { timeoutMs: 1000 }), beacon)).code).toBe(0)
    expect(device.testMode).toBe(false)
  })

  it('silence is "no board answered on PORT", one line; ERROR 1 is firmware older than the request', async () => {
    const silent = simulated({ silentAfter: 0 }, 20)
    const open = (board: Requester) => async () => ({ board, close: async () => {} })
    await expect(onBoard(open(silent), '/dev/ttyX', 'ENROL', b => handOverCert(b, cert))).rejects.toThrow(/^no board answered on \/dev\/ttyX: is a picobadge board there/)
    const old: Requester = { request: async () => { throw new RpcError('the board refused the request: unknown request type', 1) } }
    await expect(onBoard(open(old), '/dev/ttyY', 'BEACON', b => handOverBeacon(b, beacon))).rejects.toThrow('the board on /dev/ttyY does not know BEACON: its firmware is older than this picobadge (flash a new build)')
    // A reply of the wrong size is the board's bug, said as such.
    const short: Requester = { request: async () => new Uint8Array(10) }
    await expect(handOverCert(short, cert)).rejects.toThrow(/ENROL reply is 10 bytes, not 68/)
    await expect(handOverBeacon(short, beacon)).rejects.toThrow(/BEACON reply is 10 bytes, not 44/)
    await expect(askStatus(short)).rejects.toThrow(/STATUS reply is 10 bytes, not 84/)
  })

  it('says why a cert or a beacon was refused from what the board reported', () => {
    const me = key(1); const event = key(2)
    const enrol = (code: number, badge = me, eventKey = event) => enrolVerdict({ code, badge, eventKey }, me, event)
    expect(enrol(1).ok && enrol(0).ok).toBe(true)
    expect(enrol(-76, key(9)).line).toMatch(/it is for badge 0101010101010101…, and this board is badge 0909090909090909…/)
    expect(enrol(-76, me, key(8)).line).toMatch(/it trusts event key 0808080808080808…, and the cert is signed by 0202020202020202…/)
    expect(enrol(-76).line).toMatch(/its signature does not verify/)
    expect(enrol(-77).line).toMatch(/posted before it was enrolled/)
    expect(enrol(-1003).line).toMatch(/firmware status -1003; the core trapped/)
    const t = new Uint8Array(72); new DataView(t.buffer).setBigUint64(0, 1_700_000_000_000n, true)
    const bv = (code: number, eventKey = event) => beaconVerdict({ code, meshTime: 1_700_000_001_000n, eventKey }, t, event)
    expect(bv(1)).toEqual({ ok: true, line: 'the badge kept the beacon of 2023-11-14T22:13:20.000Z: its mesh clock reads 2023-11-14T22:13:21.000Z' })
    expect(bv(0)).toEqual({ ok: false, line: 'the board refused the beacon (0): 2023-11-14T22:13:20.000Z is not newer than the beacon it holds; its mesh clock reads 2023-11-14T22:13:21.000Z' })
    expect(bv(-75, key(8)).line).toMatch(/it trusts event key 0808080808080808…, and the beacon is signed by 0202020202020202…/)
    expect(bv(-75).line).toMatch(/does not verify under the board's event key/)
  })
})
