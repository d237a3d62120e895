// How much the JavaScript heap may grow between full collections in a
// simulation. V8 lets its old generation grow to between 1.1 and 4 times
// what was live after the last full collection (more on a machine with
// memory to spare); a simulator's heap is mostly badges that live the whole
// run, so most of that room stays committed and unused: a run of 10,000
// badges on 2 threads kept twice its live heap. Growing by HEAP_GROWTH_PERCENT
// instead, measured on the project's 2-core machine (the same report):
//   - 30 %, bench/sim-scale.mjs, 10,000 badges x 2 simulated minutes: peak
//     resident 1,773 -> 1,452 MB on 2 threads (1,441 -> 1,275 MB on one),
//     the run 5 % (2 threads) to 7 % (one) slower for the extra collections;
//   - 15 % against 30 %, 10,000 badges x 3 minutes on 2 threads (after the
//     flash slab and the flat duplicate filter): peak 1,387 -> 1,349 MiB,
//     66.5 -> 63.8 s (noise: the machine is shared); 10 % gained 8 MiB
//     more and took 75.5 s.
//
// A V8 flag is the whole process's: the worker threads started after it use
// it too. It is set where a simulation is the process's job (the sim
// command, the benchmark), never by the library for an application that
// embeds the simulator.

import { setFlagsFromString } from 'node:v8'

export const HEAP_GROWTH_PERCENT = 15

export function keepHeapTight (): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`)
}
