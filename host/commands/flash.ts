// `picobadge flash --board nrf52`: one Intel HEX with the firmware and the
// app image, written as .hex / .uf2 files or copied onto the Adafruit
// bootloader's UF2 drive. (`--board esp32` lives in host/flash/esp32.ts.)

import { readFileSync } from 'node:fs'
import { parseArgs, text, UsageError } from '../args.js'
import { parseHex, mergeNrf52, appBinary, checkUf2Start, NRF52840 } from '../flash/nrf52.js'
import { dfuFlash } from '../flash/dfu.js'
import { serialTransport } from '../rpc/transport.js'
import { progressBar } from '../progress.js'
import { toUf2 } from '../flash/uf2.js'
import { chooseDrive, copyToDrive } from '../flash/uf2-drive.js'
import { describeImage } from '../image.js'
import { checkAppImage } from '../image-check.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput, checkOutputPath } from '../write.js'

export const FLASH_NRF52_HELP = `picobadge flash --board nrf52 — firmware and app image for an nRF52840 badge

usage: picobadge flash --board nrf52 [--hex zephyr.hex] [--app app.pbimg [--key EVENT.key]] [--out FILE.hex|FILE.uf2] [--drive DIR | --port PORT]

  --hex FILE    the firmware: Zephyr's build/zephyr/zephyr.hex (must end below 0x094000)
  --app FILE    the signed app image (picobadge build), written at 0x0D4000; its
                length and SHA-512 are checked before anything is written
  --key FILE    the event key: the image's signature is checked too, as the badge will
  --out FILE    write one merged .hex or .uf2 file instead of flashing
  --drive DIR   the bootloader's UF2 drive (default: found among mounted drives)
  --port PORT   flash over the bootloader's serial DFU instead (the firmware must be
                built for the application start, 0x026000)

Double-tap the board's reset button first: the Adafruit bootloader's drive
and serial port appear. The layout
is in host/flash/nrf52.ts and docs/FLASHING.md.
`

function readFile (path: string, what: string): Uint8Array {
  try { return readFileSync(path) } catch (e) { throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`) }
}

export async function flashNrf52Command (argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['board', 'hex', 'app', 'out', 'drive', 'port', 'baud', 'key'], [])
  const hexPath = text(args, 'hex')
  const appPath = text(args, 'app')
  if (!hexPath && !appPath) throw new UsageError('give --hex (the firmware), --app (the app image), or both')
  const firmware = hexPath ? parseHex(new TextDecoder().decode(readFile(hexPath, 'firmware')), hexPath) : undefined
  const image = appPath ? readFile(appPath, 'app image') : undefined
  const keyPath = text(args, 'key')
  if (keyPath && !image) throw new UsageError('--key checks the app image: give --app too')
  // Before any file or board is written: the image is whole and unchanged (and, with --key, this event's).
  if (image) checkAppImage(image, appPath!, keyPath ? readEventKey(keyPath, w => process.stderr.write(`warning: ${w}\n`)).publicKey : undefined)
  // Its version: the board refuses an image older than one it has run (docs/ABI.md, "Rollback"); nothing here can know that floor.
  if (image) process.stdout.write(`${appPath}: ${describeImage(image)}\n`)
  const out = text(args, 'out')
  if (out && !/\.(hex|uf2)$/i.test(out)) throw new UsageError('--out must end in .hex or .uf2')
  if (out) checkOutputPath(out, 'merged file')
  const map = mergeNrf52(firmware, image, NRF52840)
  if (out) {
    if (/\.hex$/i.test(out)) writeOutput(out, map.asHexString() + '\n', { what: 'merged .hex' })
    else { checkUf2Start(map); writeOutput(out, toUf2(map), { what: 'merged .uf2' }) }
    process.stdout.write(`wrote ${out}\n`)
    return
  }
  const port = text(args, 'port')
  if (port) {
    if (text(args, 'drive')) throw new UsageError('--drive or --port, not both')
    const bin = appBinary(map)
    const t = await serialTransport(port, 115200)
    try {
      const bar = progressBar()
      await dfuFlash(t, bin, { progress: (sent, total) => bar(`flashing ${bin.length} bytes over serial DFU`, sent / total) })
    } finally { await t.close() }
    process.stdout.write(`flashed ${bin.length} bytes; the bootloader checked them and starts the firmware\n`)
    return
  }
  checkUf2Start(map)
  const drive = chooseDrive(text(args, 'drive'))
  const path = copyToDrive(drive, toUf2(map))
  process.stdout.write(`copied ${path}: the bootloader writes it and restarts the board\n`)
}
