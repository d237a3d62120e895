// The builds of the core, fetched from the server and handed to host/core.ts
// (which in Node reads them from build/): the simulator's badges run `pooled`
// (sim-worker.ts); the feed API, and with it the core's verifier of app-image
// signatures, runs `host`; `badge` serves whatever makes a core of its own.
// The page and the simulator's Worker each wait on this once.

import { provideCoreModule } from '../host/core.js'

export const coreModules: Promise<void> = Promise.all([
  WebAssembly.compileStreaming(fetch('/build/core.wasm')).then(m => provideCoreModule('badge', m)),
  WebAssembly.compileStreaming(fetch('/build/core-host.wasm')).then(m => provideCoreModule('host', m)),
  WebAssembly.compileStreaming(fetch('/build/core-pooled.wasm')).then(m => provideCoreModule('pooled', m))
]).then(() => {})
