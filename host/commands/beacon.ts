// `picobadge beacon`: the organiser signs the time with the event key. A
// badge that knows the event key (badge_event_key) and is handed the beacon
// (badge_beacon: a desk, a gateway, a phone) may jump its mesh clock to it
// and passes it on to its neighbours (docs/SYNC.md §7); neighbours alone
// move a clock only by bounded slew. With --port the beacon goes to the
// running badge over its serial port (the RPC's BEACON request, docs/RPC.md).

import { parseArgs, text, number, UsageError } from '../args.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput } from '../write.js'
import { beaconSign } from '../beacon.js'
import { toHex } from '../bytes.js'
import { BoardTarget } from '../rpc/board.js'
import { serialTransport } from '../rpc/transport.js'
import { beaconVerdict, handOverBeacon, onBoard } from '../rpc/hand-over.js'

export const BEACON_HELP = `picobadge beacon — a time beacon signed by the event key

usage:
  picobadge beacon --key event.key [--time T] [--out FILE] [--port PORT [--baud N]]

  --time T    the time to sign: ms since 1970, or an ISO 8601 date (default: now)
  --out FILE  write the 72 bytes there
  --port PORT hand the beacon to the running badge on this serial port (picobadge ports
              lists them; a native board's pty works too) and print what it answered
  --baud N    the port's speed (default 115200)
  Without --out or --port the beacon is printed as hex.

Hand it to a badge (badge_beacon); badges pass the newest on. Sign the time
as it is: a beacon ahead of the real time pushes every badge's clock there.
A badge refuses a beacon that is not signed by its event key (-75) or is not
newer than the one it holds (0); the exit code is then 1 and the line says which.
`

export async function beaconCommand (argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key', 'time', 'out', 'port', 'baud'], [])
  const keyPath = text(args, 'key')
  if (!keyPath) throw new UsageError('--key FILE is needed: the event key that signs the beacon')
  const port = text(args, 'port')
  if (args.baud !== undefined && !port) throw new UsageError('--baud is the speed of --port PORT: give both, or neither')
  const baud = number(args, 'baud', 115200, 1200, 4_000_000)
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
  }
  if (!port) {
    if (!out) process.stdout.write(`${toHex(beacon)}\n`)
    return 0
  }
  const open = async () => { const b = new BoardTarget(await serialTransport(port, baud), { timeoutMs: 3000, retries: 1 }); return { board: b, close: () => b.close() } }
  const reply = await onBoard(open, port, 'BEACON', b => handOverBeacon(b, beacon))
  const v = beaconVerdict(reply, beacon, key.publicKey)
  if (v.ok) process.stdout.write(`${v.line}\n`)
  else process.stderr.write(`picobadge beacon: ${v.line}\n`)
  return v.ok ? 0 : 1
}
