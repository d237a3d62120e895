// nrf-intel-hex's MemoryMap (Intel HEX in and out, memory maps of flash).
// The package ships CommonJS with ES-module typings: at run time Node hands
// its class over as the default import, which the typings cannot express
// under NodeNext, so the one cast lives here.

import * as intelHex from 'nrf-intel-hex'

type MemoryMapClass = typeof import('nrf-intel-hex').default
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const MemoryMap: MemoryMapClass = ((intelHex as any).default ?? intelHex) as MemoryMapClass
export type MemoryMap = InstanceType<MemoryMapClass>
