// Hardware in the loop: an nRF52840 board with the Adafruit UF2 bootloader.
// Runs only when PICOBADGE_NRF52_DRIVE names its mounted bootloader drive
// (double-tap reset first); otherwise it reports as skipped.

import { describe, it, expect } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chooseDrive, copyToDrive } from '../host/flash/uf2-drive.js'
import { mergeNrf52 } from '../host/flash/nrf52.js'
import { toUf2 } from '../host/flash/uf2.js'
import { buildApp, defaultEntry } from '../host/build.js'

const drive = process.env.PICOBADGE_NRF52_DRIVE

describe.skipIf(!drive)('nRF52840 board (hardware in the loop; skipped: set PICOBADGE_NRF52_DRIVE to its UF2 drive)', () => {
  it('takes an app image through its UF2 drive and restarts', async () => {
    const d = chooseDrive(drive)
    const { image } = await buildApp(defaultEntry(), new Uint8Array(32).fill(1))
    copyToDrive(d, toUf2(mergeNrf52(undefined, image)))
    const t0 = Date.now()
    while (existsSync(join(d.path, 'INFO_UF2.TXT')) && Date.now() - t0 < 15_000) await new Promise(r => setTimeout(r, 250))
    expect(existsSync(join(d.path, 'INFO_UF2.TXT')), 'the bootloader restarted the board').toBe(false)
  }, 60_000)
})
