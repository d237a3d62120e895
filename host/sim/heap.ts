// How much the JavaScript heap may grow between full collections in a
// simulation. V8 lets its old generation grow to between 1.1 and 4 times
// what was live after the last full collection (more on a machine with
// memory to spare); a simulator's heap is mostly badges that live the whole
// run, so most of that room stays committed and unused: a run of 10,000
// badges on 2 threads kept twice its live heap. Growing by HEAP_GROWTH_PERCENT
// instead, measured on the project's 2-core machine (bench/sim-scale.mjs,
// 10,000 badges x 2 simulated minutes, the same report): peak resident
// 1,773 -> 1,452 MB on 2 threads (1,441 -> 1,275 MB on one), the run 5 %
// (2 threads) to 7 % (one) slower for the extra collections.
//
// A V8 flag is the whole process's: the worker threads started after it use
// it too. It is set where a simulation is the process's job (the sim
// command, the benchmark), never by the library for an application that
// embeds the simulator.

import { setFlagsFromString } from 'node:v8'

export const HEAP_GROWTH_PERCENT = 30

export function keepHeapTight (): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`)
}
