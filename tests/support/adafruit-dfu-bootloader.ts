// A simulated Adafruit nRF52 bootloader in serial DFU mode, following the
// legacy Nordic serial DFU as adafruit-nrfutil drives it: SLIP-framed HCI
// packets, each acknowledged with the next expected sequence number (a
// repeated packet is acknowledged again and not applied twice; a corrupt
// one is ignored); START erases the application area, INIT carries the
// image's CRC-16, DATA is written in order, STOP checks length and CRC and
// starts the application. Faults for tests: drop an ack, unplug.

import type { Transport } from '../../host/rpc/transport.js'
import { SlipDecoder, slipEncode } from '../../host/slip.js'
import { parseHci, hciHeader, crc16 } from '../../host/flash/hci.js'

const APP_START = 0x26000
const BOOTLOADER = 0xf4000

export class SimulatedDfuBootloader {
  readonly flash = new Uint8Array(0x100000).fill(0xff)
  #expected = 1
  #size = 0
  #crc = -1
  #written = 0
  #packets = 0
  started = false
  result: 'running' | 'activated' | string = 'running'

  constructor (readonly t: Transport, readonly faults: { dropAckOf?: number, unplugAfter?: number } = {}) {
    const decoder = new SlipDecoder(f => this.#handle(f))
    t.onData(bytes => decoder.push(bytes))
  }

  #ack (next: number): void {
    this.t.write(slipEncode(hciHeader((next + 7) & 7, 0, false)))
  }

  #handle (frame: Uint8Array): void {
    const p = parseHci(frame)
    if (!p || !p.reliable) return
    this.#packets++
    if (this.faults.unplugAfter !== undefined && this.#packets > this.faults.unplugAfter) { void this.t.close(); return }
    if (p.seq !== this.#expected) { this.#ack(this.#expected); return } // a repeat: acknowledged, not applied
    this.#expected = (p.seq + 1) & 7
    this.#apply(p.payload)
    if (this.#packets === this.faults.dropAckOf) return
    this.#ack(this.#expected)
  }

  #apply (payload: Uint8Array): void {
    const v = new DataView(payload.buffer, payload.byteOffset, payload.length)
    const type = v.getInt32(0, true)
    if (type === 3) { // START: mode, softdevice, bootloader and application sizes
      if (v.getInt32(4, true) !== 4) { this.result = 'only application updates are supported'; return }
      this.#size = v.getInt32(16, true)
      if (this.#size <= 0 || APP_START + this.#size > BOOTLOADER) { this.result = 'application too large'; return }
      this.flash.fill(0xff, APP_START, APP_START + Math.ceil(this.#size / 4096) * 4096)
      this.started = true
    } else if (type === 1) { // INIT: the legacy init packet, then two bytes of padding
      if (payload.length !== 4 + 14 + 2) { this.result = 'malformed init packet'; return }
      this.#crc = v.getUint16(4 + 12, true)
    } else if (type === 4) {
      const data = payload.subarray(4)
      if (!this.started || this.#written + data.length > this.#size) { this.result = 'data beyond the announced size'; return }
      this.flash.set(data, APP_START + this.#written)
      this.#written += data.length
    } else if (type === 5) {
      const image = this.flash.subarray(APP_START, APP_START + this.#size)
      this.result = this.#written !== this.#size ? `received ${this.#written} of ${this.#size} bytes` : crc16(image) !== this.#crc ? 'CRC mismatch' : 'activated'
    }
  }
}
