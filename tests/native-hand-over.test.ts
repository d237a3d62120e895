// ENROL and BEACON (docs/RPC.md) on the native board: the firmware's C under
// real WAMR hands a cert or a time beacon to the RUNNING badge and answers
// with the core's code. A cert for this badge, signed by its event key,
// founds its chain (the genesis is the enrol block); a cert for another
// badge or by another key is refused (-76) and changes nothing; a beacon
// moves the mesh clock; a stale one is refused (0), a forged one (-75).
// STATUS reads the running badge's status at the board's own clock: what
// it holds (chains, counters, the mesh clock) without stopping it.
// `picobadge enrol|beacon|status --port` say so on a pty, as on a USB port.

import { describe, it, expect } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NativeBoard, NativeVariant } from '../host/native/board.js'
import { BoardTarget } from '../host/rpc/board.js'
import { serialTransport } from '../host/rpc/transport.js'
import { askIdentity, askStatus, handOverCert, handOverBeacon, enrolVerdict, beaconVerdict } from '../host/rpc/hand-over.js'
import { coreWasmPath } from '../host/core.js'
import { makeImage } from '../host/image.js'
import { newKey, writeKeyFile } from '../host/keyfile.js'
import { enrolCert } from '../host/enrol.js'
import { beaconSign } from '../host/beacon.js'
import { actionBytes } from '../host/badge.js'
import { toHex } from '../host/bytes.js'
import { T_ENROL, T_BEACON, T_IDENTITY, T_STATUS, RpcError } from '../host/rpc/frames.js'
import { Rng } from './support/rng.js'
import { fuzzing } from './support/fuzz.js'

const event = newKey('event-key')
const stranger = newKey('event-key') // another event's key: its certs and beacons are forgeries here
const image = makeImage(readFileSync(coreWasmPath()), event.secretKey)
const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
const DAY = 86_400_000

function board (variant: NativeVariant = 'classic'): { native: NativeBoard, rpc: BoardTarget } {
  const native = new NativeBoard({ image, eventKey: event.publicKey, variant })
  return { native, rpc: new BoardTarget(native.transport(), { timeoutMs: 5000 }) }
}

/**
 * Ends the hand-over part (HELLO: test mode from here on), posts one card through the core as the badge
 * would (badge_action), and reads the badge's own chain: its length and its genesis block's bytes.
 */
async function postAndReadChain (rpc: BoardTarget, me: Uint8Array): Promise<{ length: number, genesis: Uint8Array }> {
  const hello = await rpc.hello()
  const action = actionBytes('cards', { name: 'Ada' })
  const local = 10_000_000 // the core's local time only grows: past the board's boot-relative clock so far
  const posted = await rpc.call({ name: 'badge_action', args: [{ io: 256 }, action.length, local], writes: [{ offset: 256, bytes: action }] })
  expect(posted.result).toBe(1n)
  const cap = hello.ioCap - 256
  // The chain's blocks from height h on: a u32 byte count, then the blocks. From 1 they are the genesis and then what from 2 gives.
  const load = async (h: number) => {
    const r = await rpc.call({ name: 'store_load', args: [{ io: 0 }, h, { io: 256 }, cap], writes: [{ offset: 0, bytes: me }], reads: [{ offset: 256, length: cap }] })
    const bytes = r.reads[0]
    return { count: Number(r.result), blocks: bytes.slice(4, 4 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)) }
  }
  const all = await load(1)
  const rest = await load(2)
  expect(all.count).toBe(rest.count + 1)
  expect(Buffer.from(all.blocks.subarray(all.blocks.length - rest.blocks.length)).equals(Buffer.from(rest.blocks))).toBe(true)
  return { length: all.count, genesis: all.blocks.slice(0, all.blocks.length - rest.blocks.length) }
}

const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).includes(Buffer.from(needle))

