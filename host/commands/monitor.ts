// `picobadge monitor`: the board's serial console, decoded.

import { parseArgs, text, number, required } from '../args.js'
import { serialTransport, Transport } from '../rpc/transport.js'
import { ConsoleSplitter, decodeLine, formatLine } from '../monitor.js'

export const MONITOR_HELP = `picobadge monitor — the board's serial console, with timestamps and decoded log lines

usage: picobadge monitor --port PORT [--baud N] [--reset] [--raw]

  --port PORT   the board's serial port (picobadge ports lists them)
  --baud N      115200 by default (ESP-IDF's and the picobadge firmware's console)
  --reset       restart the board first (DTR/RTS, as esptool's hard reset)
  --raw         print lines as they come, undecoded

Ctrl-C ends it. Lines from ESP-IDF (E/W/I/D/V (ms) tag: text) and Zephyr
([hh:mm:ss.mmm,uuu] <lvl> tag: text) are shown with their level and the
board's time; RPC frames (docs/RPC.md) are left out.
`

/** Pulses the reset line with the boot pin high (run mode), as esptool's hard reset does. */
export async function hardReset (t: Transport): Promise<void> {
  if (!t.setSignals) return
  await t.setSignals({ dtr: false, rts: true })
  await new Promise(r => setTimeout(r, 100))
  await t.setSignals({ dtr: false, rts: false })
}

/** Prints the console of a transport, a decoded line at a time. */
export function attachMonitor (t: Transport, out: (line: string) => void, { raw = false, colour = false } = {}): void {
  const split = new ConsoleSplitter()
  t.onData(bytes => {
    for (const line of split.push(bytes)) out(raw ? line : formatLine(decodeLine(line), new Date(), colour))
  })
}

export async function monitorCommand (argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['port', 'baud'], ['reset', 'raw'])
  const port = required(args, 'port', 'the board\'s serial port (picobadge ports lists them)')
  const t = await serialTransport(port, number(args, 'baud', 115200, 1200, 4_000_000))
  process.stderr.write(`monitoring ${text(args, 'port')} — Ctrl-C to stop\n`)
  attachMonitor(t, line => process.stdout.write(line + '\n'), { raw: args.raw === true, colour: process.stdout.isTTY === true })
  if (args.reset) await hardReset(t)
  await new Promise<void>(resolve => process.once('SIGINT', () => resolve()))
  await t.close()
}
