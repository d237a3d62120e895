// The "Flash a badge" panel. The files a person picks become the same plan
// `picobadge flash` makes from files on disk (host/flash/esp32-plan.ts: the
// app image checked for length, SHA-512 and, given the event key, its
// signature; placed in the picobadge partition), refused before any port
// is asked for; then the same session (host/flash/esp32-session.ts) runs on
// the port the browser hands over. For the nRF52840 the page makes the
// merged .uf2 (host/flash/nrf52.ts, uf2.ts) to drop on the bootloader's drive,
// or sends it through the Adafruit bootloader's serial DFU (host/flash/dfu.ts),
// as picobadge flash --board nrf52 --port does.

import { parseFlasherArgs, regionOf, FlasherArgsError, type BuildFolder } from '../host/flash/flasher-args-json.js'
import { planEsp32 } from '../host/flash/esp32-plan.js'
import type { FlashAdvice } from '../host/flash/advice.js'
import { flashEsp32Port } from '../host/flash/esp32-session.js'
import { checkAppImage } from '../host/image-check.js'
import { describeImage } from '../host/image.js'
import { parseHex, mergeNrf52, checkUf2Start, appBinary, NRF52840 } from '../host/flash/nrf52.js'
import { dfuFlash } from '../host/flash/dfu.js'
import { serialTransport } from './serial-transport.js'
import { toUf2 } from '../host/flash/uf2.js'
import { fromHex } from '../host/bytes.js'
import { BrowserFlashPort, webSerial } from './serial-port.js'
import { state } from './page-state.js'
import { coreModules } from './core-modules.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const bytesOf = async (f: File): Promise<Uint8Array> => new Uint8Array(await f.arrayBuffer())

/** The picked build files by their path inside the build folder (a folder pick) and by name (files picked one by one). */
async function buildFiles (inputs: HTMLInputElement[]): Promise<{ files: Map<string, Uint8Array>, folder: string }> {
  const files = new Map<string, Uint8Array>()
  let folder = 'the build folder'
  for (const input of inputs) {
    for (const f of input.files ?? []) {
      const data = await bytesOf(f)
      const rel = f.webkitRelativePath
      if (rel) { const cut = rel.indexOf('/'); folder = rel.slice(0, cut); files.set(rel.slice(cut + 1), data) }
      if (!files.has(f.name)) files.set(f.name, data)
    }
  }
  return { files, folder }
}

