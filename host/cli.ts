#!/usr/bin/env node
// The `picobadge` command: one subcommand per job.

import { simCommand, demoCommand, SIM_HELP } from './sim/command.js'
import { webCommand, WEB_HELP } from './commands/web.js'
import { UsageError } from './args.js'
import { keysCommand, KEYS_HELP } from './commands/keys.js'
import { buildCommand, BUILD_HELP } from './commands/build.js'
import { flashNrf52Command, FLASH_NRF52_HELP } from './commands/flash.js'
import { esp32FlashCommand, ESP32_FLASH_HELP } from './flash/command.js'
import { testCommand, TEST_HELP } from './commands/test.js'
import { monitorCommand, MONITOR_HELP } from './commands/monitor.js'
import { portsCommand, PORTS_HELP } from './commands/ports.js'
import { beaconCommand, BEACON_HELP } from './commands/beacon.js'
import { enrolCommand, ENROL_HELP } from './commands/enrol.js'
import { statusCommand, STATUS_HELP } from './commands/status.js'
import { RpcError } from './rpc/frames.js'
import { KeyFileError } from './keyfile.js'
import { BuildError } from './build.js'
import { ImageError } from './image.js'
import { Nrf52ImageError } from './flash/nrf52.js'
import { Uf2DriveError } from './flash/uf2-drive.js'
import { DfuError } from './flash/dfu.js'
import { PortError } from './rpc/transport.js'
import { WriteError } from './write.js'
import { AppImageError } from './image-check.js'
import { NotBuiltError } from './not-built.js'
import { NativeBoardError } from './native/board.js'

const HELP = `picobadge — PicoStack for badge meshes

usage: picobadge <command> [options]

commands:
  sim     simulate an event: badges running the real core over a Bluetooth LE model
  demo    the demo \`npm start\` runs: 40 badges, 90 minutes
  ports   serial ports, with their USB ids and a guess of the board
  keys    make and show event keys (they sign app images) and badge keys
  build   compile the badge app and wrap it in an image signed by the event key
  flash   write firmware and the app image to a board (--board esp32 or nrf52)
  monitor the board's serial console, with timestamps and decoded log lines
  test    run the shared test vectors on a board and in Node, and compare
  beacon  sign the time with the event key: badges' clocks may jump to it
  enrol   sign a badge's key with the event key: its chain is admitted over guests
  status  what the running badge on a serial port holds: mesh clock, chains, counters
  web     a browser page: flash a badge over Web Serial, watch a simulated mesh live
  help    this text; \`picobadge <command> --help\` for a command's options
`

function flashCommand (argv: string[]): void | number | Promise<void | number> {
  const i = argv.indexOf('--board')
  const board = i >= 0 ? argv[i + 1] : argv.find(a => a.startsWith('--board='))?.slice(8)
  if (board === 'nrf52') return flashNrf52Command(argv)
  if (board === 'esp32') return esp32FlashCommand(argv)
  throw new UsageError(board ? `unknown board '${board}' (esp32, nrf52)` : '--board is needed: esp32 or nrf52')
}

const FLASH_HELP = `picobadge flash --board esp32|nrf52 — write firmware and the app image to a board

${ESP32_FLASH_HELP}
${FLASH_NRF52_HELP}`

const commands: Record<string, { run: (argv: string[]) => void | number | Promise<void | number>, help: string }> = {
  sim: { run: simCommand, help: SIM_HELP },
  demo: { run: demoCommand, help: 'picobadge demo [--seed S] [--quiet]: the demo `npm start` runs.\n' },
  ports: { run: portsCommand, help: PORTS_HELP },
  keys: { run: keysCommand, help: KEYS_HELP },
  build: { run: buildCommand, help: BUILD_HELP },
  flash: { run: flashCommand, help: FLASH_HELP },
  monitor: { run: monitorCommand, help: MONITOR_HELP },
  test: { run: testCommand, help: TEST_HELP },
  beacon: { run: beaconCommand, help: BEACON_HELP },
  enrol: { run: enrolCommand, help: ENROL_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  web: { run: webCommand, help: WEB_HELP }
}

/** Errors that are the user's input or situation, not a bug: a message, no stack. */
const EXPECTED = [KeyFileError, BuildError, ImageError, Nrf52ImageError, Uf2DriveError, RpcError, DfuError, PortError, WriteError, AppImageError, NotBuiltError, NativeBoardError]

/** A system error from a file or a port (ENOENT, EACCES, …): its message names the path, which is the one line worth showing. */
const systemError = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string'

/** The second line of a usage error: where the options are (the help itself is many lines, and buries the error). */
const usageHint = (name: string) => `see \`picobadge ${name} --help\` for its options`

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') { process.stdout.write(HELP); return name === undefined ? 1 : 0 }
  const cmd = commands[name]
  if (!cmd) { process.stderr.write(`picobadge: unknown command '${name}' (${Object.keys(commands).join(', ')})\nsee \`picobadge help\` for what each does\n`); return 2 }
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(cmd.help); return 0 }
  try {
    const code = await cmd.run(rest)
    return typeof code === 'number' ? code : 0
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`picobadge ${name}: ${e.message}\n${usageHint(name)}\n`); return 2 }
    if (EXPECTED.some(k => e instanceof k)) { process.stderr.write(`picobadge ${name}: ${(e as Error).message}\n`); return 1 }
    if (systemError(e)) { process.stderr.write(`picobadge ${name}: ${e.message}\n`); return 1 }
    // A bug, not the user's input: one line, and the stack only when asked for.
    // (Never re-thrown: binaryen, loaded by \`build\`, installs an uncaughtException
    // handler that re-throws and makes Node print its 8 MB source line.)
    process.stderr.write(`picobadge ${name}: internal error: ${(e as Error)?.message ?? String(e)} — a bug; please report it (PICOBADGE_DEBUG=1 shows the stack)\n`)
    if (process.env.PICOBADGE_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`)
    return 70
  }
}

process.exitCode = await main(process.argv.slice(2))
