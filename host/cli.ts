#!/usr/bin/env node
// The `picobadge` command: one subcommand per job.

import { simCommand, demoCommand, SIM_HELP, UsageError } from './sim/command.js'

const HELP = `picobadge — PicoStack for badge meshes

usage: picobadge <command> [options]

commands:
  sim     simulate an event: badges running the real core over a Bluetooth LE model
  demo    the demo \`npm start\` runs: 40 badges, 90 minutes
  help    this text; \`picobadge <command> --help\` for a command's options
`

const commands: Record<string, { run: (argv: string[]) => void, help: string }> = {
  sim: { run: simCommand, help: SIM_HELP },
  demo: { run: demoCommand, help: 'picobadge demo [--seed S] [--quiet]: the demo `npm start` runs.\n' }
}

function main (argv: string[]): number {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') { process.stdout.write(HELP); return name === undefined ? 1 : 0 }
  const cmd = commands[name]
  if (!cmd) { process.stderr.write(`picobadge: unknown command '${name}'\n\n${HELP}`); return 2 }
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(cmd.help); return 0 }
  try {
    cmd.run(rest)
    return 0
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`picobadge ${name}: ${e.message}\n\n${cmd.help}`); return 2 }
    throw e
  }
}

process.exitCode = main(process.argv.slice(2))
