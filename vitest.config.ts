import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A guard against a hang, not a speed limit: no test may be sized so that a
    // busy 2-core machine reaches it (heavy tests split their work instead; #13).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Two cores: one worker per core, each with its own core.wasm instance.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } }
  }
})
