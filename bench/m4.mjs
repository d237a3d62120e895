#!/usr/bin/env node
// The on-board figures of `npm run bench`: the Cortex-M4 board (boards/mps2,
// built by scripts/m4.mjs) under QEMU's mps2-an386 with -icount shift=0, so
// that one instruction is one nanosecond of virtual time and the CMSDK timer
// (25 MHz) counts 40 instructions a tick. The report build of the firmware
// prints, after each request, the ticks it took and its RAM high-water marks;
// the same requests run on build/core.wasm under Node/V8 (LocalTarget) for the
// figure beside it.
//
// One block verification: ed25519_verify over a picofeed block with a 100-byte
// body, as feed verification does for each block; the first by a new author
// (cold key) and then another block by the same author (the core's key cache).
// The ticks include the RPC's work on the request (SLIP, CRC, copying the
// window: measured with io_cap as "RPC floor" and subtracted).
//
//   node bench/m4.mjs [--json]      (after npm run build and node scripts/m4.mjs)

import { spawnSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildM4, m4Missing } from '../scripts/m4.mjs'
import { M4Board } from '../dist/host/m4/board.js'
import { BoardTarget } from '../dist/host/rpc/board.js'
import { LocalTarget } from '../dist/host/rpc/target.js'
import { serialTransport } from '../dist/host/rpc/transport.js'

const TICK_INSTRUCTIONS = 40 // 25 MHz timer, -icount shift=0: 1 ns per instruction
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

function author (seedByte) {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8, Buffer.alloc(32, seedByte)]), format: 'der', type: 'pkcs8' })
  return { key, pk: new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12)) }
}

/** A picofeed 8 block (SIG | varint size | 0 1 AUTHOR | body) as an ed25519_verify call. */
function verifyCall (a, n) {
  const body = Uint8Array.from({ length: 100 }, (_, j) => 1 + ((n * 31 + j * 7) % 255))
  const rest = Uint8Array.from([34 + body.length, 0, 1, ...a.pk, ...body])
  const sig = new Uint8Array(nodeSign(null, rest, a.key))
  return { name: 'ed25519_verify', args: [{ io: 0 }, { io: 64 }, { io: 256 }, rest.length], writes: [{ offset: 0, bytes: sig }, { offset: 64, bytes: a.pk }, { offset: 256, bytes: rest }] }
}

function sizes (elf) {
  const r = spawnSync('arm-none-eabi-size', ['-A', elf], { encoding: 'utf8' })
  const m = {}
  for (const line of r.stdout.split('\n')) { const f = /^(\.\S+)\s+(\d+)/.exec(line); if (f) m[f[1]] = Number(f[2]) }
  const nm = spawnSync('arm-none-eabi-nm', ['-S', elf], { encoding: 'utf8' }).stdout
  const sym = (name) => { const f = new RegExp(`^([0-9a-f]+) ([0-9a-f]+) \\w ${name}$`, 'm').exec(nm); return f ? parseInt(f[2], 16) : 0 }
  return { text: m['.text'], appImage: m['.app_image'], data: m['.data'], bss: m['.bss'], stack: m['.stack'], pool: sym('pool'), appBuf: sym('app_buf') }
}

export async function run () {
  const missing = m4Missing()
  if (missing) return { skipped: missing }
  const built = await buildM4({ log: () => {} })
  const qemu = new M4Board({ elf: built.reportElf, icount: 0 })
  const reports = []
  let text = ''
  try {
    const board = new BoardTarget(await serialTransport(await qemu.ready), {
      timeoutMs: 60_000,
      retries: 0,
      console: (b) => {
        text += Buffer.from(b).toString('latin1')
        for (let i; (i = text.indexOf('\n')) >= 0; text = text.slice(i + 1)) {
          const m = /mps2-report: ticks=(\d+) pool_high=(-?\d+) pool=(\d+) stack_high=(\d+) stack=(\d+) linear_used=(\d+)/.exec(text.slice(0, i))
          if (m) reports.push({ ticks: Number(m[1]), poolHigh: Number(m[2]), pool: Number(m[3]), stackHigh: Number(m[4]), stack: Number(m[5]), linearUsed: Number(m[6]) })
        }
      }
    })
    // The request's report is the line after its reply. Console text reaches us only when the
    // next frame begins (SLIP), so a HELLO follows; of the lines between, the request's is the
    // largest (the others come from feeds that ran nothing: a HELLO, a lone SLIP END).
    const measured = async (call) => {
      await board.call(call)
      const n = reports.length
      await board.hello()
      if (reports.length === n) throw new Error('the board printed no report after the request')
      return Math.max(...reports.slice(n).map(r => r.ticks))
    }
    await board.hello()
    const floor = await measured({ name: 'io_cap', args: [], writes: [{ offset: 0, bytes: new Uint8Array(64 + 32 + 137 + 159) }] })
    const a = author(7)
    const cold = await measured(verifyCall(a, 0))
    const warm = await measured(verifyCall(a, 1))
    const check = await board.call(verifyCall(a, 2))
    if (check.result !== 1n) throw new Error(`the board did not accept a valid block (ed25519_verify returned ${check.result})`)
    await board.close()
    // Node/V8: the same calls on build/core.wasm in this process.
    const local = new LocalTarget()
    const b = author(9)
    let t0 = process.hrtime.bigint()
    await local.call(verifyCall(b, 0))
    const v8Cold = Number(process.hrtime.bigint() - t0) / 1e3
    const calls = Array.from({ length: 200 }, (_, i) => verifyCall(b, i + 1))
    t0 = process.hrtime.bigint()
    for (const c of calls) await local.call(c)
    const v8Warm = Number(process.hrtime.bigint() - t0) / 1e3 / calls.length
    const last = reports[reports.length - 1]
    return {
      rpcFloorInstructions: floor * TICK_INSTRUCTIONS,
      coldInstructions: (cold - floor) * TICK_INSTRUCTIONS,
      warmInstructions: (warm - floor) * TICK_INSTRUCTIONS,
      v8ColdMicros: v8Cold,
      v8WarmMicros: v8Warm,
      poolHigh: last.poolHigh,
      pool: last.pool,
      stackHigh: last.stackHigh,
      stack: last.stack,
      linearMemory: 65536,
      linearUsed: last.linearUsed,
      elf: sizes(built.elf),
      image: readFileSync(built.image).length
    }
  } finally { await qemu.close() }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run()
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(r) + '\n' : JSON.stringify(r, null, 2) + '\n')
}
