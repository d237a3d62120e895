// `picobadge sim` and the demo `npm start` runs: a simulated event, its
// progress on stderr, and the report (text, or --json for machines).

import { HostileKind, HOSTILE_KINDS, SimOptions } from './mesh.js'
import { ThreadedSimulator, defaultThreads } from './threads.js'
import { ATTACKS } from './hostile/index.js'
import { report, renderReport, SimReport } from './report.js'
import { progressBar } from '../progress.js'
import { parseArgs, number, UsageError } from '../args.js'
import { NATIVE_VARIANTS, NativeVariant } from '../native/board.js'
import { readFileSync } from 'node:fs'
import { parseVenue, venueCapacity, VenueError } from './venue-file.js'
import type { Venue } from './venue.js'

export const SIM_HELP = `picobadge sim — a simulated event: badges running the real core.wasm, on a
conference floor, talking over a model of Bluetooth LE.

usage: picobadge sim [--badges N] [--minutes M] [--seed S] [options]

  --badges N        badges on the floor, 2 to 10000 (default 40)
  --minutes M       simulated minutes, 0.1 to 1440 (default 10)
  --seed S          random seed, 0 to 2^32-1; the same seed replays the same event (default 1)
  --posters F       share of badges that post a contact card, 0 to 1 (default 0.3, at most 80 badges)
  --venue FILE      the floor, described in a small JSON file: rooms (position, size,
                    capacity), which rooms people walk to from each, and sessions
                    (docs/VENUE.md); default: wings of a hall and 9 talk rooms, about
                    25 people a room, as many wings as the badges need
  --mtu N           largest ATT MTU the badges negotiate, 23 to 247 (default 247)
  --power-cuts M    each badge loses power about every M minutes, 0 to 1e6 (default 0: never)
  --hostile KINDS   hostile badges, one per kind named (comma-separated; a kind named twice
                    makes two badges), the last badges by index; 'all' is one of each kind;
                    'each' runs the event once without hostile badges and once per attack
                    of #12 (one badge of that kind), and tabulates what each one cost
  --attack-from M   the #12 attacks start at minute M (before, those badges sync honestly,
                    learning chains; default 0)
                    The attacks of issue #12 (host/sim/hostile/, one file each):
                      clock        HELLOs claiming a mesh time 10 hours ahead, each under a
                                   key made up for the link, reconnecting every 1.5 s
                      hijack       blocks signed by the attacker on other badges' chain heads
                                   (their cards renamed and re-dated), lured by LISTing each
                                   chain one block higher than it is
                      push         chains nobody held, 8 offered a link on links that come and
                                   go, and unasked chains pushed in BLOCKS after the asked one
                      replay       each chain LISTed at twice its height, answered with the
                                   whole chain from genesis: held, valid blocks that cost
                                   signature checks (on links it syncs itself: earlier
                                   frames repeated)
                      advert-spam  10 adverts a second from made-up addresses with made-up
                                   chain sets and free slots (connections to nobody)
                      impersonate  HELLOs under another badge's key (heard on earlier links),
                                   links held without DONE, to lock the victim out
                      collide      versions of 8 chains of its own ground so that two sets, one
                                   with a victim's card, have equal protocol-2 (unkeyed) sums;
                                   each half of the badges is handed one set, HELLOs claim the sum
                    and older ones: garbage (random frames), reorder (swapped frames),
                    forge (chains with bad signatures), flood (40 valid new chains)
                    The report then says what the honest badges lost: posts not delivered,
                    honest chains evicted, cards rewritten, states forgotten before their
                    time, mesh clocks against the 5 min skew bound; and per kind what the
                    hostile badges did and what honest badges counted against them.
  --no-accelerate   every badge verifies every signature itself (slow; verdicts are the same)
  --native K        K of the badges (spread evenly by index, never a hostile one) are native
                    board processes: the C firmware under real WAMR (boards/native), its flash a
                    file, killed with SIGKILL at each power cut and restarted from that file.
                    Build it first: node scripts/native.mjs
  --native-interp I the native board's WAMR interpreter: classic (default) or fast
                    (asan, asan-fast: the same under AddressSanitizer and UBSan)
  --threads N       split the badges over N threads, 1 to 64 (default: one per core, about
                    500 badges a thread at least); any N gives the same report for a seed
  --json            print the report as JSON on stdout (progress stays on stderr: --quiet drops it)
  --quiet           no progress bar
`

const HOSTILE: HostileKind[] = HOSTILE_KINDS

/** Reads the sim options from command-line arguments. */
export function simOptions (argv: string[]): { options: SimOptions, threads: number, json: boolean, quiet: boolean, each: boolean, fromMinute: number } {
  const args = parseArgs(argv, ['badges', 'minutes', 'seed', 'posters', 'mtu', 'power-cuts', 'hostile', 'attack-from', 'native', 'native-interp', 'venue', 'threads'], ['json', 'quiet', 'no-accelerate', 'help'])
  if (args.help) throw new UsageError('')
  const badges = number(args, 'badges', 40, 2, 10_000)
  const fromMinute = number(args, 'attack-from', 0, 0, 24 * 60, false)
  const each = args.hostile === 'each'
  const hostile = typeof args.hostile === 'string' && !each
    ? args.hostile.split(',').flatMap(k => k === 'all' ? HOSTILE : [k]).map((k, i) => {
      if (!HOSTILE.includes(k as HostileKind)) throw new UsageError(`--hostile: unknown kind ${k} (${HOSTILE.join(', ')}, all or each)`)
      return { badge: badges - 1 - i, kind: k as HostileKind, fromMinute }
    })
    : undefined
  if (hostile && hostile.length >= badges) throw new UsageError('--hostile: more hostile badges than badges')
  const native = number(args, 'native', 0, 0, badges - (hostile?.length ?? 0))
  const interp = args['native-interp'] ?? 'classic'
  if (typeof interp !== 'string' || !NATIVE_VARIANTS.includes(interp as NativeVariant)) throw new UsageError(`--native-interp: classic or fast (or ${NATIVE_VARIANTS.slice(2).join(', ')}), not ${String(interp)}`)
  const venue = typeof args.venue === 'string' ? readVenue(args.venue, badges) : undefined
  const threads = number(args, 'threads', native > 0 ? 1 : defaultThreads(badges), 1, Math.min(64, badges))
  if (native > 0 && threads > 1) throw new UsageError('--threads: native badges run on one thread (--threads 1)')
  return {
    each,
    fromMinute,
    threads,
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
      nativeInterp: interp as NativeVariant,
      venue
    },
    json: args.json === true,
    quiet: args.quiet === true
  }
}

/** The floor of --venue FILE, for `badges` people; a UsageError (one line) when it cannot be read or is wrong. */
function readVenue (file: string, badges: number): Venue {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (e) { throw new UsageError(`--venue: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`) }
  let venue: Venue
  try { venue = parseVenue(text) } catch (e) {
    if (e instanceof VenueError) throw new UsageError(`--venue ${file}: ${e.message.replace(/^venue: /, '')}`)
    throw e
  }
  const room = venueCapacity(venue)
  if (room < badges) throw new UsageError(`--venue ${file}: its rooms hold ${room} people, fewer than the ${badges} badges`)
  return venue
}

/** Runs a simulation with a progress bar (simulated minute, badges, time left); returns its report. */
export function simulate (options: SimOptions, quiet: boolean, label = 'simulating', threads = 1): SimReport {
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
export function simulateEach (options: SimOptions, quiet: boolean, fromMinute = 0, threads = 1): AttackRow[] {
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
