// The store issue's figures, each side by side with its anchor in one run:
// block ingest (dispatch) and GC evictions against @telamon/picostore 3.0.4
// on memory-level; the timer wheel against a binary heap at 1M timers; and,
// on their own, write amplification on flash and the core's RAM footprint.
// Exports run(); also runnable alone: `node bench/store.mjs`.

import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Store, Memory } from '@telamon/picostore'
import { MemoryLevel } from 'memory-level'
import { encode } from 'cborg'
import * as PF from 'picofeed'
import { BadgeEngine } from '../dist/host/engine.js'
import { NorFlash, flashImports } from '../dist/host/nor-flash.js'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const root = fileURLToPath(new URL('..', import.meta.url))

class Cards extends Memory {
  async idOf ({ AUTHOR }) { return AUTHOR }
  async compute (value, { payload, date, reject }) {
    if (!payload || typeof payload.name !== 'string') return reject('BadName')
    if (value && date < value.updated) return reject('Stale')
    return { name: payload.name, updated: date }
  }

  async expiresAt (v) { return v.updated + HOUR }
}

function picostore () {
  const store = new Store(new MemoryLevel({ keyEncoding: 'view', valueEncoding: 'view' }))
  store.register('cards', Cards)
  return store
}

function engine (sectors = 64) {
  const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: sectors * 4096 })
  return { flash, engine: new BadgeEngine(flash.geometry, m => flashImports(flash, m)).mount(T0) }
}

/** authors × updates single-block patches, as a mesh delivers them. */
function workload (authors, updates, base = T0) {
  const patches = []
  const feeds = Array.from({ length: authors }, () => ({ ...PF.Feed.signPair(), feed: new PF.Feed() }))
  for (let u = 0; u < updates; u++) {
    for (const a of feeds) {
      a.feed.append(encode(['cards', { name: `badge-${u}` }, base + u * 1000]), a.sk)
      const p = a.feed.slice(-1)
      patches.push({ feed: p, bytes: Uint8Array.from(p.buffer) })
    }
  }
  return patches
}

async function timeAsync (fn) { const t = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t) / 1e9 }
function time (fn) { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e9 }

/**
 * Block ingest, two ways a badge receives blocks: one block at a time from
 * authors taking turns (gossip of fresh posts), and each chain's missing
 * run as one feed (what a sync delivers). Same blocks, same order per chain.
 */
async function ingest (perChain) {
  const patches = workload(40, 5) // 200 blocks, 40 chains
  let batches = patches.map(p => ({ feed: p.feed, bytes: p.bytes, blocks: 1 }))
  if (perChain) {
    const byOwner = new Map()
    for (const p of patches) { const k = PF.toHex(p.feed.first.key); byOwner.set(k, [...(byOwner.get(k) ?? []), p.feed.first]) }
    batches = [...byOwner.values()].map(bs => { const f = PF.feedFrom(bs, true); return { feed: f, bytes: Uint8Array.from(f.buffer), blocks: bs.length } })
  }
  const a = []; const b = []
  for (let r = 0; r < ROUNDS; r++) {
    const store = picostore(); await store.load()
    a.push(patches.length / await timeAsync(async () => { for (const p of batches) await store.dispatch(p.feed) }))
    const { engine: e } = engine()
    b.push(patches.length / time(() => { for (const p of batches) if (e.dispatch(p.bytes, T0 + 10_000) !== p.blocks) throw new Error('refused') }))
  }
  const how = perChain ? 'each chain as one feed (sync)' : 'one block at a time, 40 authors in turn (gossip)'
  return { title: `ingest: 200 blocks of 40 chains, ${how}`, anchor: median(a), ours: median(b), target: 20 }
}

/**
 * GC evictions: 100 expired chains per store, swept by one collector run.
 * One run of the core takes well under a millisecond, so each sample times
 * the runs of many engines back to back (and of a few picostores), which
 * keeps timer and JIT noise out of the ratio.
 */
