// Builds build/core-pooled.wasm: build/core.wasm with every mutable global
// exported as `pool.global.<n>`, and nothing else changed (binaryen reads the
// module and writes it back without running a pass). A pool of core
// instances shared by many badges (host/core-pool.ts) swaps a badge's whole
// state in and out: its linear memory, which the module already exports, and
// its globals (AssemblyScript keeps top-level `let`s and the stack pointer in
// them), which it does not. Only the pool loads this build; badges that own
// their instance run build/core.wasm. Run by `npm run build` after asc.

import { readFileSync, writeFileSync } from 'node:fs'
import binaryen from 'binaryen'

export const POOL_GLOBAL_PREFIX = 'pool.global.'

/** The module's bytes with its mutable globals exported; how many there are. */
export function exportMutableGlobals (bytes) {
  const module = binaryen.readBinary(bytes)
  try {
    // What asc's defaults use (bulk memory, saturating truncation, ...): binaryen assumes only MVP unless told.
    module.setFeatures(binaryen.Features.All)
    let exported = 0
    for (let i = 0; i < module.getNumGlobals(); i++) {
      const info = binaryen.getGlobalInfo(module.getGlobalByIndex(i))
      if (!info.mutable) continue
      // An imported mutable global belongs to whoever provides it: a pool could not swap it per badge.
      if (info.module) throw new Error(`the core imports the mutable global ${info.module}.${info.base}: a pool cannot swap it`)
      module.addGlobalExport(info.name, POOL_GLOBAL_PREFIX + exported++)
    }
    if (!module.validate()) throw new Error('the module with its globals exported does not validate')
    return { bytes: module.emitBinary(), globals: exported }
  } finally { module.dispose() }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const from = new URL('../build/core.wasm', import.meta.url)
  const to = new URL('../build/core-pooled.wasm', import.meta.url)
  const { bytes, globals } = exportMutableGlobals(readFileSync(from))
  writeFileSync(to, bytes)
  console.log(`build/core-pooled.wasm: build/core.wasm with its ${globals} mutable globals exported for host/core-pool.ts (${bytes.length} bytes)`)
}
