// Hardware in the loop: a real ESP32 on the port named by
// PICOBADGE_ESP32_PORT (e.g. /dev/ttyUSB0). Without it, the suite reports
// itself as skipped. With PICOBADGE_ESP32_BUILD naming an ESP-IDF build
// folder whose partition table has the picobadge partition, it also
// flashes that build and a random app image and checks them by MD5.
//
//   PICOBADGE_ESP32_PORT=/dev/ttyUSB0 npx vitest run tests/hil-esp32.test.ts

import { describe, test, expect } from 'vitest'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import { ESPLoader, Transport } from 'esptool-js'
import { NodeWebSerialPort } from '../host/flash/web-serial.js'
import { flashEsp32 } from '../host/flash/esp32.js'
import { randomBytes } from './support/esp32-board.js'

const PORT = process.env.PICOBADGE_ESP32_PORT
const BUILD = process.env.PICOBADGE_ESP32_BUILD
const title = PORT
  ? `hardware-in-the-loop: real ESP32 on ${PORT}`
  : 'hardware-in-the-loop: real ESP32 — skipped, no board attached (set PICOBADGE_ESP32_PORT=/dev/ttyUSB0 to run)'

describe.skipIf(!PORT)(title, () => {
  test('esptool-js through the Web Serial adapter detects the ESP32 and its flash', async () => {
    const device = new NodeWebSerialPort(new SerialPort({ path: PORT!, baudRate: 115200, autoOpen: false }))
    const transport = new Transport(device as unknown as ConstructorParameters<typeof Transport>[0], false)
    const lines: string[] = []
    const loader = new ESPLoader({ transport, baudrate: 460800, terminal: { clean () {}, write: (s: string) => lines.push(s), writeLine: (s: string) => lines.push(s) } })
    try {
      const chip = await loader.main()
      expect(chip).toMatch(/^ESP32/)
      expect(lines.join('\n')).toMatch(/Flash ID: /)
    } finally {
      await transport.disconnect().catch(() => {})
    }
  }, 60_000)

  test.skipIf(!BUILD)(`flashes ${BUILD ?? '(set PICOBADGE_ESP32_BUILD to an ESP-IDF build folder)'} and an app image, verified by MD5`, async () => {
    const image = join(mkdtempSync(join(tmpdir(), 'picobadge-hil-')), 'app.pbimg')
    writeFileSync(image, randomBytes(0x4000, Date.now() & 0xffff))
    const report = await flashEsp32({ port: PORT!, build: BUILD!, app: image })
    expect(report.chip).toBe('ESP32')
    expect(report.regions.length).toBeGreaterThan(1)
  }, 300_000)
})
