// What the page exposes on window.picobadge: its state, for a person at
// the console and for the browser tests, which read the simulation's report
// (the object `picobadge sim --json` prints) and the frame rate from here.

import type { SimReport } from '../host/sim/report.js'

export interface PageState {
  sim: 'idle' | 'running' | 'done' | 'error'
  simReport: SimReport | null
  /** Simulated ms of the last picture drawn. */
  simTime: number
  /** The share of badges holding the post the picture follows (0 before any post). */
  spread: number
  /** Pictures drawn per second over the last second of the run. */
  fps: number
  flash: 'idle' | 'running' | 'done' | 'error'
  flashMessage: string
}

export const state: PageState = { sim: 'idle', simReport: null, simTime: 0, spread: 0, fps: 0, flash: 'idle', flashMessage: '' }
;(globalThis as unknown as { picobadge: PageState }).picobadge = state
