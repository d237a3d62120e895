// Flashing an nRF52840 through the Adafruit bootloader's serial DFU (the
// legacy Nordic serial DFU, as adafruit-nrfutil does it): START (mode,
// sizes), wait for the erase, INIT (the legacy init packet with the
// image's CRC-16), DATA in 512-byte pieces, STOP; every packet is
// acknowledged (hci.ts). The bootloader checks the CRC before it starts
// the new application.

import { Transport } from '../rpc/transport.js'
import { SlipDecoder, slipEncode } from '../slip.js'
import { hciPacket, parseHci, crc16 } from './hci.js'

export const DFU_INIT_PACKET = 1
export const DFU_START_PACKET = 3
export const DFU_DATA_PACKET = 4
export const DFU_STOP_DATA_PACKET = 5
export const DFU_UPDATE_MODE_APP = 4
export const DFU_DATA_SIZE = 512
/** nrfutil's --dev-type for nRF52 boards, and "any" for the other fields. */
export const DEVICE_TYPE_NRF52 = 0x0052
const SOFTDEVICE_ANY = 0xfffe
/** adafruit-nrfutil waits this long per 4 KiB page after START (the erase), at least 0.5 s. */
export const ERASE_MS_PER_PAGE = 89.7

export class DfuError extends Error { override name = 'DfuError' }

const i32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b }
const u16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff)

/** The legacy init packet: device type, revision, app version, required SoftDevices, the image's CRC-16. */
export function initPacket (image: Uint8Array): Uint8Array {
  return Uint8Array.from([...u16(DEVICE_TYPE_NRF52), ...u16(0xffff), ...i32(-1), ...u16(1), ...u16(SOFTDEVICE_ANY), ...u16(crc16(image))])
}

export interface DfuOptions { ackTimeoutMs?: number, eraseMsPerPage?: number, progress?: (sent: number, total: number) => void }

/** Sends an application image (bytes from the bootloader's app start) through the serial DFU. */
export async function dfuFlash (t: Transport, image: Uint8Array, opts: DfuOptions = {}): Promise<void> {
  let waiter: ((ack: number) => void) | undefined
  const decoder = new SlipDecoder(frame => {
    const p = parseHci(frame)
    if (p && !p.reliable && waiter) waiter(p.ack)
  })
  t.onData(bytes => decoder.push(bytes))
  let seq = 0
  const send = async (payload: Uint8Array, what: string) => {
    seq = (seq + 1) & 7
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ack = new Promise<number | undefined>(resolve => {
        const timer = setTimeout(() => { waiter = undefined; resolve(undefined) }, opts.ackTimeoutMs ?? 1000)
        waiter = a => { clearTimeout(timer); waiter = undefined; resolve(a) }
      })
      try { t.write(slipEncode(hciPacket(seq, payload))) } catch (e) { throw new DfuError(`the board went away during ${what}: ${(e as Error).message}`) }
      const a = await ack
      if (a === ((seq + 1) & 7)) return
    }
    throw new DfuError(`the bootloader did not acknowledge ${what} (three tries): is the board in its bootloader (double-tap reset), on this port?`)
  }
  const total = image.length
  await send(Uint8Array.from([...i32(DFU_START_PACKET), ...i32(DFU_UPDATE_MODE_APP), ...i32(0), ...i32(0), ...i32(total)]), 'the start packet')
  await new Promise(r => setTimeout(r, Math.max(opts.eraseMsPerPage === 0 ? 0 : 500, Math.ceil(total / 4096) * (opts.eraseMsPerPage ?? ERASE_MS_PER_PAGE))))
  await send(Uint8Array.from([...i32(DFU_INIT_PACKET), ...initPacket(image), ...u16(0)]), 'the init packet')
  for (let o = 0; o < total; o += DFU_DATA_SIZE) {
    await send(Uint8Array.from([...i32(DFU_DATA_PACKET), ...image.subarray(o, o + DFU_DATA_SIZE)]), `data at offset ${o}`)
    opts.progress?.(Math.min(total, o + DFU_DATA_SIZE), total)
  }
  await send(i32(DFU_STOP_DATA_PACKET), 'the stop packet')
}
