// The badge issue's figures (the simulator's speed is bench/sim-scale.mjs's, one process per size):
//   - reconciliation traffic: bytes on air to sync two badges whose chain
//     sets differ in k of n = 1,000 chains, against sending every head
//     (owner, height, head signature) — target at least 10× less at k = 1.
// A badge holds at most 128 chains, so the traffic rows use a
// benchmark-only build of the same sources with the chain, block and state
// tables raised to 1,024 / 2,048 / 1,024, on 256 sectors (build/bench-core-1024.wasm).
// Exports run(); also runnable alone: `node bench/mesh.mjs` (after a build).

import { spawnSync } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sync } from '../dist/host/sim/pipe.js'
import { Badge } from '../dist/host/badge.js'
import { NorFlash } from '../dist/host/nor-flash.js'
import { cborEncode } from '../dist/host/cbor.js'
import * as PB from '../dist/host/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const T0 = 1_760_000_000_000

/**
 * The core with 1,024-chain tables, compiled from a copy of assembly/ with
 * the capacities of assembly/profile.ts raised: chains and objects to 1,024,
 * blocks to 2,048, and the sectors to 256 for the 1 MiB flash region below.
 * Fails when a line it patches has changed, instead of measuring the wrong build.
 */
export function bigCore () {
  const src = `${root}build/bench-src`
  rmSync(src, { recursive: true, force: true })
  cpSync(`${root}assembly`, `${src}/assembly`, { recursive: true })
  const edits = [
    ['export const MAX_CHAINS: i32 = 128;', 'export const MAX_CHAINS: i32 = 1024;'],
    ['export const MAX_BLOCKS: i32 = 1024;', 'export const MAX_BLOCKS: i32 = 2048;'],
    ['export const MAX_SECTORS: i32 = 64;', 'export const MAX_SECTORS: i32 = 256;'],
    ['export const MAX_OBJECTS: i32 = 128;', 'export const MAX_OBJECTS: i32 = 1024;']
  ]
  const p = `${src}/assembly/profile.ts`
  let s = readFileSync(p, 'utf8')
  for (const [from, to] of edits) {
    const lines = s.split('\n').filter(l => l.startsWith(from))
    if (lines.length !== 1) throw new Error(`bench core: assembly/profile.ts has ${lines.length} lines starting "${from}" (want exactly one)`)
    s = s.replace(from, to)
  }
  writeFileSync(p, s)
  const out = `${root}build/bench-core-1024.wasm`
  // The badge profile's sources with bigger tables: 16 pages hold them. The
  // text file is named too: otherwise asc takes asconfig.json's, and the
  // bench build would overwrite build/core.wat.
  const asc = spawnSync(`${root}node_modules/.bin/asc`, [`${src}/assembly/index.ts`, '--runtime', 'stub', '-O3', '--noAssert',
    '--initialMemory', '16', '--maximumMemory', '16', '--outFile', out, '--textFile', out.replace(/\.wasm$/, '.wat')], { cwd: root, encoding: 'utf8' })
  if (asc.status !== 0) throw new Error(`asc: ${asc.stderr}`)
  return new WebAssembly.Module(readFileSync(out))
}

/** Two badges of the big build holding the same n chains, except k that only the first holds. */
function reconciliation (module, n, k, blocks) {
  const mk = (seed) => new Badge({ module, flash: new NorFlash({ sectorSize: 4096, wordSize: 4, size: 1 << 20 }), entropy: b => b.fill(seed) }).init(0, T0)
  const a = mk(1); const b = mk(2)
  const give = (x, bytes) => {
    const c = x.core
    c.put(256, bytes)
    const rc = c.x.engine_dispatch(c.io + 256, bytes.length, BigInt(T0))
    if (rc !== 1) throw new Error(`bench: block refused (${rc})`)
  }
  blocks.slice(0, n).forEach((bytes, i) => { give(a, bytes); if (i >= k) give(b, bytes) })
  a.drain(); b.drain()
  // A link fetches at most 16 chains (docs/SYNC.md): badges that differ in more meet again, as they would in the mesh.
  let total = 0
  let rounds = 0
  let t = 1000
  while (b.chains().length < n && rounds < 20) {
    const r = sync(a, b, { mtu: 247, t })
    total += r.bytes[0] + r.bytes[1]
    t = r.t + 1000
    rounds++
  }
  if (b.chains().length !== n) throw new Error(`bench: sync left ${b.chains().length} of ${n} chains`)
  const blockBytes = blocks.slice(0, k).reduce((s, x) => s + x.length, 0)
  // The naive protocol: one side lists every chain's owner, height and head signature, then the k blocks follow.
  const heads = n * (32 + 4 + 64)
  const naive = heads + Math.ceil(heads / 243) + blockBytes
  return { n, k, rounds, total, reconciliation: total - blockBytes, naive, ratio: naive / total }
}

export async function run () {
  const module = bigCore()
  const blocks = []
  for (let i = 0; i < 1000; i++) {
    const f = new PB.Feed()
    const sk = PB.toHex(new Uint8Array(32).map((_, j) => j === 0 ? i & 255 : j === 1 ? i >> 8 : j + 1))
    f.append(cborEncode(['cards', { name: `badge ${i}` }, T0 - 1000]), sk)
    blocks.push(Uint8Array.from(f.buffer.subarray(4)))
  }
  const traffic = [1, 10, 100].map(k => reconciliation(module, 1000, k, blocks))
  return { traffic }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { traffic } = await run()
  for (const t of traffic) console.log(`k=${t.k} of n=${t.n}: ${t.total} bytes in ${t.rounds} link(s) (reconciliation ${t.reconciliation}), every head ${t.naive}, ${t.ratio.toFixed(1)}× less`)
}
