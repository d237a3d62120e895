#!/usr/bin/env node
// One size of the simulator's scaling rows (issue #15), in its own process so
// its peak resident set is its own: `node bench/sim-scale.mjs BADGES MINUTES
// [THREADS]` prints JSON (THREADS: worker threads the badges are split
// over, default 1; the report's digest shows the split changed nothing). The event is the default one (floor, seed 1) but with the same
// 30 posters at every size, so each badge has the same work to do and what
// is compared is the simulator's cost, not a bigger event: the cost of one
// simulated badge-minute of the event (building the badges timed apart).
import { createHash } from 'node:crypto'
import { ThreadedSimulator } from '../dist/host/sim/threads.js'
import { report } from '../dist/host/sim/report.js'
import { keepHeapTight } from '../dist/host/sim/heap.js'
import { compileWasmWrappers } from '../dist/host/sim/wasm-wrappers.js'

const badges = Number(process.argv[2] ?? 100)
const minutes = Number(process.argv[3] ?? 10)
const threads = Number(process.argv[4] ?? 1)
const POSTERS = 30
keepHeapTight() // as the sim command does (host/sim/heap.ts)
compileWasmWrappers() // and host/sim/wasm-wrappers.ts
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
const t0 = performance.now()
const c0 = cpu()
const sim = new ThreadedSimulator({ badges, minutes, seed: 1, posters: Math.min(1, POSTERS / badges) }, threads)
sim.start()
const t1 = performance.now()
const c1 = cpu()
sim.run()
const t2 = performance.now()
const c2 = cpu()
const r = report(sim, (t2 - t0) / 1000, { setupSeconds: (t1 - t0) / 1000, runSeconds: (t2 - t1) / 1000 })
sim.close()
const digest = createHash('sha256').update(JSON.stringify({ ...r, wallSeconds: 0, badgeMinutesPerSecond: 0, timing: 0, verifyCache: 0 })).digest('hex').slice(0, 16)
console.log(JSON.stringify({
  badges,
  minutes,
  threads,
  posters: POSTERS,
  setupSeconds: r.timing.setupSeconds,
  runSeconds: r.timing.runSeconds,
  // The event's cost alone: building the badges is per badge too, but once per run, not per minute.
  runMsPerBadgeMinute: r.timing.runSeconds * 1000 / (badges * minutes),
  setupMsPerBadge: r.timing.setupSeconds * 1000 / badges,
  // CPU time (all of the process's threads: the garbage collector's too): on a shared machine, steadier than wall time.
  runCpuMsPerBadgeMinute: (c2 - c1) / (badges * minutes),
  setupCpuMsPerBadge: (c1 - c0) / badges,
  rss: process.resourceUsage().maxRSS * 1024,
  // Each badge's core has one 64 KiB page of linear memory (the badge build).
  linear: badges * 65536,
  digest,
  reached: `${r.blocks.reachedAll}/${r.blocks.tracked}`,
  agreeing: `${r.converged.agreeing}/${r.converged.badges}`
}))
