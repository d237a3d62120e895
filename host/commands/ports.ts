// `picobadge ports`: serial ports, their USB ids, and what board each is likely to be.

import { parseArgs } from '../args.js'
import { listPorts, guessBoard, PortInfo } from '../flash/boards.js'

export const PORTS_HELP = `picobadge ports — serial ports with their USB ids and a guess of the board

usage: picobadge ports [--json]
`

export function renderPorts (ports: PortInfo[]): string {
  if (ports.length === 0) return 'no serial ports: is the board plugged in (and its cable not a charge-only one)?\n'
  return ports.map(p => {
    const id = p.vendorId ? `${p.vendorId.toLowerCase()}:${(p.productId ?? '').toLowerCase()}` : '—'
    const g = guessBoard(p)
    return `${p.path.padEnd(22)} ${id.padEnd(10)} ${g.board.padEnd(8)} ${g.what}${p.serialNumber ? ` (serial ${p.serialNumber})` : ''}`
  }).join('\n') + '\n'
}

export async function portsCommand (argv: string[]): Promise<void> {
  const args = parseArgs(argv, [], ['json'])
  const ports = await listPorts()
  process.stdout.write(args.json ? JSON.stringify(ports.map(p => ({ ...p, guess: guessBoard(p) })), null, 2) + '\n' : renderPorts(ports))
}
