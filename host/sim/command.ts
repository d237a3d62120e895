// `picobadge sim` and the demo `npm start` runs: a simulated event, its
// progress on stderr, and the report (text, or --json for machines).

import type { SimOptions, HostileKind } from './options.js'
import { ThreadedSimulator, defaultThreads } from './threads.js'
import { ATTACKS } from './hostile/index.js'
import { report, renderReport, SimReport } from './report.js'
import { progressBar } from '../progress.js'
import { parseArgs, number } from '../args.js'
import { simOptions } from './sim-args.js'
import { keepHeapTight } from './heap.js'
import { compileWasmWrappers } from './wasm-wrappers.js'
export { SIM_HELP, simOptions } from './sim-args.js'

/** Runs a simulation with a progress bar (simulated minute, badges, time left); returns its report. */
export function simulate (options: SimOptions, quiet: boolean, label = 'simulating', threads = (options.native ?? 0) > 0 ? 1 : defaultThreads(options.badges)): SimReport {
  const bar = quiet ? undefined : progressBar()
  const what = `${label} ${options.badges} badges${threads > 1 ? ` on ${threads} threads` : ''}`
  // On a terminal the bar shows the time left; in a log (a line every 10%) the label carries it.
  const tty = process.stderr.isTTY === true
  let first: { t: number, f: number } | undefined
  const left = (f: number): string => {
    const t = performance.now()
    first ??= { t, f }
    return tty || f - first.f < 0.05 || f >= 1 ? '' : `, ~${Math.round((t - first.t) / 1000 / (f - first.f) * (1 - f))} s left`
  }
  const onProgress = bar ? (f: number) => bar(`${what}, minute ${(f * options.minutes).toFixed(options.minutes < 10 ? 1 : 0)} of ${options.minutes}${left(f)}`, f) : undefined
  keepHeapTight()
  compileWasmWrappers()
  const t0 = performance.now()
  const sim = new ThreadedSimulator({ ...options, onProgress }, threads)
  try {
    sim.start() // every badge built and booted: the setup, timed apart from the event
    const t1 = performance.now()
    sim.run()
    onProgress?.(1)
    const t2 = performance.now()
    return report(sim, (t2 - t0) / 1000, { setupSeconds: (t1 - t0) / 1000, runSeconds: (t2 - t1) / 1000 })
  } finally {
    sim.close() // native board processes end here, whatever happened
  }
}

/** One row of `--hostile each`: a run with one badge of an attack (or none), what the honest badges lost. */
export interface AttackRow { kind: string, honest: SimReport['honest'], hostile: SimReport['hostile'] }

/** `--hostile each`: the event without hostile badges, then once per #12 attack with one badge of it (the last). */
export function simulateEach (options: SimOptions, quiet: boolean, fromMinute = 0, threads?: number): AttackRow[] {
  const rows: AttackRow[] = []
  for (const kind of ['none', ...Object.keys(ATTACKS)]) {
    const hostile = kind === 'none' ? undefined : [{ badge: options.badges - 1, kind: kind as HostileKind, fromMinute }]
    const r = simulate({ ...options, hostile }, quiet, kind === 'none' ? 'no attack' : kind, threads)
    rows.push({ kind, honest: r.honest, hostile: r.hostile })
  }
  return rows
}

/** The table of `--hostile each`: one line per attack, ✘ on every figure that differs from the honest run's. */
export function renderEach (rows: AttackRow[]): string {
  const base = rows[0].honest
  const min = (ms: number) => ms < 90_000 ? `${Math.round(Math.max(0, ms) / 1000)} s` : `${(ms / 60_000).toFixed(0)} min`
  const cell = (v: number | string, bad: boolean, w: number) => `${bad ? '✘' : ' '}${String(v).padStart(w - 1)}`
  const head = ['attack'.padEnd(12), ...[['not delivered', 15], ['evicted', 9], ['rewritten', 11], ['forgot early', 14], ['clock ahead', 13], ['sig checks', 12]].map(([t, w]) => String(t).padStart(Number(w))), '  counted against it'].join(' ')
  const lines = [`What one hostile badge of each kind cost the ${rows[1]?.honest.badges ?? base.badges} honest badges (first row: the same event without it).`, '', head]
  for (const r of rows) {
    const h = r.honest
    const k = r.hostile.kinds[r.kind] ?? {}
    lines.push([
      r.kind.padEnd(12),
      cell(h.postsNotDelivered, h.postsNotDelivered > base.postsNotDelivered, 15),
      cell(h.chainsEvicted, h.chainsEvicted > 0, 9),
      cell(h.cardsRewritten, h.cardsRewritten > 0, 11),
      cell(h.prematureForgets, h.prematureForgets > 0, 14),
      cell(min(h.clock.aheadMaxMs), !h.clock.withinSkew, 13),
      cell(h.signatureChecks, false, 12),
      `  ${r.kind === 'none' ? '' : `${k.violations ?? 0} violations, ${k.droppedByHonest ?? 0} links dropped`}`
    ].join(' '))
  }
  return lines.join('\n')
}

export function simCommand (argv: string[]): void {
  const { options, threads, json, quiet, each, fromMinute } = simOptions(argv)
  if (each) {
    const rows = simulateEach(options, quiet, fromMinute, threads) // progress is on stderr, so it never mixes with --json on stdout
    process.stdout.write(json ? JSON.stringify(rows, null, 2) + '\n' : renderEach(rows) + '\n')
    return
  }
  const r = simulate(options, quiet, 'simulating', threads) // progress is on stderr, so it never mixes with --json on stdout
  process.stdout.write(json ? JSON.stringify(r, null, 2) + '\n' : renderReport(r) + '\n')
}

/** `npm start`: a few dozen badges at a 90-minute event, long enough to see cards spread and be forgotten. */
export function demoCommand (argv: string[]): void {
  const args = parseArgs(argv, ['seed'], ['quiet'])
  const seed = number(args, 'seed', 1, 0, 0xffffffff)
  const options: SimOptions = { badges: 40, minutes: 90, seed, posters: 0.3 }
  process.stdout.write([
    'picobadge demo: 40 conference badges, 90 minutes, no servers.',
    'Each badge is its own instance of build/core.wasm with its own simulated flash.',
    'A third of the attendees post a contact card on their badge; some update it later.',
    'Badges swap cards over (simulated) Bluetooth LE as people walk between rooms,',
    'and every badge forgets a card an hour after its owner last updated it.',
    ''
  ].join('\n') + '\n')
  const r = simulate(options, args.quiet === true, 'the event')
  process.stdout.write('\n' + renderReport(r) + '\n\n')
  process.stdout.write('Bigger events: npx picobadge sim --badges 1000 --minutes 10   (see README)\n')
}
