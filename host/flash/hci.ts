// The transport the Adafruit nRF52 bootloader speaks over serial (the
// legacy Nordic serial DFU, as adafruit-nrfutil sends it): three-wire
// UART "HCI" packets in SLIP frames.
//
//   header (4 bytes): seq (3 bits) | ack = seq + 1 (3) | integrity check present (1) | reliable (1)
//                     packet type (4 bits, 14 = vendor specific) | payload length (12 bits)
//                     header checksum: the two's complement of the sum of the first three bytes
//   payload
//   CRC-16-CCITT (init 0xFFFF) of header and payload, little-endian
//
// The bootloader answers each reliable packet with a bare header whose ack
// field names the sequence number it expects next.

export const HCI_PACKET_TYPE = 14

/** CRC-16-CCITT as the bootloader and nrfutil compute it (polynomial 0x1021, init 0xFFFF). */
export function crc16 (bytes: Uint8Array, crc = 0xffff): number {
  for (const b of bytes) {
    crc = ((crc >> 8) & 0x00ff) | ((crc << 8) & 0xff00)
    crc ^= b
    crc ^= (crc & 0x00ff) >> 4
    crc ^= (crc << 8) << 4
    crc ^= ((crc & 0x00ff) << 4) << 1
    crc &= 0xffff
  }
  return crc
}

/** The header of a packet with sequence number seq and len payload bytes. */
export function hciHeader (seq: number, len: number, reliable = true): Uint8Array {
  const b0 = (seq & 7) | (((seq + 1) & 7) << 3) | (reliable ? (1 << 6) | (1 << 7) : 0)
  const b1 = (reliable ? HCI_PACKET_TYPE : 0) | ((len & 0x00f) << 4)
  const b2 = (len & 0xff0) >> 4
  const b3 = (~(b0 + b1 + b2) + 1) & 0xff
  return Uint8Array.of(b0, b1, b2, b3)
}

/** A reliable packet: header, payload, CRC (not yet SLIP-framed). */
export function hciPacket (seq: number, payload: Uint8Array): Uint8Array {
  const head = hciHeader(seq, payload.length)
  const body = Uint8Array.from([...head, ...payload])
  const crc = crc16(body)
  return Uint8Array.from([...body, crc & 0xff, crc >> 8])
}

export interface HciParsed { seq: number, ack: number, reliable: boolean, payload: Uint8Array }

/** Reads a packet; undefined when its header checksum or CRC is wrong. */
export function parseHci (p: Uint8Array): HciParsed | undefined {
  if (p.length < 4 || ((p[0] + p[1] + p[2] + p[3]) & 0xff) !== 0) return undefined
  const reliable = (p[0] & 0x80) !== 0
  const integrity = (p[0] & 0x40) !== 0
  const len = (p[1] >> 4) | (p[2] << 4)
  if (p.length !== 4 + len + (integrity ? 2 : 0)) return undefined
  if (integrity) {
    const crc = crc16(p.subarray(0, 4 + len))
    if (p[4 + len] !== (crc & 0xff) || p[5 + len] !== crc >> 8) return undefined
  }
  return { seq: p[0] & 7, ack: (p[0] >> 3) & 7, reliable, payload: p.slice(4, 4 + len) }
}
