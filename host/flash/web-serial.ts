// The Web Serial `SerialPort` that esptool-js's Transport expects, on top of
// a Node `serialport` port. esptool-js was written for browsers; this is
// the whole bridge, so esptool-js itself runs unchanged.
//
// What Transport uses, and how each maps:
//   open({ baudRate })        → SerialPort.open() (baud rate set first)
//   readable / writable       → WHATWG streams fed by the port's 'data' events /
//                               writing through port.write() + drain()
//   setSignals({ dataTerminalReady, requestToSend, break })
//                             → port.set({ dtr, rts, brk }) with BOTH lines always
//                               given: serialport fills a missing line with its
//                               default (asserted), which would yank the board's
//                               EN / GPIO0 in the middle of a reset sequence
//   getInfo()                 → the USB vendor / product id of the port, if known
//   setBaudRate(baud)         → port.update(): Transport changes the rate in place
//                               when the port offers this, instead of reopening
//                               (a reopen can reset boards on some bridges)
//   close()                   → SerialPort.close()
// Web Serial's stream rules are kept: a cancelled or closed stream is
// replaced by a fresh one on the next access, and a lost device makes
// `readable` / `writable` null, so esptool-js's read loop ends.

import type { SerialPortStream } from '@serialport/stream'

export interface WebSerialPortInfo { usbVendorId?: number, usbProductId?: number }
export interface WebSerialOptions { baudRate: number }
export interface WebSerialSignals { dataTerminalReady?: boolean, requestToSend?: boolean, break?: boolean }

/** The error a Web Serial stream reports when the device goes away. */
function deviceLost (cause?: unknown): Error {
  const e = new Error('The device has been lost.', { cause })
  e.name = 'NetworkError'
  return e
}

export class NodeWebSerialPort {
  #port: SerialPortStream
  #info: WebSerialPortInfo
  #readable: ReadableStream<Uint8Array> | null = null
  #readController: ReadableStreamDefaultController<Uint8Array> | null = null
  #writable: WritableStream<Uint8Array> | null = null
  /** Bytes that arrived while no readable stream existed (Web Serial buffers them). */
  #pending: Uint8Array[] = []
  #dtr = true
  #rts = true
  #opened = false
  #lost: Error | null = null
  #onLost: Array<(e: Error) => void> = []

  constructor (port: SerialPortStream, info: WebSerialPortInfo = {}) {
    this.#port = port
    this.#info = info
    port.on('data', (chunk: Buffer) => this.#onData(chunk))
    port.on('close', (err?: Error & { disconnected?: boolean }) => { if (err?.disconnected) this.#lose(err) })
    port.on('error', (err: Error) => this.#lose(err))
  }

  /** Why the port is gone (unplugged, driver error), or null while it works. */
  get lost (): Error | null { return this.#lost }
  onLost (fn: (e: Error) => void): void { this.#onLost.push(fn) }

  getInfo (): WebSerialPortInfo { return { ...this.#info } }

  async open (options: WebSerialOptions): Promise<void> {
    if (this.#opened) throw new Error('InvalidStateError: The port is already open.')
    await new Promise<void>((resolve, reject) => this.#port.open(err => err ? reject(err) : resolve()))
    if (this.#port.baudRate !== options.baudRate) await this.setBaudRate(options.baudRate)
    this.#opened = true
    this.#lost = null
  }

  async close (): Promise<void> {
    if (this.#readable?.locked || this.#writable?.locked) throw new Error('InvalidStateError: Cannot close a port with locked streams.')
    this.#closeStreams()
    this.#opened = false
    if (!this.#port.isOpen) return
    await new Promise<void>(resolve => this.#port.close(() => resolve()))
  }

  async setBaudRate (baudRate: number): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#port.update({ baudRate }, err => err ? reject(err) : resolve()))
  }

  async setSignals (signals: WebSerialSignals): Promise<void> {
    if (this.#lost) throw deviceLost(this.#lost)
    if (signals.dataTerminalReady !== undefined) this.#dtr = signals.dataTerminalReady
    if (signals.requestToSend !== undefined) this.#rts = signals.requestToSend
    const brk = signals.break ?? false
    await new Promise<void>((resolve, reject) => this.#port.set({ dtr: this.#dtr, rts: this.#rts, brk }, err => err ? reject(err) : resolve()))
  }

  get readable (): ReadableStream<Uint8Array> | null {
    if (!this.#opened || this.#lost) return null
    if (this.#readable) return this.#readable
    const stream = new ReadableStream<Uint8Array>({
      start: controller => {
        this.#readController = controller
        for (const chunk of this.#pending.splice(0)) controller.enqueue(chunk)
      },
      cancel: () => { this.#dropReadable(stream) }
    })
    this.#readable = stream
    return stream
  }

  get writable (): WritableStream<Uint8Array> | null {
    if (!this.#opened || this.#lost) return null
    if (this.#writable) return this.#writable
    const stream = new WritableStream<Uint8Array>({
      write: chunk => this.#write(chunk),
      close: () => { if (this.#writable === stream) this.#writable = null },
      abort: () => { if (this.#writable === stream) this.#writable = null }
    })
    this.#writable = stream
    return stream
  }

  #write (chunk: Uint8Array): Promise<void> {
    if (this.#lost) return Promise.reject(deviceLost(this.#lost))
    return new Promise<void>((resolve, reject) => {
      this.#port.write(Buffer.from(chunk), err => { if (err) reject(deviceLost(err)) })
      this.#port.drain(err => err ? reject(deviceLost(err)) : resolve())
    })
  }

  #onData (chunk: Buffer): void {
    const bytes = new Uint8Array(chunk)
    if (this.#readController) this.#readController.enqueue(bytes)
    else this.#pending.push(bytes)
  }

  #dropReadable (stream: ReadableStream<Uint8Array>): void {
    if (this.#readable !== stream) return
    this.#readable = null
    this.#readController = null
  }

  #closeStreams (): void {
    try { this.#readController?.close() } catch {}
    this.#readable = null
    this.#readController = null
    this.#writable = null
    this.#pending = []
  }

  #lose (err: Error): void {
    if (this.#lost) return
    this.#lost = err
    try { this.#readController?.error(deviceLost(err)) } catch {}
    this.#readable = null
    this.#readController = null
    this.#writable = null
    for (const fn of this.#onLost) fn(err)
  }
}
