// Seeds and case counts for the fuzz tests. FUZZ_SEED replays a run (or
// FUZZ_SEED=random draws a new one), FUZZ_CASES extends it. Every fuzz
// describe() calls fuzzing() once: a failing test then prints the line that
// replays it.

import { afterEach } from 'vitest'

export function fuzzing (file: string, seed: number, cases: number): { SEED: number, CASES: number } {
  const env = process.env.FUZZ_SEED
  const SEED = env === 'random' ? Math.floor(Math.random() * 0x7fffffff) : Number(env ?? seed)
  const CASES = Number(process.env.FUZZ_CASES ?? cases)
  if (!Number.isInteger(SEED) || !Number.isInteger(CASES) || CASES < 1) throw new Error(`FUZZ_SEED=${env} FUZZ_CASES=${process.env.FUZZ_CASES}: integers, please`)
  afterEach(ctx => {
    if (ctx.task.result?.state === 'fail') {
      console.error(`\n${ctx.task.name}: replay with FUZZ_SEED=${SEED} FUZZ_CASES=${CASES} npx vitest run ${file} -t '${ctx.task.name.replace(/[.*+?^${}()|[\]\\']/g, '.')}'\n`)
    }
  })
  return { SEED, CASES }
}
