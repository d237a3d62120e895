// Both builds of the core, fetched from the server and handed to host/core.ts
// (which in Node reads them from build/): badges run `badge`; the feed API,
// and with it the core's verifier of app-image signatures, runs `host`.
// The page and the simulator's Worker each wait on this once.

import { provideCoreModule } from '../host/core.js'

export const coreModules: Promise<void> = Promise.all([
  WebAssembly.compileStreaming(fetch('/build/core.wasm')).then(m => provideCoreModule('badge', m)),
  WebAssembly.compileStreaming(fetch('/build/core-host.wasm')).then(m => provideCoreModule('host', m))
]).then(() => {})
