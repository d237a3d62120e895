// A Web Serial port in a headless Chromium page whose far end is a
// simulated device in Node (host/flash/esp32-rom.ts's SimulatedEsp32, the
// same SerialDevice the flash tests plug into a virtual serialport cable).
// The page gets navigator.serial.requestPort() → a port with the Web
// Serial surface esptool-js uses (open, readable, writable, setSignals,
// getInfo, close, and no setBaudRate, as in browsers: esptool-js reopens at
// the new rate); its bytes and modem lines cross to Node through
// page.exposeFunction, and the device's bytes come back in order through
// page.evaluate. Like a UART, bytes sent at a rate the other end is not
// listening at are lost.

import type { Page } from 'playwright-core'
import type { SerialDevice } from '../../host/flash/virtual-port.js'

/** Runs in the page before its own scripts (page.addInitScript): the fake navigator.serial. */
function installFakeSerial (): void {
  const w = window as any
  const port: any = {
    baud: 0,
    opened: false,
    ctl: null as ReadableStreamDefaultController<Uint8Array> | null,
    r: null as ReadableStream<Uint8Array> | null,
    wr: null as WritableStream<Uint8Array> | null,
    pending: [] as Uint8Array[],
    dtr: true,
    rts: true,
    async open ({ baudRate }: { baudRate: number }) {
      if (port.opened) throw new DOMException('The port is already open.', 'InvalidStateError')
      port.baud = baudRate; port.opened = true
    },
    get readable () {
      if (!port.opened) return null
      port.r ??= new ReadableStream<Uint8Array>({
        start: c => { port.ctl = c; for (const b of port.pending.splice(0)) c.enqueue(b) },
        cancel: () => { port.r = null; port.ctl = null }
      })
      return port.r
    },
    get writable () {
      if (!port.opened) return null
      port.wr ??= new WritableStream<Uint8Array>({ write: chunk => w.__serialToDevice(Array.from(chunk), port.baud) })
      return port.wr
    },
    async setSignals (s: { dataTerminalReady?: boolean, requestToSend?: boolean }) {
      if (s.dataTerminalReady !== undefined) port.dtr = s.dataTerminalReady
      if (s.requestToSend !== undefined) port.rts = s.requestToSend
      await w.__serialSignals(port.dtr, port.rts)
    },
    getInfo: () => ({}),
    async close () { port.opened = false; port.r = null; port.wr = null; port.ctl = null; port.pending = [] }
  }
  w.__serialFromDevice = (bytes: number[], baud: number) => {
    if (!port.opened || baud !== port.baud) return
    const b = Uint8Array.from(bytes)
    if (port.ctl) port.ctl.enqueue(b); else port.pending.push(b)
  }
  w.__portsRequested = 0
  const serial = new EventTarget() as any
  serial.requestPort = async () => { w.__portsRequested++; return port }
  serial.getPorts = async () => [port]
  Object.defineProperty(Navigator.prototype, 'serial', { get: () => serial, configurable: true })
}

/** Installs the fake port in `page` (before it loads); `plug` puts a device at its far end (one at a time). */
export async function fakeWebSerial (page: Page): Promise<{ plug (device: SerialDevice): void }> {
  let device: SerialDevice | null = null
  let toPage = Promise.resolve()
  await page.addInitScript(installFakeSerial)
  await page.exposeFunction('__serialToDevice', (bytes: number[], baud: number) => { device?.receive(Uint8Array.from(bytes), baud) })
  await page.exposeFunction('__serialSignals', (dtr: boolean, rts: boolean) => { device?.signals({ dtr, rts }) })
  return {
    plug (d) {
      device = d
      d.attach({
        // In order: each delivery waits for the one before.
        send: (bytes, baud) => {
          const b = Array.from(bytes)
          toPage = toPage.then(() => page.evaluate(([b, baud]) => (window as any).__serialFromDevice(b, baud), [b, baud] as const)).then(() => {}, () => {})
        },
        unplug: () => {}
      })
    }
  }
}