async function evictions () {
  const patches = workload(100, 1) // 100 chains of one card each (the core's state table holds 128)
  const STORES = 3
  const ENGINES = 30
  const a = []; const b = []
  for (let r = 0; r < ROUNDS; r++) {
    const stores = []
    for (let k = 0; k < STORES; k++) {
      const store = picostore(); await store.load()
      for (const p of patches) await store.dispatch(p.feed)
      stores.push(store)
    }
    let gone = 0
    const ta = await timeAsync(async () => { for (const store of stores) gone += (await store.gc(T0 + 2 * HOUR)).length })
    if (gone !== STORES * patches.length) throw new Error(`picostore evicted ${gone}`)
    a.push(gone / ta)
    const engines = []
    for (let k = 0; k < ENGINES; k++) {
      const { engine: e } = engine()
      for (const p of patches) e.dispatch(p.bytes, T0 + 10_000)
      engines.push(e)
    }
    let ours = 0
    const tb = time(() => { for (const e of engines) ours += e.tick(T0 + 2 * HOUR) })
    if (ours !== ENGINES * patches.length) throw new Error(`core evicted ${ours}`)
    b.push(ours / tb)
  }
  return { title: 'GC: expired states swept and their chains evicted', anchor: median(a), ours: median(b), target: 100 }
}

function timers () {
  const out = `${root}build/bench-timers.wasm`
  const asc = spawnSync(`${root}node_modules/.bin/asc`, ['assembly/bench/timers.ts', '--runtime', 'stub', '-O3', '--noAssert',
    '--initialMemory', '1024', '--maximumMemory', '1024', '--outFile', out, '--textFile', out.replace(/wasm$/, 'wat')], { cwd: root, encoding: 'utf8' })
  if (asc.status !== 0) throw new Error(`asc: ${asc.stderr}`)
  const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), { env: { abort () { throw new Error('abort') } } }).exports
  const N = 1_000_000
  x.setup(N)
  const a = []; const b = []
  for (let r = 0; r < Math.max(3, ROUNDS - 2); r++) {
    let hs = 0n; let ws = 0n
    a.push(N / time(() => { hs = x.runHeap(N, BigInt(r + 1)) }))
    b.push(N / time(() => { ws = x.runWheel(N, BigInt(r + 1)) }))
    if (hs !== ws) throw new Error('timer wheel and heap disagree')
  }
  return { title: 'timers: 1M scheduled, 10% cancelled, all expired (wheel vs binary heap)', anchor: median(a), ours: median(b), target: 1, anchorName: 'binary heap' }
}

/** Flash bytes programmed per block byte stored, under a steady churn of chains. */
function amplification () {
  const { flash, engine: e } = engine(32)
  let stored = 0
  let now = T0
  for (let round = 0; round < 120; round++) {
    for (const p of workload(8, 3, now)) { if (e.dispatch(p.bytes, now + 5000) !== 1) throw new Error('refused'); stored += p.feed.last.blockSize }
    now += 20 * 60_000
    e.tick(now)
  }
  return { written: flash.stats.bytesProgrammed, stored, erases: flash.stats.erases, sectors: 32 }
}

export async function run () {
  const rows = [await ingest(false), await ingest(true), await evictions(), timers()].map(r => ({ ...r, ratio: r.ours / r.anchor }))
  const amp = amplification()
  const { engine: e } = engine()
  return { rows, amp, ram: e.core.x.memory_used() }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, amp, ram } = await run()
  for (const r of rows) console.log(`${r.title}: anchor ${r.anchor.toFixed(0)}/s, picobadge ${r.ours.toFixed(0)}/s, ${r.ratio.toFixed(1)}× (target ${r.target}×)`)
  console.log(`write amplification: ${(amp.written / amp.stored).toFixed(2)} flash bytes per block byte, ${amp.erases} erases over ${amp.sectors} sectors`)
  console.log(`core RAM: ${ram} bytes`)
}
