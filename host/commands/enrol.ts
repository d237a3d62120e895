// `picobadge enrol`: the desk signs an attendee's badge key with the event
// key (docs/SYNC.md §6.1). The badge hands the cert to its core
// (badge_enrol), which keeps it on flash and founds its chain with it, so
// every badge of the event admits that chain however many made-up keys are
// around; chains without one are guests, at most 16 on each badge.
// With --port the cert goes to the running badge over its serial port (the
// RPC's ENROL request, docs/RPC.md), which answers with the core's code;
// without --badge the badge's key is asked of the badge first (IDENTITY).

import { parseArgs, text, number, UsageError } from '../args.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput } from '../write.js'
import { enrolCert } from '../enrol.js'
import { fromHex, toHex } from '../bytes.js'
import { BoardTarget } from '../rpc/board.js'
import { serialTransport } from '../rpc/transport.js'
import { askIdentity, enrolVerdict, handOverCert, onBoard } from '../rpc/hand-over.js'

export const ENROL_HELP = `picobadge enrol — an enrolment cert for a badge, signed by the event key

usage:
  picobadge enrol --key event.key --badge PUBKEY [--out FILE]
  picobadge enrol --key event.key --port PORT [--badge PUBKEY] [--out FILE] [--baud N]

  --badge PUBKEY  the badge's public key, 64 hex digits (its identity: badge_identity);
                  with --port, the key of the badge on the port when left out
  --out FILE      write the 64 bytes there
  --port PORT     hand the cert to the running badge on this serial port (picobadge ports
                  lists them; a native board's pty works too) and print what it answered
  --baud N        the port's speed (default 115200)
  Without --out or --port the cert is printed as hex.

Hand it to the badge before its first post (badge_enrol): its chain then
starts with an enrol block, and every badge that knows the event key takes
it, however many chains of unenrolled keys (guests, 16 at most) it holds.
The badge keeps running. It refuses a cert made for another badge or signed
by another event key than its own (-76), and one that comes after its first
post (-77); the exit code is then 1 and the line says which.
`

export async function enrolCommand (argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key', 'badge', 'out', 'port', 'baud'], [])
  const keyPath = text(args, 'key')
  if (!keyPath) throw new UsageError('--key FILE is needed: the event key that enrols badges')
  const hex = text(args, 'badge')
  const port = text(args, 'port')
  if (hex === undefined && !port) throw new UsageError('--badge PUBKEY is needed (or --port PORT, to ask the badge): the badge\'s public key, 64 hex digits')
  if (hex !== undefined && !/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError(`--badge: the badge's public key is 64 hex digits, not ${hex}`)
  if (args.baud !== undefined && !port) throw new UsageError('--baud is the speed of --port PORT: give both, or neither')
  const baud = number(args, 'baud', 115200, 1200, 4_000_000)
  // The event key as build and flash read it: a badge key refused, one others can read warned of.
  const key = readEventKey(keyPath, warning => process.stderr.write(`warning: ${warning}\n`))
  const out = text(args, 'out')
  const sign = (badge: Uint8Array): Uint8Array => {
    const cert = enrolCert(key.secretKey, badge)
    if (out) {
      writeOutput(out, cert, { what: 'enrolment cert' }) // all or nothing, one line if it cannot
      process.stdout.write(`wrote the enrolment cert of badge ${toHex(badge).slice(0, 16)}… to ${out}\n`)
    }
    return cert
  }
  if (!port) {
    const cert = sign(fromHex(hex!))
    if (!out) process.stdout.write(`${toHex(cert)}\n`)
    return 0
  }
  const open = async () => { const b = new BoardTarget(await serialTransport(port, baud), { timeoutMs: 3000, retries: 1 }); return { board: b, close: () => b.close() } }
  const v = await onBoard(open, port, hex === undefined ? 'IDENTITY' : 'ENROL', async b => {
    let badge: Uint8Array
    if (hex !== undefined) badge = fromHex(hex)
    else {
      const id = await askIdentity(b)
      if (id.code < 0) return { ok: false, line: `the board on ${port} has no badge key to enrol (code ${id.code}: its badge never started)` }
      badge = id.badge
    }
    return enrolVerdict(await handOverCert(b, sign(badge)), badge, key.publicKey)
  })
  if (v.ok) process.stdout.write(`${v.line}\n`)
  else process.stderr.write(`picobadge enrol: ${v.line}\n`)
  return v.ok ? 0 : 1
}