describe('ENROL on the running native badge', () => {
  it('refuses a cert for another badge and one by another key (-76), and neither reaches the chain; in test mode it answers -73', async () => {
    const { native, rpc } = board()
    try {
      const id = await askIdentity(rpc)
      expect(id.code).toBe(0)
      expect(toHex(id.eventKey)).toBe(toHex(event.publicKey))
      const me = id.badge
      const other = newKey('badge-key').publicKey
      const forOther = enrolCert(event.secretKey, other)
      const r1 = await handOverCert(rpc, forOther)
      expect(r1.code).toBe(-76)
      expect(toHex(r1.badge)).toBe(toHex(me))
      expect(enrolVerdict(r1, other, event.publicKey).line).toMatch(/it is for badge .* and this board is badge/)
      const forged = enrolCert(stranger.secretKey, me)
      const r2 = await handOverCert(rpc, forged)
      expect(r2.code).toBe(-76)
      expect(toHex(r2.badge)).toBe(toHex(me))
      expect(enrolVerdict(r2, me, stranger.publicKey).line).toMatch(/it trusts event key .* and the cert is signed by/)
      // Neither reached the chain: a post now founds it without an enrol block.
      const chain = await postAndReadChain(rpc, me)
      expect(chain.length).toBe(1)
      expect(contains(chain.genesis, forOther) || contains(chain.genesis, forged)).toBe(false)
      expect(contains(chain.genesis, new TextEncoder().encode('enrol'))).toBe(false)
      // Test mode (the HELLO above): the badge is stopped, and ENROL says so; its key is still its key.
      const r3 = await handOverCert(rpc, enrolCert(event.secretKey, me))
      expect(r3.code).toBe(-73)
      expect(toHex(r3.badge)).toBe(toHex(me))
      expect(enrolVerdict(r3, me, event.publicKey).line).toMatch(/not running/)
    } finally { expect((await native.close()).code, native.stderr).toBe(0) }
  })

  it('takes its own cert (1, and 1 again before the first post) without stopping the badge; the first post writes the enrol block as the genesis', async () => {
    const { native, rpc } = board()
    try {
      const me = (await askIdentity(rpc)).badge
      const cert = enrolCert(event.secretKey, me)
      const r = await handOverCert(rpc, cert)
      expect(r.code).toBe(1)
      expect(enrolVerdict(r, me, event.publicKey)).toEqual({ ok: true, line: expect.stringMatching(/took the cert: its first post founds its chain/) })
      expect((await handOverCert(rpc, cert)).code).toBe(1) // the chain is still empty: taken again, no harm
      const chain = await postAndReadChain(rpc, me)
      expect(chain.length).toBe(2) // the enrol block, then the card
      expect(contains(chain.genesis, cert)).toBe(true)
      expect(contains(chain.genesis, new TextEncoder().encode('enrol'))).toBe(true)
    } finally { expect((await native.close()).code, native.stderr).toBe(0) }
  })

  it('refuses a cert once the chain started without one (-77)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-hand-over-'))
    try {
      const flash = join(dir, 'flash.bin')
      const first = new NativeBoard({ image, eventKey: event.publicKey, flash })
      const rpc1 = new BoardTarget(first.transport(), { timeoutMs: 5000 })
      const me = (await askIdentity(rpc1)).badge
      await postAndReadChain(rpc1, me) // a card before any cert
      expect((await first.close()).code).toBe(0)
      const again = new NativeBoard({ image, eventKey: event.publicKey, flash }) // the same badge, running again
      const rpc2 = new BoardTarget(again.transport(), { timeoutMs: 5000 })
      const r = await handOverCert(rpc2, enrolCert(event.secretKey, me))
      expect(r.code).toBe(-77)
      expect(enrolVerdict(r, me, event.publicKey).line).toMatch(/posted before it was enrolled/)
      expect((await again.close()).code).toBe(0)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})

