// `picobadge sim` and the demo `npm start` runs: a simulated event, its
// progress on stderr, and the report (text, or --json for machines).

import { MeshSimulator, HostileKind, SimOptions } from './mesh.js'
import { report, renderReport, SimReport } from './report.js'
import { progressBar } from '../progress.js'
import { parseArgs, number, UsageError } from '../args.js'
import { NATIVE_VARIANTS, NativeVariant } from '../native/board.js'

export const SIM_HELP = `picobadge sim — a simulated event: badges running the real core.wasm, on a
conference floor, talking over a model of Bluetooth LE.

usage: picobadge sim [--badges N] [--minutes M] [--seed S] [options]

  --badges N        badges on the floor, 2 to 5000 (default 40)
  --minutes M       simulated minutes, 0.1 to 1440 (default 10)
  --seed S          random seed, 0 to 2^32-1; the same seed replays the same event (default 1)
  --posters F       share of badges that post a contact card, 0 to 1 (default 0.3, at most 80 badges)
  --mtu N           largest ATT MTU the badges negotiate, 23 to 247 (default 247)
  --power-cuts M    each badge loses power about every M minutes, 0 to 1e6 (default 0: never)
  --hostile KINDS   comma-separated hostile badges: garbage, replay, reorder, forge, flood
                    (fewer than --badges; they are the last badges, left out of the report's counts)
  --no-accelerate   every badge verifies every signature itself (slow; verdicts are the same)
  --native K        K of the badges (spread evenly by index, never a hostile one) are native
                    board processes: the C firmware under real WAMR (boards/native), its flash a
                    file, killed with SIGKILL at each power cut and restarted from that file.
                    Build it first: node scripts/native.mjs
  --native-interp I the native board's WAMR interpreter: classic (default) or fast
                    (asan, asan-fast: the same under AddressSanitizer and UBSan)
  --json            print the report as JSON on stdout (progress stays on stderr: --quiet drops it)
  --quiet           no progress bar
`

const HOSTILE: HostileKind[] = ['garbage', 'replay', 'reorder', 'forge', 'flood']

/** Reads the sim options from command-line arguments. */
export function simOptions (argv: string[]): { options: SimOptions, json: boolean, quiet: boolean } {
  const args = parseArgs(argv, ['badges', 'minutes', 'seed', 'posters', 'mtu', 'power-cuts', 'hostile', 'native', 'native-interp'], ['json', 'quiet', 'no-accelerate', 'help'])
  if (args.help) throw new UsageError('')
  const badges = number(args, 'badges', 40, 2, 5000)
  const hostile = typeof args.hostile === 'string'
    ? args.hostile.split(',').map((k, i) => {
      if (!HOSTILE.includes(k as HostileKind)) throw new UsageError(`--hostile: unknown kind ${k} (${HOSTILE.join(', ')})`)
      return { badge: badges - 1 - i, kind: k as HostileKind }
    })
    : undefined
  if (hostile && hostile.length >= badges) throw new UsageError('--hostile: more hostile badges than badges')
  const native = number(args, 'native', 0, 0, badges - (hostile?.length ?? 0))
  const interp = args['native-interp'] ?? 'classic'
  if (typeof interp !== 'string' || !NATIVE_VARIANTS.includes(interp as NativeVariant)) throw new UsageError(`--native-interp: classic or fast (or ${NATIVE_VARIANTS.slice(2).join(', ')}), not ${String(interp)}`)
  return {
    options: {
      badges,
      minutes: number(args, 'minutes', 10, 0.1, 24 * 60, false),
      seed: number(args, 'seed', 1, 0, 0xffffffff),
      posters: args.posters === undefined ? undefined : number(args, 'posters', 0.3, 0, 1, false),
      mtu: number(args, 'mtu', 247, 23, 247),
      powerCutEvery: number(args, 'power-cuts', 0, 0, 1e6, false),
      hostile,
      accelerate: !args['no-accelerate'],
      native,
      nativeInterp: interp as NativeVariant
    },
    json: args.json === true,
    quiet: args.quiet === true
  }
}

/** Runs a simulation with a progress bar; returns its report. */
export function simulate (options: SimOptions, quiet: boolean, label = 'simulating'): SimReport {
  const bar = quiet ? undefined : progressBar()
  const onProgress = bar ? (f: number) => bar(label, f) : undefined
  const t0 = performance.now()
  const sim = new MeshSimulator({ ...options, onProgress })
  try {
    sim.run()
    onProgress?.(1)
    return report(sim, (performance.now() - t0) / 1000)
  } finally {
    sim.close() // native board processes end here, whatever happened
  }
}

export function simCommand (argv: string[]): void {
  const { options, json, quiet } = simOptions(argv)
  const r = simulate(options, quiet) // progress is on stderr, so it never mixes with --json on stdout
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
