// picobadge web in a real headless Chromium (Debian's chromium, driven by
// playwright-core; scripts/install-system.sh installs it): the page loads
// clean; a seeded simulation in the page's Worker reports exactly what
// `picobadge sim --json` reports in Node (wall-clock figures aside); the
// mesh view is drawn (screenshots at start, mid-spread and end); an ESP32
// is flashed through the page over a Web Serial port whose far end is the
// simulated ROM bootloader, and a damaged image is refused before any byte
// is written; the frame rate with 200 badges, in a browser started without
// flags, is printed (not asserted);
// the page works at phone width. Skipped, saying why, without chromium or
// without the built page (npm run build).

import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startWebServer, type WebServer } from '../host/web/server.js'
import { SimulatedEsp32 } from '../host/flash/esp32-rom.js'
import { syntheticBuild, APP_PARTITION } from './support/esp32-board.js'
import { fakeWebSerial } from './support/web-serial-bridge.js'
import { MemoryMap } from '../host/flash/memory-map.js'
import { makeImage, eventPublicKey } from '../host/image.js'
import { toHex } from '../host/bytes.js'
import { Rng } from './support/rng.js'
import { SimulatedBoard } from '../host/rpc/sim-board.js'
import { SimulatedDfuBootloader } from './support/adafruit-dfu-bootloader.js'
import { appBinary, mergeNrf52, ADAFRUIT_APP_START, NRF52840 } from '../host/flash/nrf52.js'
import type { Transport } from '../host/rpc/transport.js'
import { transportPair } from '../host/rpc/transport.js'
import type { SerialDevice } from '../host/flash/virtual-port.js'
import { SlipDecoder, slipEncode } from '../host/slip.js'
import { decodeFrame, encodeFrame, T_IDENTITY, T_STATUS, T_HELLO, T_ERROR, REPLY } from '../host/rpc/frames.js'
import { Badge } from '../host/badge.js'
import { statusGroups } from '../host/rpc/hand-over.js'

const root = join(__dirname, '..')
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(p => existsSync(p))
const why = !CHROMIUM ? 'chromium is not installed (scripts/install-system.sh installs it)'
  : !existsSync(join(root, 'dist', 'web', 'main.js')) ? 'the page is not built (npm run build)' : undefined
if (why) console.warn(`tests/web.test.ts skipped: ${why}`)
const suite = why ? describe.skip : describe
/** Where the screenshots go (kept for a person to look at; the path is printed). */
let shots = ''

/** Wall-clock figures: the only ones allowed to differ between two runs of the same event. */
const WALL = ['wallSeconds', 'badgeMinutesPerSecond', 'timing']
/**
 * The report as `--json` prints it (JSON: no undefined fields), wall-clock figures aside, and the
 * signatures the host verified for real: Node's signer vouches for the PROOFs it made, a page cannot
 * sign (its cores do) and so verifies them all (the memo's hits and misses are the same).
 */
const withoutWall = (r: Record<string, unknown>) => {
  const out = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(r)) as Record<string, unknown>).filter(([k]) => !WALL.includes(k)))
  delete (out.verifyCache as { verified?: number } | undefined)?.verified
  return out
}

