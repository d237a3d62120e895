// Builds boards/esp32 and boards/nrf52 with their SDKs when those are
// installed, and checks that what the build produces is what `picobadge
// flash` writes where the firmware reads. Neither SDK is installable from
// the package registries, so where one is absent its test is reported as
// skipped, and its name says what is missing.
//
//   ESP32:  IDF_PATH set and idf.py on PATH (ESP-IDF 5.x, export.sh sourced)
//   nRF52:  ZEPHYR_BASE set, west on PATH, and WAMR_DIR a WAMR source tree (2.4)

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, delimiter } from 'node:path'
import { planEsp32Flash } from '../host/flash/esp32.js'
import { parseHex, mergeNrf52, NRF52840 } from '../host/flash/nrf52.js'
import { toHex } from '../host/bytes.js'
import { publicKeyOf } from '../host/ed25519.js'

const root = join(__dirname, '..')
const onPath = (cmd: string) => (process.env.PATH ?? '').split(delimiter).some(d => d && existsSync(join(d, cmd)))
const eventKey = () => toHex(publicKeyOf(new Uint8Array(32).fill(0x42)))

function missing (needs: Array<[boolean, string]>): string | undefined {
  const why = needs.filter(([ok]) => !ok).map(([, what]) => what)
  return why.length ? why.join(', ') : undefined
}

const espMissing = missing([[!!process.env.IDF_PATH, 'IDF_PATH is not set'], [onPath('idf.py'), 'idf.py is not on PATH']])
const zephyrMissing = missing([
  [!!process.env.ZEPHYR_BASE, 'ZEPHYR_BASE is not set'],
  [onPath('west'), 'west is not on PATH'],
  [!!process.env.WAMR_DIR && existsSync(join(process.env.WAMR_DIR, 'build-scripts', 'runtime_lib.cmake')), 'WAMR_DIR is not a WAMR source tree']
])

function run (cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-4000) }
}

describe('ESP32 firmware (ESP-IDF)', () => {
  it.skipIf(espMissing)(espMissing ? `skipped: the ESP-IDF build needs ESP-IDF 5.x (${espMissing})` : 'idf.py build makes a firmware picobadge flash places beside the app image', () => {
    const out = mkdtempSync(join(tmpdir(), 'pb-esp32-'))
    const key = join(out, 'key.defaults')
    writeFileSync(key, `CONFIG_PICOBADGE_EVENT_KEY="${eventKey()}"\n`)
    const r = run('idf.py', ['-C', join(root, 'boards', 'esp32'), '-B', out, `-DSDKCONFIG=${join(out, 'sdkconfig')}`,
      `-DSDKCONFIG_DEFAULTS=${join(root, 'boards', 'esp32', 'sdkconfig.defaults')};${key}`, 'set-target', 'esp32', 'build'], root)
    expect(r.status, r.out).toBe(0)
    const app = join(out, 'app.pbimg')
    writeFileSync(app, new Uint8Array(1000).fill(1))
    const plan = planEsp32Flash({ build: out, app })
    expect(plan.appPartition).toMatchObject({ label: 'picobadge', offset: 0x190000 })
    const firmware = plan.regions.find(r => r.offset === 0x10000)
    expect(firmware, 'the firmware at the factory partition').toBeDefined()
    expect(firmware!.data.length).toBeLessThanOrEqual(0x180000)
  }, 30 * 60_000)
})

describe('nRF52840 firmware (Zephyr)', () => {
  for (const board of ['nrf52840dk/nrf52840', 'adafruit_feather_nrf52840/nrf52840/uf2']) {
    it.skipIf(zephyrMissing)(zephyrMissing ? `skipped: the ${board} build needs Zephyr 3.7+ and WAMR (${zephyrMissing})` : `west build -b ${board} makes a zephyr.hex that ends below the badge's flash region`, () => {
      const out = mkdtempSync(join(tmpdir(), 'pb-nrf52-'))
      const r = run('west', ['build', '-p', 'always', '-b', board, '-d', out, join(root, 'boards', 'nrf52'), '--',
        `-DWAMR_DIR=${process.env.WAMR_DIR}`, `-DCONFIG_PICOBADGE_EVENT_KEY="${eventKey()}"`], root)
      expect(r.status, r.out).toBe(0)
      const hex = join(out, 'zephyr', 'zephyr.hex')
      const map = parseHex(readFileSync(hex, 'utf8'), hex)
      const start = Math.min(...[...map.keys()])
      expect(start).toBe(board.endsWith('/uf2') ? 0x26000 : 0)
      // mergeNrf52 refuses a firmware reaching the badge's region: what picobadge flash --hex does.
      const merged = mergeNrf52(map, new Uint8Array(1000).fill(1))
      expect(merged.get(NRF52840.image)?.length).toBe(1000)
    }, 30 * 60_000)
  }
})
