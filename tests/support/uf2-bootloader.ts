// A simulated Adafruit nRF52 UF2 bootloader: its USB drive (a folder with
// INFO_UF2.TXT) and the chip's flash. It keeps the bootloader's contract:
// a .uf2 file copied onto the drive is read block by block; blocks for
// another family are ignored; blocks must be 256-byte pages that do not
// reach the bootloader itself; pages are erased and written (NOR: 4 KiB
// pages erase to 0xFF); then the board restarts and the drive goes away.

import { mkdtempSync, writeFileSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { readUf2 } from './uf2-reader.js'

export const NRF52840_FAMILY = 0xada52840
const BOOTLOADER = 0xf4000

export class SimulatedUf2Bootloader {
  readonly drive: string
  readonly flash = new Uint8Array(0x100000).fill(0xff)
  restarted = false

  constructor (boardId = 'nRF52840-Feather-revD', model = 'Adafruit Feather nRF52840 Express') {
    this.drive = mkdtempSync(join(tmpdir(), 'uf2-drive-'))
    writeFileSync(join(this.drive, 'INFO_UF2.TXT'), `UF2 Bootloader 0.6.0 lib/nrfx (v2.0.0)\r\nModel: ${model}\r\nBoard-ID: ${boardId}\r\nSoftDevice: S140 6.1.1\r\n`)
    writeFileSync(join(this.drive, 'INDEX.HTM'), '<html></html>')
  }

  /** What the bootloader does when the host has written a file: flash every UF2 on the drive, then restart. */
  process (): number {
    let written = 0
    for (const name of readdirSync(this.drive)) {
      if (!/\.uf2$/i.test(name)) continue
      const { family, memory } = readUf2(readFileSync(join(this.drive, name)))
      if (family !== NRF52840_FAMILY) continue
      const pages = new Set([...memory.keys()].map(a => a - (a % 4096)))
      for (const p of pages) if (p >= BOOTLOADER) throw new Error(`UF2 writes into the bootloader at 0x${p.toString(16)}`)
      for (const p of pages) this.flash.fill(0xff, p, p + 4096)
      for (const [a, b] of memory) this.flash[a] = b
      written += memory.size
    }
    if (written > 0) { this.restarted = true; rmSync(this.drive, { recursive: true, force: true }) }
    return written
  }
}
