#!/usr/bin/env node
// `npm run bench`: picobadge against its anchors, side by side in one run,
// reported as ratios (absolute numbers on a shared 2-core machine mean
// little). Each pair runs interleaved for several rounds; the median counts.

import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as PF from 'picofeed'
import * as PB from '../dist/host/index.js'
import { run as runStore } from './store.mjs'
import { run as runMesh } from './mesh.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 200)
const BODY = 100

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** ops/s of fn (which performs `ops` operations), median over rounds. */
function rate (fn, ops) {
  const rates = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    fn()
    const dt = Number(process.hrtime.bigint() - t0) / 1e9
    rates.push(ops / dt)
  }
  return median(rates)
}

function pair (title, anchor, ours, ops, target) {
  anchor(); ours() // warm up both
  const a = rate(anchor, ops)
  const b = rate(ours, ops)
  return { title, anchor: a, ours: b, ratio: b / a, target }
}

function bodies (n) {
  const out = []
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(BODY)
    for (let j = 0; j < BODY; j++) b[j] = 1 + ((i * 31 + j * 7) % 255)
    out.push(b)
  }
  return out
}

const sk = PF.toHex(new Uint8Array(32).map((_, i) => i + 1))
const data = bodies(BLOCKS)
const made = new PF.Feed()
for (const b of data) made.append(b, sk)
const feedBytes = Uint8Array.from(made.buffer)
// Worst case for the core's key cache: every block by a different author.
const many = new PF.Feed()
data.forEach((b, i) => many.append(b, PF.toHex(new Uint8Array(32).map((_, j) => (i * 7 + j * 13 + 1) & 255))))
const manyBytes = Uint8Array.from(many.buffer)
// Two authors: A, A, then taking turns (B, A, B, A, ...): the key cache's
// case, and the one where the host build's comb table, which A gets on its
// second block, must not be rebuilt for every other block (issue #9).
const skB = PF.toHex(new Uint8Array(32).map((_, i) => 200 - i))
const alt = new PF.Feed()
data.forEach((b, i) => alt.append(b, i > 0 && i % 2 === 0 ? skB : sk))
const altBytes = Uint8Array.from(alt.buffer)

const results = [
  pair(`verify: Feed.from(${BLOCKS} blocks)`,
    () => PF.Feed.from(feedBytes),
    () => PB.Feed.from(feedBytes),
    BLOCKS, 10),
  pair(`verify: Feed.from(${BLOCKS} blocks), ${BLOCKS} authors`,
    () => PF.Feed.from(manyBytes),
    () => PB.Feed.from(manyBytes),
    BLOCKS, 10),
  pair(`verify: Feed.from(${BLOCKS} blocks), 2 authors alternating (A, A, B, A, B, ...)`,
    () => PF.Feed.from(altBytes),
    () => PB.Feed.from(altBytes),
    BLOCKS, 10),
  pair(`append: ${BLOCKS} blocks (sign + verify)`,
    () => { const f = new PF.Feed(); for (const b of data) f.append(b, sk) },
    () => { const f = new PB.Feed(); for (const b of data) f.append(b, sk) },
    BLOCKS, 10)
]

const fmt = (n) => n >= 100 ? n.toFixed(0) : n.toFixed(1)
console.log(`picobadge bench — ${ROUNDS} rounds, median; anchors picofeed 8.0.5 and picostore 3.0.4 unless named; the core's own crypto, no host acceleration`)
console.log('')
console.log('| what | anchor (/s) | picobadge (/s) | ratio | target |')
console.log('| --- | ---: | ---: | ---: | --- |')
for (const r of results) {
  const ok = r.ratio >= r.target ? 'met' : 'MISSED'
  console.log(`| ${r.title} | ${fmt(r.anchor)} | ${fmt(r.ours)} | ${r.ratio.toFixed(1)}× | ≥ ${r.target}× ${ok} |`)
}
// The store issue's figures: engine against picostore 3, timer wheel against a heap.
const store = await runStore()
for (const r of store.rows) {
  const ok = r.ratio >= r.target ? 'met' : 'MISSED'
  const anchorName = r.anchorName ?? 'picostore 3.0.4'
  console.log(`| ${r.title} (anchor: ${anchorName}) | ${fmt(r.anchor)} | ${fmt(r.ours)} | ${r.ratio.toFixed(1)}× | ${r.target === 1 ? 'faster' : `≥ ${r.target}×`} ${ok} |`)
}
console.log(`| write amplification (flash bytes programmed per block byte stored, steady churn) | | ${(store.amp.written / store.amp.stored).toFixed(2)} | | |`)
console.log(`| core RAM (memory_used of a fixed ${4 * 64} KiB memory) | | ${(store.ram / 1024).toFixed(1)} KiB | | |`)
// The badge issue's figures: the simulator's speed and the sync protocol's traffic.
const mesh = await runMesh()
for (const s of mesh.speed) {
  const target = s.badges === 1000 ? `< 60 s ${s.wall < 60 ? 'met' : 'MISSED'}` : ''
  console.log(`| simulator: ${s.badges} badges × ${s.minutes} simulated min (real core.wasm each, verification memoized across badges) | | ${s.wall.toFixed(1)} s wall, ${s.rate.toFixed(0)} badge-min/s | | ${target} |`)
}
for (const t of mesh.traffic) {
  const target = t.k === 1 ? `≥ 10× ${t.ratio >= 10 ? 'met' : 'MISSED'}` : ''
  console.log(`| sync: bytes on air, two badges differing in ${t.k} of ${t.n} chains (anchor: every head listed, + the blocks) | ${t.naive} B | ${t.total} B in ${t.rounds} link${t.rounds > 1 ? 's' : ''} | ${t.ratio >= 1 ? `${t.ratio.toFixed(1)}× less` : `${(1 / t.ratio).toFixed(1)}× more`} | ${target} |`)
}
const wasm = fileURLToPath(new URL('../build/core.wasm', import.meta.url))
const size = statSync(wasm).size
console.log(`| build/core.wasm size | | ${(size / 1024).toFixed(1)} KiB | | < 48 KiB ${size < 48 * 1024 ? 'met' : 'MISSED'} |`)
