#!/usr/bin/env node
// The feed rows of `npm run bench`: picofeed 8.0.5 against picobadge's
// drop-in Feed, interleaved round by round, median of the rounds. Which
// build of the core serves the Feed is PICOBADGE_CORE's choice (host/core.ts:
// the host build by default, the badge build with PICOBADGE_CORE=badge);
// bench/run.mjs runs this once in its own process and once in a child with
// the badge build, so both builds are measured against the same anchor.
// Alone: `node bench/feed.mjs [--json]`.

import { fileURLToPath } from 'node:url'
import * as PF from 'picofeed'
import * as PB from '../dist/host/index.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 200)
const BODY = 100

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** ops/s of fn (which performs `ops` operations), median over rounds. */
function rate (fn, ops) {
  const rates = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    fn()
    const dt = Number(process.hrtime.bigint() - t0) / 1e9
    rates.push(ops / dt)
  }
  return median(rates)
}

function pair (title, anchor, ours, ops, target) {
  anchor(); ours() // warm up both
  const a = rate(anchor, ops)
  const b = rate(ours, ops)
  return { title, anchor: a, ours: b, ratio: b / a, target }
}

function bodies (n) {
  const out = []
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(BODY)
    for (let j = 0; j < BODY; j++) b[j] = 1 + ((i * 31 + j * 7) % 255)
    out.push(b)
  }
  return out
}

const sk = PF.toHex(new Uint8Array(32).map((_, i) => i + 1))
const data = bodies(BLOCKS)
const made = new PF.Feed()
for (const b of data) made.append(b, sk)
const feedBytes = Uint8Array.from(made.buffer)
// Worst case for the core's key cache: every block by a different author.
const many = new PF.Feed()
data.forEach((b, i) => many.append(b, PF.toHex(new Uint8Array(32).map((_, j) => (i * 7 + j * 13 + 1) & 255))))
const manyBytes = Uint8Array.from(many.buffer)
// Two authors: A, A, then taking turns (B, A, B, A, ...): the key cache's
// case, and the one where the host build's comb table, which A gets on its
// second block, must not be rebuilt for every other block (issue #9).
const skB = PF.toHex(new Uint8Array(32).map((_, i) => 200 - i))
const alt = new PF.Feed()
data.forEach((b, i) => alt.append(b, i > 0 && i % 2 === 0 ? skB : sk))
const altBytes = Uint8Array.from(alt.buffer)

export function run () {
  return [
  pair(`verify: Feed.from(${BLOCKS} blocks)`,
    () => PF.Feed.from(feedBytes),
    () => PB.Feed.from(feedBytes),
    BLOCKS, 10),
  pair(`verify: Feed.from(${BLOCKS} blocks), ${BLOCKS} authors`,
    () => PF.Feed.from(manyBytes),
    () => PB.Feed.from(manyBytes),
    BLOCKS, 10),
  pair(`verify: Feed.from(${BLOCKS} blocks), 2 authors alternating (A, A, B, A, B, ...)`,
    () => PF.Feed.from(altBytes),
    () => PB.Feed.from(altBytes),
    BLOCKS, 10),
  pair(`append: ${BLOCKS} blocks (sign + verify)`,
    () => { const f = new PF.Feed(); for (const b of data) f.append(b, sk) },
    () => { const f = new PB.Feed(); for (const b of data) f.append(b, sk) },
    BLOCKS, 10)
  ]
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = run()
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows))
  else for (const r of rows) console.log(`${r.title}: ${r.ratio.toFixed(1)}× (${r.ours.toFixed(0)}/s against ${r.anchor.toFixed(0)}/s)`)
}
