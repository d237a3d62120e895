// `picobadge enrol`: the desk signs an attendee's badge key with the event
// key (docs/SYNC.md §6.1). The badge hands the cert to its core
// (badge_enrol), which keeps it on flash and founds its chain with it, so
// every badge of the event admits that chain however many made-up keys are
// around; chains without one are guests, at most 16 on each badge.
// This signs; it does not talk to the badge. The board RPC (docs/RPC.md)
// reaches the core only in test mode, where the badge is stopped and the
// core is not the badge's (boards/common/badge.c), so the cert reaches a
// badge through its firmware (badge_enrol), not through `--port` yet.

import { parseArgs, text, UsageError } from '../args.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput } from '../write.js'
import { enrolCert } from '../enrol.js'
import { fromHex, toHex } from '../bytes.js'

export const ENROL_HELP = `picobadge enrol — an enrolment cert for a badge, signed by the event key

usage:
  picobadge enrol --key event.key --badge PUBKEY [--out FILE]

  --badge PUBKEY  the badge's public key, 64 hex digits (its identity: badge_identity)
  --out FILE      write the 64 bytes there (default: print them as hex)

Hand it to the badge before its first post (badge_enrol): its chain then
starts with an enrol block, and every badge that knows the event key takes
it, however many chains of unenrolled keys (guests, 16 at most) it holds.
`

export function enrolCommand (argv: string[]): void {
  const args = parseArgs(argv, ['key', 'badge', 'out'], [])
  const keyPath = text(args, 'key')
  if (!keyPath) throw new UsageError('--key FILE is needed: the event key that enrols badges')
  const hex = text(args, 'badge')
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError('--badge PUBKEY is needed: the badge\'s public key, 64 hex digits')
  // The event key as build and flash read it: a badge key refused, one others can read warned of.
  const key = readEventKey(keyPath, warning => process.stderr.write(`warning: ${warning}\n`))
  const cert = enrolCert(key.secretKey, fromHex(hex))
  const out = text(args, 'out')
  if (out) {
    writeOutput(out, cert, { what: 'enrolment cert' }) // all or nothing, one line if it cannot
    process.stdout.write(`wrote the enrolment cert of badge ${hex.slice(0, 16)}… to ${out}\n`)
  } else process.stdout.write(`${toHex(cert)}\n`)
}
