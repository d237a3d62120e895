// `picobadge status --port P`: what the running badge on a serial port holds
// (badge_status: mesh clock, chains, blocks, links, bytes), from the RPC's
// STATUS request (docs/RPC.md). The board reads the status at its own clock
// and the badge goes on running: no test mode, unlike `picobadge test`.

import { parseArgs, text, number, UsageError } from '../args.js'
import { BoardTarget } from '../rpc/board.js'
import { serialTransport } from '../rpc/transport.js'
import { askStatus, onBoard, statusGroups, statusRefusal } from '../rpc/hand-over.js'

export const STATUS_HELP = `picobadge status — what the running badge on a serial port holds

usage:
  picobadge status --port PORT [--baud N] [--json]

  --port PORT the badge's serial port (picobadge ports lists them; a native board's pty works too)
  --baud N    the port's speed (default 115200)
  --json      the status as one JSON object (badge_status's fields, docs/ABI.md "Status")

Prints the badge's mesh clock, the chains it holds, the blocks and bytes it
moved and its links, one line each. The badge keeps running. A board in test
mode (after picobadge test) has no running badge: the exit code is then 1.
`

export async function statusCommand (argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['port', 'baud'], ['json'])
  const port = text(args, 'port')
  if (!port) throw new UsageError('--port PORT is needed: the serial port of the badge to ask')
  const baud = number(args, 'baud', 115200, 1200, 4_000_000)
  const open = async () => { const b = new BoardTarget(await serialTransport(port, baud), { timeoutMs: 3000, retries: 1 }); return { board: b, close: () => b.close() } }
  const r = await onBoard(open, port, 'STATUS', b => askStatus(b))
  if (r.status === undefined) { process.stderr.write(`picobadge status: the board on ${port} answered no status: ${statusRefusal(r.code)}\n`); return 1 }
  const s = r.status
  if (args.json) process.stdout.write(JSON.stringify({ ...s, fingerprint: s.fingerprint.toString(16).padStart(16, '0') }, null, 2) + '\n')
  else process.stdout.write(statusGroups(s).map(([k, v]) => `${k.padEnd(12)}${v}\n`).join(''))
  return 0
}
