// `picobadge test`: the shared test vectors on a board and in Node, and
// where they differ (docs/RPC.md).

import { parseArgs, text, number, UsageError } from '../args.js'
import { buildVectors } from '../rpc/vectors.js'
import { compare } from '../rpc/compare.js'
import { LocalTarget } from '../rpc/target.js'
import { BoardTarget } from '../rpc/board.js'
import { serialTransport, transportPair } from '../rpc/transport.js'
import { SimulatedBoard } from '../rpc/sim-board.js'
import { NativeBoard } from '../native/board.js'

export const TEST_HELP = `picobadge test — run the shared test vectors on a board and in Node, and compare

usage: picobadge test --port PORT [--baud N] [--seed S] [--destructive]
       picobadge test --native [--interp classic|fast] [--asan] [--seed S] [--destructive]
       picobadge test --simulated-board [--seed S] [--destructive]

  --port PORT          the board's serial port (picobadge ports lists them; a native
                       board started with --serial pty prints its /dev/pts/N)
  --native             the native board (boards/native, the firmware's C under WAMR) as a
                       child process on its stdio, with build/core.wasm as a freshly signed
                       app image and a fresh flash file (build it: node scripts/native.mjs)
  --interp MODE        WAMR's interpreter for --native: classic (default) or fast
  --asan               --native built with AddressSanitizer and UBSan
  --simulated-board    a board simulated in this process (docs/RPC.md), to see how it goes
  --seed S             which vectors (default 1)
  --destructive        also run store and collector scenarios: they mount the board's
                       flash region, so what the badge stored is gone

The board's firmware answers the RPC in docs/RPC.md. Exit code 0 when every
answer agrees, 1 when some differ (each difference is listed).
`

export async function testCommand (argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['port', 'baud', 'seed', 'interp'], ['simulated-board', 'destructive', 'native', 'asan'])
  const port = text(args, 'port')
  const targets = [port, args['simulated-board'], args.native].filter(Boolean).length
  if (targets === 0) throw new UsageError('--port is needed (or --native, or --simulated-board)')
  if (targets > 1) throw new UsageError('one board: --port, --native or --simulated-board')
  const interp = text(args, 'interp') ?? 'classic'
  if (interp !== 'classic' && interp !== 'fast') throw new UsageError('--interp is classic or fast')
  if ((args.interp !== undefined || args.asan) && !args.native) throw new UsageError('--interp and --asan go with --native')
  const seed = number(args, 'seed', 1, 0, 0xffffffff)
  let board: BoardTarget
  if (port) board = new BoardTarget(await serialTransport(port, number(args, 'baud', 115200, 1200, 4_000_000)), { console: b => process.stderr.write(b) })
  else if (args.native) {
    const native = new NativeBoard({ variant: args.asan ? (interp === 'fast' ? 'asan-fast' : 'asan') : interp, onStderr: s => process.stderr.write(s) })
    board = new BoardTarget(native.transport())
  } else {
    const [host, device] = transportPair()
    void new SimulatedBoard(device)
    board = new BoardTarget(host)
  }
  try {
    const hello = await board.hello()
    process.stdout.write(`board: ${hello.board} (RPC ${hello.version}, core uses ${hello.memoryUsed} bytes, I/O window ${hello.ioCap})\n`)
    const local = new LocalTarget()
    const node = await local.hello()
    if (node.memoryUsed !== hello.memoryUsed) process.stdout.write(`note: the board's core uses ${hello.memoryUsed} bytes, this one ${node.memoryUsed}: different builds?\n`)
    const vectors = buildVectors(seed, { destructive: args.destructive === true })
    const r = await compare(board, local, vectors, (done, total) => { if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} vectors`) })
    if (process.stderr.isTTY) process.stderr.write('\n')
    for (const [group, g] of r.groups) process.stdout.write(`${g.differing === 0 ? 'agree' : 'DIFFER'}  ${group}: ${g.vectors} vectors${g.differing ? `, ${g.differing} differ` : ''}\n`)
    for (const d of r.differences) process.stdout.write(`  ${d.vector.group} / ${d.vector.name}, call ${d.call + 1}: ${d.what}\n`)
    process.stdout.write(`${r.vectors - new Set(r.differences.map(d => d.vector)).size} of ${r.vectors} vectors agree (${r.calls} calls)\n`)
    return r.differences.length === 0 ? 0 : 1
  } finally {
    await board.close()
  }
}
