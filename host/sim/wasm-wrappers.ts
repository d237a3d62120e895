// How JavaScript calls into the badges' cores in a simulation. V8 (Node 20)
// first calls each exported function of each instance through one generic
// wrapper, which converts the arguments by looking at the signature at
// every call, and compiles a wrapper for the signature only after that
// function has been called about a thousand times. A simulator of
// thousands of badges makes millions of calls, but each function of each
// instance is called a few times a minute, so most calls of the first
// simulated minutes, and many later, went through the generic one: 4.4 %
// of the CPU profile of 2,000 badges' first 4 minutes, with the compiled
// wrappers' own share besides. With --no-wasm-generic-wrapper every export
// gets its signature's compiled wrapper (compiled once, shared by every
// instance) from its first call. Measured on the project's 2-core machine,
// the same report: 2,000 badges' first 4 minutes, both kinds of wrapper in
// one process in alternating 10-s slices, 1.006 and 1.046 times as long
// through the generic one (a few per cent; an A/A pair of that harness
// differs by up to 5 %); 2,000 badges x 12 minutes, whole runs alternating,
// 54.3, 54.1, 63.9 s against 63.7, 59.0, 62.0 s (the machine's noise is as
// large as the gain).
//
// Like heap.ts's flag, it is the whole process's (worker threads
// included), and set where a simulation is the process's job (the sim
// command, the benchmark), before any core is instantiated: V8 picks the
// wrapper when it makes an instance's exports.

import { setFlagsFromString } from 'node:v8'

export function compileWasmWrappers (): void {
  setFlagsFromString('--no-wasm-generic-wrapper')
}
