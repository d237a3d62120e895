// `picobadge flash --board esp32`: the command-line face of flashEsp32.
// host/cli.ts routes `flash --board esp32 …` here; the function takes the
// arguments after the subcommand and returns the exit code.

import type { SerialPortStream } from '@serialport/stream'
import { flashEsp32, type FlashEsp32Options } from './esp32.js'
import { parseOffset } from './flasher-args.js'
import { progressBar } from '../progress.js'
import { PICOBADGE_CSV_LINE } from './partitions.js'
import type { WebSerialPortInfo } from './web-serial.js'
import { listPorts } from './boards.js'
import { readFileSync } from 'node:fs'
import { describeImage } from '../image.js'
import { readEventKey } from '../keyfile.js'

export const ESP32_FLASH_HELP = `picobadge flash --board esp32 — write firmware and the badge's app image to an ESP32

usage: picobadge flash --board esp32 --port PORT [--build DIR] [--file OFFSET=PATH]... [--app IMAGE [--key EVENT.key]] [--app-only] [--baud N] [--no-stub]

  --port PORT          serial port of the board (/dev/ttyUSB0, /dev/cu.usbserial-0001, COM3)
  --build DIR          ESP-IDF build folder: writes what its flasher_args.json lists
  --file OFFSET=PATH   write PATH at OFFSET (e.g. 0x10000=badge.bin); repeatable; replaces
                       the build folder's file at that offset
  --app IMAGE          the badge's app image (.pbimg), written into the "picobadge"
                       partition of the partition table (0x8000 of the build or --file)
  --key EVENT.key      the event key: the app image's signature is checked before the
                       board is touched (its length and SHA-512 always are)
  --app-only           write only the app image; the firmware is left as it is (without
                       --build or --file, the partition table is read from the board)
  --baud N             transfer baud rate (default 460800; the ROM starts at 115200)
  --no-stub            talk to the ROM bootloader only, without esptool's flasher stub
  -h, --help           this text

The board is reset into its bootloader over DTR/RTS, every region is written
compressed and then checked against the bootloader's MD5 of the flash, and the
board is reset into the app. Any failure exits non-zero and says which file and
offset and what the board answered. The app partition is declared in
partitions.csv as:  ${PICOBADGE_CSV_LINE}
`

export class UsageError extends Error { override name = 'UsageError' }

/** Parse the command line into flashEsp32 options (without the port object). */
export function parseEsp32FlashArgs (argv: string[]): Omit<FlashEsp32Options, 'port'> & { port: string, keyPath?: string } {
  const o: Omit<FlashEsp32Options, 'port'> & { port?: string, keyPath?: string } = { files: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const eq = arg.indexOf('=')
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--port': o.port = value(); break
      case '--build': o.build = value(); break
      case '--app': o.app = value(); break
      case '--key': o.keyPath = value(); break
      case '--app-only': o.appOnly = true; break
      case '--no-stub': o.stub = false; break
      case '--board': { const b = value(); if (b !== 'esp32') throw new UsageError(`this command flashes ESP32 boards, not ${b}`); break }
      case '--baud': {
        const v = value()
        const n = Number(v)
        if (!Number.isInteger(n) || n < 9600 || n > 2_000_000) throw new UsageError(`--baud ${v}: give a baud rate between 9600 and 2000000`)
        o.baud = n
        break
      }
      case '--file': {
        const v = value()
        const at = v.indexOf('=')
        if (at <= 0 || at === v.length - 1) throw new UsageError(`--file ${v}: write it as OFFSET=PATH, e.g. 0x10000=build/badge.bin`)
        try { o.files!.push({ offset: parseOffset(v.slice(0, at), `--file ${v}`), path: v.slice(at + 1) }) } catch (e) { throw new UsageError((e as Error).message) }
        break
      }
      default: throw new UsageError(`unknown option ${arg}`)
    }
  }
  if (!o.port) throw new UsageError('--port is required (list ports with `picobadge ports`)')
  if (!o.build && o.files!.length === 0 && !o.app) throw new UsageError('nothing to flash: give --build DIR, --file OFFSET=PATH or --app IMAGE')
  if (o.appOnly && !o.app) throw new UsageError('--app-only needs --app IMAGE')
  if (o.keyPath && !o.app) throw new UsageError('--key checks the app image: give --app too')
  return o as Omit<FlashEsp32Options, 'port'> & { port: string, keyPath?: string }
}

export interface CommandIo {
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream & { isTTY?: boolean }
  /** Opens the port; tests pass a simulated board here. */
  openPort?: (path: string) => SerialPortStream
}

/** The USB ids of a real port, so esptool-js can pick the right reset for the bridge. */
async function portInfo (path: string): Promise<WebSerialPortInfo> {
  try {
    const p = (await listPorts()).find(q => q.path === path)
    return p?.vendorId && p.productId ? { usbVendorId: parseInt(p.vendorId, 16), usbProductId: parseInt(p.productId, 16) } : {}
  } catch { return {} }
}

export async function esp32FlashCommand (argv: string[], io: CommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  if (argv.includes('--help') || argv.includes('-h')) { stdout.write(ESP32_FLASH_HELP); return 0 }
  let opts: ReturnType<typeof parseEsp32FlashArgs>
  try {
    opts = parseEsp32FlashArgs(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    stderr.write(`picobadge flash: ${e.message}\nsee \`picobadge flash --help\` for its options\n`)
    return 2
  }
  // The image's version in the plan: the board checks the signature and refuses an image older than one it
  // has run (docs/ABI.md, "Rollback"); this side cannot know that floor. A file that does not parse is the board's to refuse.
  // Said with the result, so that a failed run writes nothing to stdout.
  let version = ''
  if (opts.app) { try { version = `${opts.app}: ${describeImage(readFileSync(opts.app))}\n` } catch { /* missing or not an image: flashEsp32 says so */ } }
  const bar = progressBar(stderr)
  try {
    const eventKey = opts.keyPath ? readEventKey(opts.keyPath, w => stderr.write(`warning: ${w}\n`)).publicKey : undefined
    const report = await flashEsp32({
      ...opts,
      eventKey,
      port: io.openPort ? io.openPort(opts.port) : opts.port,
      portInfo: io.openPort ? {} : await portInfo(opts.port),
      onProgress: p => bar(p.phase === 'write' || p.phase === 'verify' ? `${p.phase} ${p.path} @0x${p.offset!.toString(16)}` : p.phase, p.fraction)
    })
    stdout.write(`Flashed ${report.chip} on ${opts.port} (${report.stub ? 'flasher stub' : 'ROM bootloader'}), every region verified by MD5:\n`)
    for (const r of report.regions) stdout.write(`  0x${r.offset.toString(16).padStart(6, '0')}  ${String(r.size).padStart(8)} bytes  md5 ${r.md5}  ${r.path}\n`)
    if (report.appPartition) stdout.write(`App image in partition "${report.appPartition.label}" (0x${report.appPartition.offset.toString(16)}, ${report.appPartition.size} bytes). The board was reset into its firmware.\n`)
    stdout.write(version)
    return 0
  } catch (e) {
    stderr.write(`${stderr.isTTY ? '\n' : ''}picobadge flash: ${(e as Error).message}\n`) // on a terminal, below the progress bar
    return 1
  }
}
