// `picobadge web`: serves the page that flashes badges over Web Serial,
// runs the simulated mesh live, and talks to a badge (web/), from this
// install alone, and prints where to open it. Runs until stopped (Ctrl-C).

import { startWebServer } from '../web/server.js'
import { parseArgs, number, text, UsageError } from '../args.js'

export const WEB_HELP = `picobadge web — the browser page: flash a badge, watch a simulated mesh, talk to a badge

usage: picobadge web [--port N] [--host ADDRESS]

  --port N        the port to serve on, 0 to 65535 (default 8080; 0 picks a free one)
  --host ADDRESS  the address to listen on (default 127.0.0.1, this machine only)

Open the address it prints in Chrome, Edge or another Chromium browser:
flashing and the serial monitor use Web Serial, which browsers offer only
to pages from this machine (localhost, 127.0.0.1) or over https. The page,
its code and core.wasm all come from this install; nothing is fetched from
the network.
`

export async function webCommand (argv: string[], io: { stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream } = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  const args = parseArgs(argv, ['port', 'host'], [])
  const port = number(args, 'port', 8080, 0, 65535)
  const host = text(args, 'host') ?? '127.0.0.1'
  if (host === '') throw new UsageError('--host needs an address, like 127.0.0.1')
  let web
  try {
    web = await startWebServer({ port, host })
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why = err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use: stop what holds it, or pick another with --port N (0 for any free port)`
      : err.code === 'EACCES' ? `not allowed to listen on port ${port} (ports below 1024 need privileges): pick another with --port N`
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `${host} is not an address of this machine: try --host 127.0.0.1`
          : err.message
    stderr.write(`picobadge web: ${why}\n`)
    return 1
  }
  stdout.write(`picobadge web: open ${web.url} in a Chromium browser (Ctrl-C stops it)\n`)
  await new Promise<void>(resolve => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void web.close().then(resolve) }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return 0
}