describe('STATUS on the running native badge', () => {
  it('a fresh badge holds nothing; after a post (and a restart from its flash) it holds its chain; in test mode STATUS answers -73', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-status-'))
    try {
      const flash = join(dir, 'flash.bin')
      const first = new NativeBoard({ image, eventKey: event.publicKey, flash })
      const rpc1 = new BoardTarget(first.transport(), { timeoutMs: 5000 })
      const fresh = await askStatus(rpc1)
      expect(fresh.code).toBe(0)
      expect(fresh.status).toMatchObject({ chains: 0, blocksReceived: 0, blocksSent: 0, linksUp: 0, newIdentity: true })
      const me = (await askIdentity(rpc1)).badge
      expect((await askStatus(rpc1)).code).toBe(0) // the badge still runs: STATUS is no HELLO
      await postAndReadChain(rpc1, me) // test mode from here on
      expect(await askStatus(rpc1)).toEqual({ code: -73 })
      expect((await first.close()).code, first.stderr).toBe(0)
      const again = new NativeBoard({ image, eventKey: event.publicKey, flash }) // the same badge, running again
      const rpc2 = new BoardTarget(again.transport(), { timeoutMs: 5000 })
      const after = await askStatus(rpc2)
      expect(after.code).toBe(0)
      expect(after.status).toMatchObject({ chains: 1, newIdentity: false })
      expect(after.status!.fingerprint).not.toBe(fresh.status!.fingerprint) // the chain set changed
      expect((await again.close()).code, again.stderr).toBe(0)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('after a kept beacon the mesh clock reads at least its time and counts one adjustment', async () => {
    const { native, rpc } = board()
    try {
      const before = (await askStatus(rpc)).status!
      const t1 = Date.now() + DAY
      expect(before.meshTime).toBeLessThan(t1)
      expect((await handOverBeacon(rpc, beaconSign(event.secretKey, t1))).code).toBe(1)
      const after = (await askStatus(rpc)).status!
      expect(after.meshTime).toBeGreaterThanOrEqual(t1)
      expect(after.meshTime).toBeLessThan(t1 + DAY)
      expect(after.clockJumps).toBe(before.clockJumps + 1)
    } finally { expect((await native.close()).code, native.stderr).toBe(0) }
  })
})

describe('BEACON on the running native badge', () => {
  it('a beacon moves the mesh clock; a stale one is refused (0), a forged or tampered one (-75), and neither moves it', async () => {
    const { native, rpc } = board()
    try {
      const t1 = Date.now() + DAY // ahead of anything the badge's clock could read on its own
      const b1 = beaconSign(event.secretKey, t1)
      const r1 = await handOverBeacon(rpc, b1)
      expect(r1.code).toBe(1)
      expect(r1.meshTime).toBeGreaterThanOrEqual(BigInt(t1))
      expect(r1.meshTime).toBeLessThan(BigInt(t1 + DAY)) // jumped to the beacon, not past it
      expect(beaconVerdict(r1, b1, event.publicKey).ok).toBe(true)

      const stale = beaconSign(event.secretKey, t1 - 60_000)
      const r2 = await handOverBeacon(rpc, stale)
      expect(r2.code).toBe(0)
      expect(r2.meshTime).toBeGreaterThanOrEqual(BigInt(t1))
      expect(beaconVerdict(r2, stale, event.publicKey).line).toMatch(/not newer than the beacon it holds/)

      const forged = beaconSign(stranger.secretKey, t1 + 5 * DAY)
      const r3 = await handOverBeacon(rpc, forged)
      expect(r3.code).toBe(-75)
      expect(r3.meshTime).toBeLessThan(BigInt(t1 + DAY))
      expect(beaconVerdict(r3, forged, stranger.publicKey).line).toMatch(/it trusts event key .* signed by/)
      const tampered = beaconSign(event.secretKey, t1 + 5 * DAY)
      tampered[8 + 10] ^= 1 // a bit of the signature
      const r4 = await handOverBeacon(rpc, tampered)
      expect(r4.code).toBe(-75)
      expect(r4.meshTime).toBeLessThan(BigInt(t1 + DAY))
      expect(beaconVerdict(r4, tampered, event.publicKey).line).toMatch(/does not verify/)

      const t2 = t1 + 2 * DAY
      const r5 = await handOverBeacon(rpc, beaconSign(event.secretKey, t2))
      expect(r5.code).toBe(1)
      expect(r5.meshTime).toBeGreaterThanOrEqual(BigInt(t2))
      // The badge kept running through all of it: a HELLO is what stops it.
      const st = await rpc.call({ name: 'badge_status', args: [{ io: 0 }, 10_000_000], reads: [{ offset: 0, length: 80 }] })
      expect(new DataView(st.reads[0].buffer).getBigUint64(64, true)).toBeGreaterThanOrEqual(BigInt(t2))
    } finally { expect((await native.close()).code, native.stderr).toBe(0) }
  })
})

describe('the running badge\'s requests, fuzzed (seeded: the line to replay a failure is printed)', () => {
  const { SEED, CASES } = fuzzing('tests/native-hand-over.test.ts', 1219, 150)
  it(`IDENTITY, ENROL, BEACON and STATUS of any length and bytes: the right size is answered with a code the document lists, any other is ERROR 2; nothing is taken, and the badge runs on (seed ${SEED})`, async () => {
    const { native, rpc } = board()
    try {
      const me = await askIdentity(rpc)
      const rng = new Rng(SEED)
      const sizes: Record<number, number> = { [T_ENROL]: 64, [T_BEACON]: 72, [T_IDENTITY]: 0, [T_STATUS]: 0 }
      let answered = 0
      for (let i = 0; i < CASES; i++) {
        const type = rng.pick([T_ENROL, T_BEACON, T_IDENTITY, T_STATUS])
        // Half the time the right size (random bytes: no valid signature), else any size a frame could carry.
        const len = rng.int(2) === 0 ? sizes[type] : rng.logInt(1, 300) - (rng.int(2) ? 1 : 0)
        const payload = rng.bytes(len)
        let reply: Uint8Array
        try { reply = await rpc.request(type, payload) } catch (e) {
          expect(e, `case ${i}: type ${type}, ${len} bytes`).toBeInstanceOf(RpcError)
          expect((e as RpcError).code, `case ${i}: type ${type}, ${len} bytes`).toBe(2)
          expect(len).not.toBe(sizes[type])
          continue
        }
        expect(len, `case ${i}: type ${type} answered`).toBe(sizes[type])
        answered++
        const code = new DataView(reply.buffer, reply.byteOffset).getInt32(0, true)
        if (type === T_ENROL) expect(code, `case ${i}`).toBe(-76) // no signature of the event key's in random bytes
        if (type === T_BEACON) expect([0, -75], `case ${i}: ${code}`).toContain(code) // 0 only for a time not after the held one
        if (type === T_IDENTITY) expect(toHex(reply.subarray(4, 36))).toBe(toHex(me.badge))
        if (type === T_STATUS) expect([code, reply.length, new DataView(reply.buffer, reply.byteOffset).getUint32(4 + 28, true)], `case ${i}`).toEqual([0, 84, 0]) // no chain taken
      }
      expect(answered).toBeGreaterThan(CASES / 4)
      // Still running, still the same badge, and no cert taken: a post founds the chain alone.
      const after = await askIdentity(rpc)
      expect(after.code).toBe(0)
      expect(toHex(after.badge)).toBe(toHex(me.badge))
      const chain = await postAndReadChain(rpc, me.badge)
      expect(chain.length).toBe(1)
    } finally { expect((await native.close()).code, native.stderr).toBe(0) }
  })
})

describe('under AddressSanitizer and UBSan', () => {
  for (const variant of ['asan', 'asan-fast'] as const) {
    it(`${variant}: IDENTITY, a refused and a taken cert, a kept and a forged beacon, STATUS, test mode: the same codes, no report`, async () => {
      const { native, rpc } = board(variant)
      const me = await askIdentity(rpc)
      const codes = [me.code, (await handOverCert(rpc, enrolCert(event.secretKey, new Uint8Array(32)))).code, (await handOverCert(rpc, enrolCert(event.secretKey, me.badge))).code,
        (await handOverBeacon(rpc, beaconSign(event.secretKey, Date.now() + DAY))).code, (await handOverBeacon(rpc, beaconSign(stranger.secretKey, Date.now() + 2 * DAY))).code,
        (await askStatus(rpc)).code]
      await rpc.hello()
      codes.push((await handOverCert(rpc, enrolCert(event.secretKey, me.badge))).code, (await askStatus(rpc)).code)
      expect(codes).toEqual([0, -76, 1, 1, -75, 0, -73, -73])
      expect((await native.close()).code, native.stderr).toBe(0)
      expect(native.stderr).not.toMatch(/runtime error|AddressSanitizer|LeakSanitizer/)
    })
  }
})

/** Runs the CLI; its exit code and output. */
function run (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', b => { stdout += b })
    child.stderr.on('data', b => { stderr += b })
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

describe('picobadge enrol|beacon|status --port, on a pty', () => {
  it('hands the cert and the beacon to the running board and prints its answer; a refusal is one line and exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-hand-over-cli-'))
    const native = new NativeBoard({ image, eventKey: event.publicKey, serial: 'pty' })
    try {
      writeKeyFile(join(dir, 'event.key'), event)
      writeKeyFile(join(dir, 'other.key'), stranger)
      expect(await native.ready).toBeUndefined()
      const port = native.ptyPath!
      const other = toHex(newKey('badge-key').publicKey)
      const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split('\n')).toHaveLength(1)
      const wrong = await run(['enrol', '--key', join(dir, 'event.key'), '--badge', other, '--port', port])
      expect(wrong.code, wrong.stderr).toBe(1)
      expect(wrong.stderr).toMatch(/^picobadge enrol: the board refused the cert \(-76\): it is for badge [0-9a-f]{16}…, and this board is badge [0-9a-f]{16}…$/m)
      oneLine(wrong)
      const forged = await run(['enrol', '--key', join(dir, 'other.key'), '--port', port])
      expect(forged.code, forged.stderr).toBe(1)
      expect(forged.stderr).toMatch(/\(-76\): it trusts event key [0-9a-f]{16}…, and the cert is signed by/)
      oneLine(forged)
      // Without --badge the desk asks the board which badge it is, signs for that key, and hands it over.
      const ok = await run(['enrol', '--key', join(dir, 'event.key'), '--port', port, '--out', join(dir, 'a.cert')])
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stdout).toMatch(/took the cert: its first post founds its chain with the enrol block/)
      expect(readFileSync(join(dir, 'a.cert'))).toHaveLength(64)

      const ahead = await run(['beacon', '--key', join(dir, 'event.key'), '--time', String(Date.now() + DAY), '--port', port])
      expect(ahead.code, ahead.stderr).toBe(0)
      expect(ahead.stdout).toMatch(/the badge kept the beacon of .*: its mesh clock reads/)
      const stale = await run(['beacon', '--key', join(dir, 'event.key'), '--time', String(Date.now()), '--port', port])
      expect(stale.code).toBe(1)
      expect(stale.stderr).toMatch(/^picobadge beacon: the board refused the beacon \(0\): .* is not newer/)
      oneLine(stale)
      const fake = await run(['beacon', '--key', join(dir, 'other.key'), '--time', String(Date.now() + 3 * DAY), '--port', port])
      expect(fake.code).toBe(1)
      expect(fake.stderr).toMatch(/\(-75\): it trusts event key/)
      oneLine(fake)

      // What the badge holds now, while it runs: the clock the kept beacon set; the same as JSON.
      const status = await run(['status', '--port', port])
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toMatch(/^mesh clock {2}\d{4}-\d\d-\d\dT.* ms\) · 1 adjustments$/m)
      expect(status.stdout).toMatch(/^chains {6}0 held · 0 evicted · digest [0-9a-f]{16}$/m)
      const json = await run(['status', '--port', port, '--json'])
      expect(json.code, json.stderr).toBe(0)
      expect(JSON.parse(json.stdout)).toMatchObject({ chains: 0, clockJumps: 1, newIdentity: true })
      expect(JSON.parse(json.stdout).meshTime).toBeGreaterThan(Date.now() + DAY / 2)
      // The second run asked with the same bytes as the first (a new session numbers from the same start):
      // the board read the status afresh, so its clock is later than the first run's, not the cached answer.
      expect(JSON.parse(json.stdout).meshTime).toBeGreaterThan(Number(/\((\d+) ms\)/.exec(status.stdout)![1]))
      // A HELLO (as picobadge test sends) puts the board in test mode: no running badge, no status; exit 1, one line.
      const t = new BoardTarget(await serialTransport(port, 115200), { timeoutMs: 5000 })
      await t.hello()
      await t.close()
      const stopped = await run(['status', '--port', port])
      expect(stopped.code).toBe(1)
      expect(stopped.stderr).toMatch(/^picobadge status: the board on .* answered no status: its badge is not running \(a HELLO or CALL put it in test mode/)
      oneLine(stopped)
    } finally {
      await native.kill('SIGTERM')
      await native.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
