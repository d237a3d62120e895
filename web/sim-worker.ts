// The simulator in a Web Worker, so the page stays responsive: the same
// MeshSimulator, the same core.wasm per badge and the same options parser
// as `picobadge sim` (host/sim/command.ts), run in slices of simulated time
// at the speed the page asks, with a picture (sim-frame.ts) after each slice
// and the report at the end: the object `picobadge sim --json` prints.

import { coreModules } from './core-modules.js'
import { MeshSimulator, CARD_TTL } from '../host/sim/mesh.js'
import { simOptions } from '../host/sim/command.js'
import { report, renderReport } from '../host/sim/report.js'
import { frameOf } from './sim-frame.js'
import type { ToWorker, FromWorker, Speed } from './sim-messages.js'

const scope = self as unknown as { postMessage (m: FromWorker, transfer?: Transferable[]): void, onmessage: ((e: MessageEvent<ToWorker>) => void) | null }
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer)

/** The longest the worker computes before it yields (to answer the page, and to draw). */
const SLICE_MS = 25
/** Simulated time run between looks at the clock: one radio epoch. */
const STEP = 1000

let run = 0
let speed: Speed = 0 // simulated ms per wall-clock second
let anchor = { wall: 0, sim: 0 }

scope.onmessage = e => {
  const m = e.data
  if (m.type === 'speed') { speed = m.speed; anchor = { wall: performance.now(), sim: current?.q.now ?? 0 }; return }
  if (m.type === 'stop') { run++; current?.close(); current = null; return }
  speed = m.speed
  void start(m.argv, ++run)
}

let current: MeshSimulator | null = null

async function start (argv: string[], id: number): Promise<void> {
  try {
    await coreModules
    const { options } = simOptions(argv)
    if (options.native) throw new Error('native badges run as processes, which a page cannot start: use picobadge sim --native')
    current?.close()
    const sim = current = new MeshSimulator(options)
    post({ type: 'venue', rooms: sim.venue.rooms, width: sim.venue.width, height: sim.venue.height, badges: sim.nodes.length, end: sim.end, ttl: options.ttl ?? CARD_TTL })
    const wall0 = performance.now()
    sim.start()
    anchor = { wall: wall0, sim: 0 }
    let t = 0
    while (t < sim.end) {
      if (id !== run) return // stopped, or another run started
      const target = speed > 0 ? Math.min(sim.end, Math.floor(anchor.sim + (performance.now() - anchor.wall) * speed / 1000)) : sim.end
      const sliceEnd = performance.now() + SLICE_MS
      while (t < target && performance.now() < sliceEnd) { t = Math.min(target, t + STEP); sim.runUntil(t) }
      const f = frameOf(sim)
      post(f, [f.xs.buffer, f.ys.buffer, f.flags.buffer, f.cards.buffer, f.links.buffer])
      await new Promise(resolve => setTimeout(resolve, speed > 0 ? 15 : 0))
    }
    const r = report(sim, (performance.now() - wall0) / 1000)
    sim.close()
    post({ type: 'report', report: r, text: renderReport(r) })
  } catch (err) {
    const message = (err as Error).message
    // Every badge is its own instance of the core, and each instance's memory reserves address space for
    // its guard regions (how V8 checks bounds with the trap handler); Chromium keeps all of a page's
    // WebAssembly memories in one 1 TiB cage, which holds about 120 of them. Without the trap handler
    // V8 checks bounds in code and reserves nothing extra. Node has no cage: picobadge sim runs thousands.
    const made = current?.nodes.filter(n => n.badge !== null).length ?? 0
    post({ type: 'error', message: /Out of memory.*Wasm memory/i.test(message) ? `this browser has no room for another badge's core after ${made}: each badge is its own core.wasm instance, and Chromium holds about 120 in a page. Run fewer badges, start Chromium with --disable-features=WebAssemblyTrapHandler (then it holds hundreds), or run picobadge sim in Node` : message })
  }
}
