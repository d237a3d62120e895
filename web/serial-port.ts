// The browser's Web Serial port as host/flash/esp32-session.ts takes it:
// the port esptool-js drives, plus word of the device going away (the
// `disconnect` event navigator.serial fires for an unplugged port), so a
// flash stops at once instead of waiting out esptool-js's retries.

import type { FlashPort } from '../host/flash/esp32-session.js'

/** The part of the Web Serial API used here (lib.dom has no Web Serial types yet). */
export interface WebSerialPort {
  open (o: { baudRate: number }): Promise<void>
  close (): Promise<void>
  readonly readable: ReadableStream<Uint8Array> | null
  readonly writable: WritableStream<Uint8Array> | null
  setSignals (s: { dataTerminalReady?: boolean, requestToSend?: boolean, break?: boolean }): Promise<void>
  getInfo (): { usbVendorId?: number, usbProductId?: number }
}
export interface WebSerial extends EventTarget { requestPort (o?: object): Promise<WebSerialPort> }

export const webSerial = (): WebSerial | undefined => (navigator as unknown as { serial?: WebSerial }).serial

export class BrowserFlashPort implements FlashPort {
  lost: Error | null = null
  readonly #onLost: Array<(e: Error) => void> = []

  constructor (readonly port: WebSerialPort, serial: WebSerial) {
    serial.addEventListener('disconnect', e => {
      if (e.target !== (port as unknown as EventTarget) || this.lost) return
      this.lost = new Error('The device has been lost.')
      for (const fn of this.#onLost) fn(this.lost)
    })
  }

  onLost (fn: (e: Error) => void): void { this.#onLost.push(fn) }
  get readable (): ReadableStream<Uint8Array> | null { return this.port.readable }
  get writable (): WritableStream<Uint8Array> | null { return this.port.writable }
  open (o: { baudRate: number }): Promise<void> { return this.port.open(o) }
  close (): Promise<void> { return this.port.close() }
  setSignals (s: { dataTerminalReady?: boolean, requestToSend?: boolean, break?: boolean }): Promise<void> { return this.port.setSignals(s) }
  getInfo (): { usbVendorId?: number, usbProductId?: number } { return this.port.getInfo() }
}
