// The simulator in a Web Worker, so the page stays responsive: the same
// MeshSimulator, the same core per badge and the same options parser as
// `picobadge sim` (host/sim/command.ts), run in slices of simulated time at
// the speed the page asks, with a picture (sim-frame.ts) after each slice
// and the report at the end: the object `picobadge sim --json` prints.
//
// The badges share a pool of core instances (host/core-pool.ts), each
// swapped in for its calls: every instance's memory reserves ~10 GiB of
// address space for V8's bounds checks, and Chromium keeps a page's
// memories in one 1 TiB cage, so a page holds only ~120 instances. On the
// pool it holds as many badges as it has RAM for (64 KiB each), no flags.

import { coreModules } from './core-modules.js'
import { CorePool } from '../host/core-pool.js'
import { MeshSimulator, CARD_TTL } from '../host/sim/mesh.js'
import { simOptions } from '../host/sim/sim-args.js'
import { report, renderReport } from '../host/sim/report.js'
import { frameOf } from './sim-frame.js'
import type { ToWorker, FromWorker, Speed } from './sim-messages.js'

const scope = self as unknown as { postMessage (m: FromWorker, transfer?: Transferable[]): void, onmessage: ((e: MessageEvent<ToWorker>) => void) | null }
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer)

/** The longest the worker computes before it yields (to answer the page, and to draw). */
const SLICE_MS = 25
/** Simulated time run between looks at the clock: one radio epoch. */
const STEP = 1000
/** Core instances the badges share: about half of what a page holds, so the rest of the page keeps room for its own. */
const POOL_INSTANCES = 64
/** One pool for the Worker's life: a new one per run would leave the last run's memories to the garbage collector. */
let pool: CorePool | null = null

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
    if (options.native) throw new Error('native badges run as processes, which a page cannot start')
    current?.close()
    pool ??= new CorePool(POOL_INSTANCES)
    const sim = current = new MeshSimulator({ ...options, cores: pool })
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
    // The pool makes do with the instances it has when the browser refuses more; it fails only when it has none.
    post({ type: 'error', message: /Out of memory.*Wasm memory/i.test(message) ? `this browser has no room left for the simulator's core (${message}): close other tabs, then reload the page` : message })
  }
}
