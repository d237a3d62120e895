#!/usr/bin/env node
// Peak memory of a simulated event: each badge is its own instance of the
// badge build (one 64 KiB page of linear memory). Runs in its own process so
// the peak resident set is the simulation's alone; bench/run.mjs starts it.
// Alone: `node bench/sim-memory.mjs [badges] [minutes]` prints JSON.
import { MeshSimulator } from '../dist/host/sim/mesh.js'

const badges = Number(process.argv[2] ?? 1000)
const minutes = Number(process.argv[3] ?? 3)
const sim = new MeshSimulator({ badges, minutes, seed: 1 })
sim.run()
const linear = sim.nodes.reduce((sum, n) => sum + (n.badge?.core.x.memory.buffer.byteLength ?? 0), 0)
console.log(JSON.stringify({ badges, minutes, rss: process.resourceUsage().maxRSS * 1024, linear }))
