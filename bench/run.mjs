#!/usr/bin/env node
// `npm run bench`: picobadge against its anchors, side by side in one run,
// reported as ratios (absolute numbers on a shared 2-core machine mean
// little). Each pair runs interleaved for several rounds; the median counts.

import { statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { run as runFeed } from './feed.mjs'
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
import { run as runStore } from './store.mjs'
import { run as runMesh } from './mesh.mjs'

const fmt = (n) => n >= 100 ? n.toFixed(0) : n.toFixed(1)
console.log(`picobadge bench — ${ROUNDS} rounds, median; anchors picofeed 8.0.5 and picostore 3.0.4 unless named; the core's own crypto, no host acceleration`)
console.log('')
// The feed rows on both builds: the host build (what the drop-in Feed uses,
// held to the targets) here, the badge build (one 64 KiB page) in a child.
const host = runFeed()
const child = spawnSync(process.execPath, [fileURLToPath(new URL('./feed.mjs', import.meta.url)), '--json'], { encoding: 'utf8', env: { ...process.env, PICOBADGE_CORE: 'badge' } })
if (child.status !== 0) throw new Error(`bench/feed.mjs on the badge build failed: ${child.stderr}`)
const badge = JSON.parse(child.stdout)
console.log('| what | anchor (/s) | picobadge (/s) | ratio | target |')
console.log('| --- | ---: | ---: | ---: | --- |')
host.forEach((r, i) => {
  const ok = r.ratio >= r.target ? 'met' : 'MISSED'
  const b = badge[i]
  console.log(`| ${r.title}, host build | ${fmt(r.anchor)} | ${fmt(r.ours)} | ${r.ratio.toFixed(1)}× | ≥ ${r.target}× ${ok} |`)
  console.log(`| ${b.title}, badge build (one 64 KiB page) | ${fmt(b.anchor)} | ${fmt(b.ours)} | ${b.ratio.toFixed(1)}× | reported |`)
})
// The store issue's figures: engine against picostore 3, timer wheel against a heap.
const store = await runStore()
for (const r of store.rows) {
  const ok = r.ratio >= r.target ? 'met' : 'MISSED'
  const anchorName = r.anchorName ?? 'picostore 3.0.4'
  console.log(`| ${r.title} (anchor: ${anchorName}) | ${fmt(r.anchor)} | ${fmt(r.ours)} | ${r.ratio.toFixed(1)}× | ${r.target === 1 ? 'faster' : `≥ ${r.target}×`} ${ok} |`)
}
console.log(`| write amplification (flash bytes programmed per block byte stored, steady churn) | | ${(store.amp.written / store.amp.stored).toFixed(2)} | | |`)
console.log(`| core RAM, badge build (memory_used of one fixed 64 KiB page) | | ${(store.ram / 1024).toFixed(1)} KiB | | ≤ 60 KiB ${store.ram <= 60 * 1024 ? 'met' : 'MISSED'} |`)
// The simulator's scaling (issue #15): one row per size, each in its own process (its peak memory its
// own), the cost of a simulated badge-minute as a ratio to the 100-badge row. The 10,000-badge row
// takes minutes and 2 GB: it runs only with BENCH_SIM_10K=1.
{
  const MINUTES = 2 // the same minutes at every size: the first ones, when cards are posted and spread, cost the most
  const sizes = [100, 1000, ...(process.env.BENCH_SIM_10K === '1' ? [10000] : [])]
  let anchor
  for (const badges of sizes) {
    const p = spawnSync(process.execPath, [fileURLToPath(new URL('./sim-scale.mjs', import.meta.url)), String(badges), String(MINUTES)], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (p.status !== 0) throw new Error(`bench/sim-scale.mjs ${badges} failed: ${p.stderr}`)
    const m = JSON.parse(p.stdout)
    anchor ??= m
    // The ratio is of CPU time: the machine is shared, and wall time counts what the other processes take.
    const ratio = m.runCpuMsPerBadgeMinute / anchor.runCpuMsPerBadgeMinute
    const target = badges === 10000 ? `≤ 1.5× ${ratio <= 1.5 ? 'met' : 'MISSED'}` : badges === anchor.badges ? 'anchor' : 'reported'
    console.log(`| simulator: ${badges.toLocaleString('en')} badges × ${MINUTES} simulated min (${m.posters} posters at every size), CPU ms per simulated badge-minute (wall ms; building the badges apart, ${m.setupCpuMsPerBadge.toFixed(1)} CPU ms a badge); peak resident set | ${anchor.runCpuMsPerBadgeMinute.toFixed(2)} ms | ${m.runCpuMsPerBadgeMinute.toFixed(2)} ms (wall ${m.runMsPerBadgeMinute.toFixed(2)} ms: ${m.runSeconds.toFixed(0)} s + ${m.setupSeconds.toFixed(0)} s setup); ${(m.rss / 2 ** 20).toFixed(0)} MiB (${(m.linear / 2 ** 20).toFixed(0)} MiB linear); posts reaching all ${m.reached} | ${ratio.toFixed(2)}× | ${target} |`)
  }
  if (process.env.BENCH_SIM_10K !== '1') console.log('| simulator: 10,000 badges | | skipped (BENCH_SIM_10K=1 runs it: minutes and 2 GB) | | |')
  // Threads (host/sim/threads.ts): the same event on 1 and on 2 threads, by wall time; the report digests must match.
  const BADGES = 2000
  const runs = [1, 2].map(threads => {
    const p = spawnSync(process.execPath, [fileURLToPath(new URL('./sim-scale.mjs', import.meta.url)), String(BADGES), String(MINUTES), String(threads)], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (p.status !== 0) throw new Error(`bench/sim-scale.mjs ${BADGES} ${MINUTES} ${threads} failed: ${p.stderr}`)
    return JSON.parse(p.stdout)
  })
  const [one, two] = runs
  const speedup = one.runSeconds / two.runSeconds
  console.log(`| simulator on 2 threads: ${BADGES.toLocaleString('en')} badges × ${MINUTES} simulated min, wall time of the event (anchor: 1 thread); the same report (digest ${two.digest === one.digest ? 'equal' : 'DIFFERENT'}) | ${one.runSeconds.toFixed(1)} s | ${two.runSeconds.toFixed(1)} s (CPU ${(two.runCpuMsPerBadgeMinute * BADGES * MINUTES / 1000).toFixed(0)} s; ${(two.rss / 2 ** 20).toFixed(0)} MiB) | ${speedup.toFixed(2)}× faster | close to 2× (≥ 1.6×) ${speedup >= 1.6 && two.digest === one.digest ? 'met' : 'MISSED'} |`)
}
const mesh = await runMesh()
for (const t of mesh.traffic) {
  const target = t.k === 1 ? `≥ 10× ${t.ratio >= 10 ? 'met' : 'MISSED'}` : ''
  console.log(`| sync: bytes on air, two badges differing in ${t.k} of ${t.n} chains (anchor: every head listed, + the blocks) | ${t.naive} B | ${t.total} B in ${t.rounds} link${t.rounds > 1 ? 's' : ''} | ${t.ratio >= 1 ? `${t.ratio.toFixed(1)}× less` : `${(1 / t.ratio).toFixed(1)}× more`} | ${target} |`)
}
// The Cortex-M4 board (boards/mps2) under QEMU -icount, beside Node/V8 on the same core.wasm (bench/m4.mjs).
{
  const m4 = spawnSync(process.execPath, [fileURLToPath(new URL('./m4.mjs', import.meta.url)), '--json'], { encoding: 'utf8' })
  if (m4.status !== 0) throw new Error(`bench/m4.mjs failed: ${m4.stderr}`)
  const r = JSON.parse(m4.stdout)
  if (r.skipped) console.log(`| Cortex-M4 board under QEMU: skipped (${r.skipped}) | | | | |`)
  else {
    const MHZ = 64e6 // an nRF52840's clock, taking one instruction a cycle (flash wait states make it slower)
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
    const m4Rate = MHZ / r.warmInstructions
    const v8Rate = 1e6 / r.v8WarmMicros
    console.log(`| one block verification (ed25519_verify, 100-byte body, author's key cached), Cortex-M4 (QEMU mps2-an386, -icount): WAMR 2020 classic interpreter, ${(r.warmInstructions / 1e6).toFixed(1)} M instructions (first block of an author ${(r.coldInstructions / 1e6).toFixed(1)} M); /s at 64 MHz, one instruction a cycle (anchor: Node/V8, the same core.wasm) | ${fmt(v8Rate)} | ${m4Rate.toFixed(2)} | 1/${(v8Rate / m4Rate).toFixed(0)}× | reported |`)
    console.log(`| Cortex-M4 RAM, of the 192 KiB an nRF52840 leaves beside Zephyr + Bluetooth: WAMR pool high-water (loaded module, instance, 4 KiB wasm stacks, 64 KiB linear memory of which ${kb(r.linearUsed)} used) / pool, app image RAM copy, C stack high-water / stack, other .data + .bss | | ${kb(r.poolHigh)} / ${kb(r.pool)}, ${kb(r.elf.appBuf)}, ${kb(r.stackHigh)} / ${kb(r.stack)}, ${kb(r.elf.data + r.elf.bss - r.elf.pool - r.elf.appBuf)}; ${kb(192 * 1024 - r.elf.data - r.elf.bss - r.elf.stack)} free | | ≤ 192 KiB ${r.elf.data + r.elf.bss + r.elf.stack <= 192 * 1024 ? 'met' : 'MISSED'} |`)
    console.log(`| Cortex-M4 flash: firmware text (boards/common, WAMR classic, the resident verifier, newlib-nano) + .data image, the app image | | ${kb(r.elf.text + r.elf.data)} + ${kb(r.image)} | | |`)
  }
}
const wasm = fileURLToPath(new URL('../build/core.wasm', import.meta.url))
const size = statSync(wasm).size
console.log(`| build/core.wasm size | | ${(size / 1024).toFixed(1)} KiB | | < 48 KiB ${size < 48 * 1024 ? 'met' : 'MISSED'} |`)
