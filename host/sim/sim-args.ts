// The options of `picobadge sim`, read from its command line (the page's
// simulation reads them too: web/sim-worker.ts). Nothing here starts a
// thread; command.ts runs what they describe.

import { HostileKind, HOSTILE_KINDS, SimOptions } from './options.js'
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
                    5,000 badges a thread at least); any N gives the same report for a seed
  --json            print the report as JSON on stdout (progress stays on stderr: --quiet drops it)
  --quiet           no progress bar
`

const HOSTILE: HostileKind[] = HOSTILE_KINDS

/** Reads the sim options from command-line arguments; `threads` is undefined when not given (command.ts picks). */
export function simOptions (argv: string[]): { options: SimOptions, threads: number | undefined, json: boolean, quiet: boolean, each: boolean, fromMinute: number } {
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
  const threads = args.threads === undefined ? undefined : number(args, 'threads', 1, 1, Math.min(64, badges))
  if (native > 0 && threads !== undefined && threads > 1) throw new UsageError('--threads: native badges run on one thread (--threads 1)')
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

