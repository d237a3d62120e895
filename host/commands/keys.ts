// `picobadge keys`: make and show event keys (they sign app images) and
// badge keys (identities made at the desk).

import { parseArgs, text, UsageError } from '../args.js'
import { newKey, readKeyFile, writeKeyFile, KeyKind } from '../keyfile.js'
import { toHex } from '../bytes.js'

export const KEYS_HELP = `picobadge keys — event and badge keys

usage:
  picobadge keys new --event --out event.key [--force]   a key that signs your event's app images
  picobadge keys new --badge --out badge.key [--force]   an identity for one badge
  picobadge keys show FILE                               the public key (and a badge's advertised id)

Key files are JSON, readable only by you. Keep the event key secret: every
badge flashed with its public key runs any app image it signs.
`

export function keysCommand (argv: string[]): void {
  const [sub, ...rest] = argv
  if (sub === 'new') {
    const args = parseArgs(rest, ['out'], ['event', 'badge', 'force'])
    if (args.event === args.badge) throw new UsageError('say which key: --event or --badge')
    const out = text(args, 'out')
    if (!out) throw new UsageError('--out FILE is needed: where to write the key')
    const kind: KeyKind = args.event ? 'event-key' : 'badge-key'
    const key = newKey(kind)
    writeKeyFile(out, key, { overwrite: args.force === true })
    process.stdout.write(`wrote ${kind} ${out}\npublic key ${toHex(key.publicKey)}\n`)
    return
  }
  if (sub === 'show') {
    const [file, ...more] = rest
    if (!file || more.length) throw new UsageError('usage: picobadge keys show FILE')
    const key = readKeyFile(file)
    process.stdout.write(`${key.kind} ${file}\npublic key ${toHex(key.publicKey)}\n`)
    if (key.kind === 'badge-key') process.stdout.write(`advertised id ${toHex(key.publicKey.subarray(0, 4))}\n`)
    return
  }
  throw new UsageError(sub ? `unknown keys command '${sub}'` : 'keys needs a command: new or show')
}
