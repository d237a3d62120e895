// `picobadge beacon`: the organiser signs the time with the event key. A
// badge that knows the event key (badge_event_key) and is handed the beacon
// (badge_beacon: a desk, a gateway, a phone) may jump its mesh clock to it
// and passes it on to its neighbours (docs/SYNC.md §7); neighbours alone
// move a clock only by bounded slew.

import { parseArgs, text, UsageError } from '../args.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput } from '../write.js'
import { beaconSign } from '../beacon.js'
import { toHex } from '../bytes.js'

export const BEACON_HELP = `picobadge beacon — a time beacon signed by the event key

usage:
  picobadge beacon --key event.key [--time T] [--out FILE]

  --time T    the time to sign: ms since 1970, or an ISO 8601 date (default: now)
  --out FILE  write the 72 bytes there (default: print them as hex)

Hand it to a badge (badge_beacon); badges pass the newest on. Sign the time
as it is: a beacon ahead of the real time pushes every badge's clock there.
`

export function beaconCommand (argv: string[]): void {
  const args = parseArgs(argv, ['key', 'time', 'out'], [])
  const keyPath = text(args, 'key')
  if (!keyPath) throw new UsageError('--key FILE is needed: the event key that signs the beacon')
  // The event key as build and flash read it: a badge key refused, one others can read warned of.
  const key = readEventKey(keyPath, warning => process.stderr.write(`warning: ${warning}\n`))
  const t = text(args, 'time')
  const time = t === undefined ? Date.now() : /^\d+$/.test(t) ? Number(t) : Date.parse(t)
  if (!Number.isSafeInteger(time) || time < 0) throw new UsageError(`--time: not a time: ${t}`)
  const beacon = beaconSign(key.secretKey, time)
  const out = text(args, 'out')
  if (out) {
    writeOutput(out, beacon, { what: 'beacon' }) // all or nothing, one line if it cannot
    process.stdout.write(`wrote beacon ${new Date(time).toISOString()} (${time}) to ${out}\n`)
  } else process.stdout.write(`${toHex(beacon)}\n`)
}
