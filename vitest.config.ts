import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one worker per core, each with its own core.wasm instance.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } }
  }
})