function readBuild (files: Map<string, Uint8Array>, folder: string): BuildFolder {
  const args = files.get('flasher_args.json')
  if (!args) throw new FlasherArgsError(`${folder} has no flasher_args.json: pick the ESP-IDF build/ folder (after idf.py build), or flasher_args.json and the .bin files it names`)
  const where = `${folder}/flasher_args.json`
  return parseFlasherArgs(new TextDecoder().decode(args), where, (offset, rel) => {
    const data = files.get(rel) ?? files.get(rel.replace(/^.*\//, ''))
    if (!data) throw new FlasherArgsError(`${where}: the file for 0x${offset.toString(16)} was not picked: ${rel}`)
    return regionOf(offset, rel, data, where)
  })
}

/** What a refusal tells the user to pick: this page's fields, never a command line. */
const PAGE_ADVICE: FlashAdvice = {
  table: offset => `pick the ESP-IDF build folder, or its files with partition-table.bin (at ${offset}) among them`,
  nothing: 'pick an ESP-IDF build folder, its files, or a signed app image',
  wrongKey: 'check that the event public key field holds the key your badges trust, or sign the image with it',
  debugger: 'flash this firmware with a debugger instead of the .uf2'
}

/** The event's public key from the text field: empty for none, else 32 bytes in hex. */
function eventKey (text: string): Uint8Array | undefined {
  const t = text.trim()
  if (t === '') return undefined
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new Error(`the event key must be 64 hex digits (its public half), not ${t.length} characters`)
  return fromHex(t)
}

export function setUpFlash (): void {
  const form = $<HTMLFormElement>('flash-form')
  const board = $<HTMLSelectElement>('flash-board')
  const progress = $<HTMLProgressElement>('flash-progress')
  const status = $('flash-status'); const log = $('flash-log')
  const go = $<HTMLButtonElement>('flash-go')
  const dfu = $<HTMLButtonElement>('flash-dfu')
  const say = (text: string, s: typeof state.flash) => { status.textContent = text; state.flash = s; state.flashMessage = text }
  const showBoard = () => {
    for (const el of form.querySelectorAll<HTMLElement>('.esp32-only')) el.hidden = board.value !== 'esp32'
    for (const el of form.querySelectorAll<HTMLElement>('.nrf52-only')) el.hidden = board.value !== 'nrf52'
    go.textContent = board.value === 'esp32' ? 'Flash' : 'Make the .uf2'
    dfu.hidden = board.value !== 'nrf52'
  }
  board.addEventListener('change', showBoard)
  showBoard()

  const start = (run: () => Promise<void>) => {
    go.disabled = dfu.disabled = true
    log.textContent = ''
    progress.value = 0
    // The signature check is the core's own verifier, as in picobadge flash: the page needs the core first.
    coreModules.then(run).catch(err => say(`Not flashed: ${(err as Error).message}`, 'error')).finally(() => { go.disabled = dfu.disabled = false })
  }
  form.addEventListener('submit', e => {
    e.preventDefault()
    start(board.value === 'esp32' ? flashEsp32 : makeUf2)
  })
  dfu.addEventListener('click', () => start(flashDfu))

  async function appImage (): Promise<{ path: string, data: Uint8Array } | undefined> {
    const f = $<HTMLInputElement>('flash-app').files?.[0]
    return f ? { path: f.name, data: await bytesOf(f) } : undefined
  }

  async function flashEsp32 (): Promise<void> {
    const serial = webSerial()
    if (!serial) throw new Error('this browser has no Web Serial: open the page in Chrome, Edge or another Chromium browser')
    const { files, folder } = await buildFiles([$<HTMLInputElement>('flash-build'), $<HTMLInputElement>('flash-files')])
    const app = await appImage()
    const build = files.size ? { folder: readBuild(files, folder), name: folder } : undefined
    // Checked and placed before the port is even asked for: a board that would refuse the image never gets it.
    const plan = planEsp32({ build, app, eventKey: eventKey($<HTMLInputElement>('flash-key').value), advice: PAGE_ADVICE })
    if (app) log.textContent += `${app.path}: ${describeImage(app.data)}\n`
    say('Pick the board\'s serial port…', 'running')
    const port = await serial.requestPort()
    say('Connecting to the ESP32 bootloader…', 'running')
    const report = await flashEsp32Port(new BrowserFlashPort(port, serial), plan, {
      baud: Number($<HTMLSelectElement>('flash-baud').value),
      onProgress: p => {
        progress.value = p.fraction
        if (p.phase === 'write' || p.phase === 'verify') status.textContent = `${p.phase === 'write' ? 'Writing' : 'Verifying'} ${p.path} at 0x${p.offset!.toString(16)}: ${(p.fraction * 100).toFixed(0)}%`
      },
      log: line => { log.textContent += line + '\n' }
    })
    for (const r of report.regions) log.textContent += `0x${r.offset.toString(16).padStart(6, '0')}  ${String(r.size).padStart(8)} bytes  md5 ${r.md5}  ${r.path}\n`
    say(`Flashed the ${report.chip} (${report.stub ? 'flasher stub' : 'ROM bootloader'}); every region verified by MD5${report.appPartition ? `; the app image is in partition "${report.appPartition.label}"` : ''}. The board was reset into its firmware.`, 'done')
  }

  /** The firmware and the app image as one memory map, the image checked first (picobadge flash --board nrf52 does the same). */
  async function nrf52Map () {
    const hexFile = $<HTMLInputElement>('flash-hex').files?.[0]
    const app = await appImage()
    if (!hexFile && !app) throw new Error('pick the firmware (.hex), the app image, or both')
    const firmware = hexFile ? parseHex(await hexFile.text(), hexFile.name) : undefined
    if (app) {
      checkAppImage(app.data, app.path, eventKey($<HTMLInputElement>('flash-key').value), PAGE_ADVICE)
      log.textContent += `${app.path}: ${describeImage(app.data)}\n`
    }
    return mergeNrf52(firmware, app?.data, NRF52840)
  }

  async function flashDfu (): Promise<void> {
    const serial = webSerial()
    if (!serial) throw new Error('this browser has no Web Serial: make the .uf2 instead, or open the page in Chrome, Edge or another Chromium browser')
    const bin = appBinary(await nrf52Map())
    say('Double-tap the board\'s reset button, then pick its serial port…', 'running')
    const port = await serial.requestPort()
    await port.open({ baudRate: 115200 })
    const t = serialTransport(port)
    try {
      await dfuFlash(t, bin, { progress: (sent, total) => { progress.value = sent / total; status.textContent = `Sending ${bin.length} bytes over serial DFU: ${(sent / total * 100).toFixed(0)}%` } })
    } finally { await t.close() }
    say(`Flashed ${bin.length} bytes over serial DFU; the bootloader checked them and starts the firmware.`, 'done')
  }

  async function makeUf2 (): Promise<void> {
    const map = await nrf52Map()
    checkUf2Start(map, undefined, PAGE_ADVICE)
    const uf2 = toUf2(map)
    const a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([uf2 as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
    a.download = 'picobadge.uf2'
    a.textContent = `Save picobadge.uf2 (${uf2.length} bytes)`
    log.append(a, '\n')
    progress.value = 1
    say('Made picobadge.uf2: double-tap the board\'s reset button, then copy the file onto the drive that appears; the bootloader writes it and restarts the board.', 'done')
  }
}
