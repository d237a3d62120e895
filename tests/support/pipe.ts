// The direct link between two badges lives with the simulator (benchmarks use it too).
export { sync, chainSet, ADDR_A, ADDR_B } from '../../host/sim/pipe.js'
export type { Tamper, PipeResult } from '../../host/sim/pipe.js'