suite('picobadge web in headless Chromium', () => {
  let web: WebServer
  let browser: Browser
  const errors: string[] = []

  beforeAll(async () => {
    shots = mkdtempSync(join(tmpdir(), 'picobadge-web-'))
    web = await startWebServer({ port: 0, root })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
  })

  async function open (viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport })
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
    page.on('pageerror', e => errors.push(e.message))
    return page
  }

  async function runSim (page: Page, o: { badges: number, minutes: number, seed: number, speed: string, powerCuts?: number, hostile?: string[] }): Promise<void> {
    await page.fill('#sim-badges', String(o.badges))
    await page.fill('#sim-minutes', String(o.minutes))
    await page.fill('#sim-seed', String(o.seed))
    await page.fill('#sim-power', String(o.powerCuts ?? 0))
    for (const k of o.hostile ?? []) await page.check(`input[name=hostile][value=${k}]`)
    await page.selectOption('#sim-speed', o.speed)
    await page.click('#sim-run')
  }

  /** The canvas's pixels: their spread (0 for a blank one) and a digest to tell pictures apart. */
  const canvasStats = (page: Page) => page.evaluate(() => {
    const c = document.getElementById('sim-canvas') as HTMLCanvasElement
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let sum = 0; let sq = 0; let hash = 0
    const n = d.length / 4
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]
      sum += y; sq += y * y
      hash = (hash * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) >>> 0
    }
    return { variance: sq / n - (sum / n) ** 2, hash }
  })

  it('the page loads with no console errors, its controls are labelled and the tabs work from the keyboard', async () => {
    const page = await open()
    await page.goto(web.url)
    await page.waitForFunction(() => (window as any).picobadge !== undefined)
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('input, select, button, canvas, pre'))
      .filter(el => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !el.textContent?.trim())
      .map(el => el.outerHTML.slice(0, 80)))
    expect(unlabelled).toEqual([])
    await page.focus('#tab-mesh')
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => [document.activeElement?.id, document.getElementById('flash')!.hidden, document.getElementById('mesh')!.hidden])).toEqual(['tab-flash', false, true])
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-mesh')
    expect(errors).toEqual([])
    await page.close()
  })

  it('without Web Serial (browsers other than Chromium) the page says what is missing; with it, it does not', async () => {
    const page = await open()
    await page.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'serial', { get: () => undefined, configurable: true }) })
    await page.goto(web.url)
    await page.waitForFunction(() => (window as any).picobadge !== undefined)
    expect(await page.isVisible('#no-serial')).toBe(true)
    expect(await page.textContent('#no-serial')).toMatch(/no Web Serial.*Chrome, Edge or another Chromium browser/)
    await page.close()
    // With it (Chromium on http://127.0.0.1 is a secure context), the notice stays hidden.
    const chromium = await open()
    await chromium.goto(web.url)
    await chromium.waitForFunction(() => (window as any).picobadge !== undefined)
    expect(await chromium.evaluate(() => 'serial' in navigator)).toBe(true)
    expect(await chromium.isVisible('#no-serial')).toBe(false)
    await chromium.close()
  })

  // More badges than the page's pool has core instances (64, web/sim-worker.ts): badges are swapped in and
  // out of the instances all along (host/core-pool.ts), and the report is still figure for figure Node's.
  it('a seeded simulation runs to its end in the page and reports what picobadge sim --json reports in Node', async () => {
    const o = { badges: 70, minutes: 2, seed: 7, powerCuts: 3, hostile: ['clock', 'forge'] } // in the order the page lists them, as it passes them on
    const cli = spawnSync(process.execPath, [join(root, 'dist/host/cli.js'), 'sim', '--badges', String(o.badges), '--minutes', String(o.minutes), '--seed', String(o.seed), '--power-cuts', String(o.powerCuts), '--hostile', o.hostile.join(','), '--json', '--quiet'], { encoding: 'utf8' })
    expect(cli.status, cli.stderr).toBe(0)
    const node = JSON.parse(cli.stdout)
    const page = await open()
    await page.goto(web.url)
    await runSim(page, { ...o, speed: '0' })
    await page.waitForFunction(() => (window as any).picobadge.sim !== 'running', null, { timeout: 90_000 })
    const state = await page.evaluate(() => (window as any).picobadge)
    expect(state.sim).toBe('done')
    expect(state.simReport.hostile.badges).toBe(2) // the page's controls became the same options
    expect(withoutWall(state.simReport)).toEqual(withoutWall(node))
    // The page's node:crypto cannot sign: its signer declined (not failed), the cores signed, and the host verified their PROOFs.
    expect(state.simReport.verifyCache.verified).toBeGreaterThan(node.verifyCache.verified)
    expect(await page.textContent('#sim-report')).toContain(`seed ${o.seed}`)
    expect(errors).toEqual([])
    await page.close()
  })

  it('the mesh view is drawn at the start, mid-spread and at the end (screenshots)', async () => {
    const page = await open()
    await page.goto(web.url)
    await runSim(page, { badges: 40, minutes: 6, seed: 3, speed: '60000' })
    const canvas = page.locator('#sim-canvas')
    const at = async (name: string, until: string) => {
      await page.waitForFunction(until, null, { timeout: 60_000 })
      await canvas.screenshot({ path: join(shots, `web-mesh-${name}.png`) })
      return await canvasStats(page)
    }
    const start = await at('start', '(window.picobadge.simTime > 0)')
    const mid = await at('mid', '(window.picobadge.spread >= 0.2)') // the first post on a fifth of the badges, and spreading
    const end = await at('end', '(window.picobadge.sim === "done")')
    for (const s of [start, mid, end]) expect(s.variance).toBeGreaterThan(100) // walls, rooms and badges, not a blank canvas
    expect(new Set([start.hash, mid.hash, end.hash]).size).toBe(3) // the picture moves
    expect(await page.evaluate(() => (window as any).picobadge.spread)).toBeGreaterThan(0.5) // and by the end the post has spread
    console.log(`mesh screenshots: ${shots}/web-mesh-{start,mid,end}.png`)
    expect(errors).toEqual([])
    await page.close()
  })

  // 200 badges in a Chromium page as it starts, no flags: they share the Worker's pool of core instances.
  it('measures the frame rate with 200 badges (printed, not asserted)', async () => {
    const page = await open()
    await page.goto(web.url)
    await runSim(page, { badges: 200, minutes: 30, seed: 1, speed: '10000' })
    await page.waitForFunction('window.picobadge.simTime > 5000 || window.picobadge.sim !== "running"', null, { timeout: 60_000 })
    expect(await page.evaluate(() => (window as any).picobadge.sim), await page.textContent('#sim-status') ?? '').toBe('running')
    await page.waitForTimeout(3000)
    const fps = await page.evaluate(() => (window as any).picobadge.fps)
    console.log(`mesh view with 200 badges: ${fps.toFixed(1)} frames per second in headless Chromium, started without flags`)
    await page.click('#sim-stop')
    expect(fps).toBeGreaterThan(0) // it was drawing at all
    expect(errors).toEqual([])
    await page.close()
  })

  it('says what to pick in the page when it refuses, never a command-line option', async () => {
    const page = await open()
    await fakeWebSerial(page)
    await page.goto(web.url)
    // The simulator: more hostile kinds ticked than badges.
    await runSim(page, { badges: 2, minutes: 1, seed: 1, speed: '0', hostile: ['clock', 'forge', 'flood'] })
    await page.waitForFunction(() => (window as any).picobadge.sim !== 'running', null, { timeout: 20_000 })
    const sim = await page.textContent('#sim-status')
    expect(sim).toBe('The simulation stopped: “Hostile badges (one per kind ticked)”: more hostile badges than badges')
    // Flashing an ESP32: nothing picked; then an app image with no partition table to place it by.
    await page.click('#tab-flash')
    const refusal = async () => {
      await page.click('#flash-go')
      await page.waitForFunction(() => (window as any).picobadge.flash === 'error')
      const m: string = await page.evaluate(() => (window as any).picobadge.flashMessage)
      await page.evaluate(() => { (window as any).picobadge.flash = 'idle' })
      return m
    }
    expect(await refusal()).toBe('Not flashed: nothing to flash: pick an ESP-IDF build folder, its files, or a signed app image')
    const build = syntheticBuild()
    try {
      await page.setInputFiles('#flash-app', build.imagePath)
      expect(await refusal()).toBe('Not flashed: to place the app image I need the partition table (0x8000): pick the ESP-IDF build folder, or its files with partition-table.bin (at 0x8000) among them')
    } finally { rmSync(build.dir, { recursive: true, force: true }) }
    expect(errors).toEqual([])
    await page.close()
  })

  it('works at phone width (390 × 844)', async () => {
    const page = await open({ width: 390, height: 844 })
    await page.goto(web.url)
    await runSim(page, { badges: 20, minutes: 1, seed: 2, speed: '0' })
    await page.waitForFunction(() => (window as any).picobadge.sim === 'done', null, { timeout: 60_000 })
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, canvas: document.getElementById('sim-canvas')!.getBoundingClientRect().width }))
    expect(widths.page).toBeLessThanOrEqual(390) // nothing sticks out sideways
    expect(widths.canvas).toBeGreaterThan(300)
    await page.screenshot({ path: join(shots, 'web-phone.png'), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })

  /** A Zephyr-shaped firmware for an Adafruit nRF52840 board and an app image signed by `seed`, in a scratch folder. */
  function nrf52Files (seed: Uint8Array): { dir: string, firmware: MemoryMap, image: Uint8Array } {
    const rng = new Rng(52)
    const dir = mkdtempSync(join(tmpdir(), 'picobadge-web-nrf52-'))
    const firmware = new MemoryMap([[0x26000, rng.bytes(40_000)], [0x40000, rng.bytes(1234)]])
    const image = makeImage(rng.bytes(20_000), seed)
    writeFileSync(join(dir, 'zephyr.hex'), firmware.asHexString())
    writeFileSync(join(dir, 'app.pbimg'), image)
    return { dir, firmware, image }
  }

  /** The rows of what the board reported, label to value. */
  const shownRows = (page: Page) => page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll('#serial-badge dt')).map(dt => [dt.textContent, dt.nextElementSibling!.textContent])))

  /** A SerialDevice (the fake port's far end) on one end of a Transport pair, at 115200 baud. */
  const deviceOn = (t: Transport): SerialDevice => ({ receive: bytes => t.write(bytes), signals: () => {}, attach: line => t.onData(bytes => line.send(bytes, 115200)) })

  it('makes the nRF52840 .uf2 that picobadge flash --out makes, and checks the signature against a given event key', async () => {
    const seed = new Uint8Array(32).fill(5)
    const { dir } = nrf52Files(seed)
    const cli = spawnSync(process.execPath, [join(root, 'dist/host/cli.js'), 'flash', '--board', 'nrf52', '--hex', join(dir, 'zephyr.hex'), '--app', join(dir, 'app.pbimg'), '--out', join(dir, 'cli.uf2')], { encoding: 'utf8' })
    expect(cli.status, cli.stderr).toBe(0)
    const page = await open()
    await page.goto(web.url)
    await page.click('#tab-flash')
    await page.selectOption('#flash-board', 'nrf52')
    await page.setInputFiles('#flash-hex', join(dir, 'zephyr.hex'))
    await page.setInputFiles('#flash-app', join(dir, 'app.pbimg'))
    // Another event's key: the signature check refuses the image, and no file is offered.
    await page.fill('#flash-key', toHex(eventPublicKey(new Uint8Array(32).fill(9))))
    await page.click('#flash-go')
    await page.waitForFunction(() => (window as any).picobadge.flash === 'error')
    expect(await page.evaluate(() => (window as any).picobadge.flashMessage)).toMatch(/app\.pbimg is not an app image a badge would run: .*\(-83\); check that the event public key field holds/)
    expect(await page.locator('#flash-log a').count()).toBe(0)
    // This event's key: the file, byte for byte the command's.
    await page.fill('#flash-key', toHex(eventPublicKey(seed)))
    await page.click('#flash-go')
    await page.waitForFunction(() => (window as any).picobadge.flash === 'done')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#flash-log a')])
    await download.saveAs(join(dir, 'page.uf2'))
    expect(Buffer.compare(readFileSync(join(dir, 'page.uf2')), readFileSync(join(dir, 'cli.uf2')))).toBe(0)
    expect(errors).toEqual([])
    await page.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('flashes an nRF52840 through the Adafruit bootloader\'s serial DFU (simulated), as picobadge flash --port does', async () => {
    const seed = new Uint8Array(32).fill(5)
    const { dir, firmware, image } = nrf52Files(seed)
    const bin = appBinary(mergeNrf52(firmware, image, NRF52840))
    const page = await open()
    const serial = await fakeWebSerial(page)
    const [host, device] = transportPair()
    const bootloader = new SimulatedDfuBootloader(device)
    serial.plug(deviceOn(host))
    await page.goto(web.url)
    await page.click('#tab-flash')
    await page.selectOption('#flash-board', 'nrf52')
    await page.setInputFiles('#flash-hex', join(dir, 'zephyr.hex'))
    await page.setInputFiles('#flash-app', join(dir, 'app.pbimg'))
    await page.click('#flash-dfu')
    await page.waitForFunction(() => ['done', 'error'].includes((window as any).picobadge.flash), null, { timeout: 90_000 })
    const state = await page.evaluate(() => (window as any).picobadge)
    expect(state.flash, state.flashMessage).toBe('done')
    expect(bootloader.result).toBe('activated')
    expect(Buffer.compare(Buffer.from(bootloader.flash.subarray(ADAFRUIT_APP_START, ADAFRUIT_APP_START + bin.length)), Buffer.from(bin))).toBe(0)
    expect(errors).toEqual([])
    await page.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the serial monitor shows a board\'s console, and a board that answers the RPC what it holds', async () => {
    const page = await open()
    const serial = await fakeWebSerial(page)
    const [host, board] = transportPair()
    // The cable: the page's port on one end, the simulated RPC board (host/rpc/sim-board.ts) on the other.
    serial.plug(deviceOn(host))
    await page.goto(web.url)
    await page.click('#tab-serial')
    await page.click('#serial-open')
    await page.waitForFunction(() => document.getElementById('serial-state')!.textContent!.startsWith('Port open'))
    const sim = new SimulatedBoard(board, { board: 'simulated board' }) // it prints its boot line as it starts
    await page.waitForFunction(() => document.getElementById('serial-console')!.textContent!.includes('booted, RPC ready'))
    await page.click('#serial-ask')
    // This board runs no badge (IDENTITY: -73), so there is nothing to stop: the page reads its store at once.
    await page.waitForFunction(() => document.querySelector('#serial-badge dt:nth-of-type(2)') !== null, null, { timeout: 20_000 })
    const shown = await shownRows(page)
    expect(shown.badge).toMatch(/^not running/)
    expect(shown.board).toBe('simulated board')
    expect(shown['core memory']).toBe(`${sim.core.x.memory_used()} bytes`)
    expect(sim.calls).toBe(2) // badge_identity and store_stats, nothing that writes
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows a running badge\'s status from STATUS next to IDENTITY, refreshes it when asked, and never stops the badge', async () => {
    const page = await open()
    const serial = await fakeWebSerial(page)
    const [host, board] = transportPair()
    serial.plug(deviceOn(host))
    // The simulated board running a real badge (a Badge in V8) at a local clock the test moves.
    let local = 5_000
    const badge = new Badge().init(local)
    const eventKey = new Uint8Array(32).fill(0xe3)
    await page.goto(web.url)
    await page.click('#tab-serial')
    await page.click('#serial-open')
    await page.waitForFunction(() => document.getElementById('serial-state')!.textContent!.startsWith('Port open'))
    const sim = new SimulatedBoard(board, { running: { badge, eventKey, clock: () => local } })
    await page.click('#serial-ask')
    await page.waitForFunction(() => !(document.getElementById('serial-status') as HTMLButtonElement).hidden, null, { timeout: 20_000 })
    const shown = await shownRows(page)
    expect(shown).toEqual({ badge: 'running', identity: toHex(badge.identity()), 'event key it trusts': toHex(eventKey), ...Object.fromEntries(statusGroups(badge.status(local))) })
    expect(shown.chains).toMatch(/^0 held/)
    // The badge posts a card and time passes: the refreshed view shows its chain and its clock.
    local += 60_000
    badge.post('cards', { name: 'Ada' }, local)
    await page.click('#serial-status')
    await page.waitForFunction(() => /^Status read/.test(document.getElementById('serial-state')!.textContent!), null, { timeout: 20_000 })
    const after = await shownRows(page)
    expect(after.chains).toMatch(/^1 held/)
    expect(after).toEqual({ ...shown, ...Object.fromEntries(statusGroups(badge.status(local))) })
    expect(after['mesh clock']).not.toBe(shown['mesh clock'])
    expect(sim.calls).toBe(0) // no CALL, and no HELLO: the badge runs on
    expect(sim.testMode).toBe(false)
    expect(errors).toEqual([])
    await page.close()
  })

  it('asks a running badge who it is without stopping it, and reads its store only when asked', async () => {
    const page = await open()
    const serial = await fakeWebSerial(page)
    const [host, board] = transportPair()
    const badgeKey = new Uint8Array(32).fill(0xb1); const eventKey = new Uint8Array(32).fill(0xe2)
    // A running badge's board: IDENTITY answered with its keys (docs/RPC.md), STATUS with ERROR 1 as firmware
    // from before it; the requests it gets are kept.
    const seen: number[] = []
    const decoder = new SlipDecoder(raw => {
      const f = decodeFrame(raw)
      if (!f) return
      seen.push(f.type)
      const p = new Uint8Array(68); p.set(badgeKey, 4); p.set(eventKey, 36)
      if (f.type === T_IDENTITY) board.write(slipEncode(encodeFrame({ type: f.type | REPLY, seq: f.seq, payload: p })))
      if (f.type === T_STATUS) board.write(slipEncode(encodeFrame({ type: T_ERROR, seq: f.seq, payload: Uint8Array.of(1) })))
    })
    board.onData(bytes => decoder.push(bytes))
    serial.plug(deviceOn(host))
    await page.goto(web.url)
    await page.click('#tab-serial')
    await page.click('#serial-open')
    await page.waitForFunction(() => document.getElementById('serial-state')!.textContent!.startsWith('Port open'))
    await page.click('#serial-ask')
    await page.waitForFunction(() => !(document.getElementById('serial-store') as HTMLButtonElement).hidden, null, { timeout: 20_000 })
    const shown = await shownRows(page)
    expect(shown).toEqual({ badge: 'running', identity: toHex(badgeKey), 'event key it trusts': toHex(eventKey), status: expect.stringMatching(/older than the STATUS request/) })
    expect(seen).toEqual([T_IDENTITY, T_STATUS]) // no HELLO, no CALL: the badge runs on
    expect(await page.textContent('#serial-state')).toMatch(/runs on\. Reading its store stops it/)
    await page.click('#serial-store') // asked: now HELLO (this board does not answer it)
    await page.waitForFunction(() => document.getElementById('serial-state')!.textContent!.startsWith('No RPC answer'), null, { timeout: 20_000 })
    expect(seen[2]).toBe(T_HELLO)
    expect(errors).toEqual([])
    await page.close()
  })

  describe('flashing an ESP32 through the page: simulated ROM bootloader', () => {
    const build = syntheticBuild()
    const buildFiles = ['flasher_args.json', 'bootloader/bootloader.bin', 'partition_table/partition-table.bin', 'badge.bin'].map(f => join(build.dir, f))
    afterAll(() => rmSync(build.dir, { recursive: true, force: true }))

    async function flash (imagePath: string): Promise<{ page: Page, chip: SimulatedEsp32, state: any }> {
      const page = await open()
      const serial = await fakeWebSerial(page)
      const chip = new SimulatedEsp32()
      serial.plug(chip)
      await page.goto(web.url)
      await page.click('#tab-flash')
      await page.setInputFiles('#flash-files', buildFiles)
      await page.setInputFiles('#flash-app', imagePath)
      await page.click('#flash-go')
      await page.waitForFunction(() => ['done', 'error'].includes((window as any).picobadge.flash), null, { timeout: 90_000 })
      return { page, chip, state: await page.evaluate(() => ({ ...(window as any).picobadge, portsRequested: (window as any).__portsRequested })) }
    }

    it('leaves exactly the intended bytes in the flash', async () => {
      const { page, chip, state } = await flash(build.imagePath)
      expect(state.flash, state.flashMessage).toBe('done')
      const want = new Uint8Array(chip.flash.size).fill(0xff)
      want.set(build.bootloader, 0x1000)
      want.set(build.table, 0x8000)
      want.set(build.app, 0x10000)
      want.set(build.image, APP_PARTITION.offset)
      expect(Buffer.compare(Buffer.from(chip.flash.bytes), Buffer.from(want))).toBe(0)
      expect(chip.mode).toBe('app') // reset into the firmware at the end
      expect(errors).toEqual([])
      await page.close()
    })

    it('refuses a damaged image before any byte is written', async () => {
      const damaged = Uint8Array.from(build.image)
      damaged[damaged.length - 10] ^= 0x40 // one bit of the module: its SHA-512 no longer matches the header
      const path = join(shots, 'damaged.pbimg')
      writeFileSync(path, damaged)
      const { page, chip, state } = await flash(path)
      expect(state.flash).toBe('error')
      expect(state.flashMessage).toMatch(/damaged\.pbimg is not an app image a badge would run: .*\(-82\)/)
      expect(state.portsRequested).toBe(0) // refused before a port was even asked for
      expect(chip.history).toEqual([])
      expect(chip.flash.bytes.every(b => b === 0xff)).toBe(true)
      await page.close()
    })
  })
})
