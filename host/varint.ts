// varintEncode / varintDecode with picofeed 8's signatures, computed by the core.

import { core, IO_DATA, IO_OUT } from './core.js'

/** Encodes num into buffer at offset; returns the number of bytes written. */
export function varintEncode (num: number, buffer: { [i: number]: number } = [], offset = 0): number {
  if (!Number.isInteger(num) || num < 0 || num > 0xffffffff) throw new Error(`varint out of range: ${num}`)
  const c = core()
  const n = c.x.varint_encode(num >>> 0, c.io + IO_DATA)
  for (let i = 0; i < n; i++) buffer[offset + i] = c.u8[c.io + IO_DATA + i]
  return n
}

/**
 * Decodes a varint at offset; returns [value, bytesRead]. Values wrap to
 * signed 32 bits exactly as picofeed's do. A varint that runs on for more
 * than the core's window (16 KiB of continuation bytes) is refused.
 */
export function varintDecode (buffer: ArrayLike<number>, offset = 0): [number, number] {
  const c = core()
  const len = Math.max(0, buffer.length - offset)
  const n = Math.min(len, c.dataCap)
  for (let i = 0; i < n; i++) c.u8[c.io + IO_DATA + i] = buffer[offset + i]
  const rc = c.x.varint_decode(c.io + IO_DATA, n, c.io + IO_OUT)
  if (rc === 0) return [c.out(0), c.out(1)]
  if (n === len) throw new Error('Insufficient bytes in buffer')
  throw new RangeError(`VarintTooLong: more than ${c.dataCap} bytes`)
}
