// Writing blocks: sizes and signed block segments, as picofeed 8 lays them out.

import { au8, s2b, ensureBytes } from './bytes.js'
import { varintEncode } from './varint.js'
import { publicKeyOf, signWith } from './ed25519.js'
import type { SecretKey } from './keys.js'

export const HDR_AUTHOR = 1
export const HDR_PSIG = 2

export type HeaderSpec = number | [number, ...unknown[]]

export function usize (n: unknown): n is number { return Number.isInteger(n) && (n as number) > 0 }

function sizeOfData (dataLength: number, headers: HeaderSpec[] = []): number {
  if (!usize(dataLength)) throw new Error('Expected positive integer')
  for (const hdr of headers) {
    const type = Array.isArray(hdr) ? hdr[0] : hdr
    if (!Number.isInteger(type)) throw new Error(`InvalidHeader: ${type}`)
    switch (type) {
      case HDR_PSIG: dataLength += 2 + 64; break
      case HDR_AUTHOR: dataLength += 2 + 32; break
      default: throw new Error(`UnknownHeaderSize: ${type}: ${hdr}`)
    }
  }
  return dataLength
}

/** Bytes a block with a body of dataLength and these headers occupies. */
export function sizeOfBlockSegment (dataLength: number, headers: HeaderSpec[] = []): number {
  const size = sizeOfData(dataLength, headers)
  return 64 + varintEncode(size) + size
}

/**
 * Writes a signed block into buffer at offset and returns the block's bytes
 * (a view into buffer). The signature covers everything after itself.
 */
export function createBlockSegment (buffer: Uint8Array, offset = 0, data: string | Uint8Array, sk: SecretKey, headers: HeaderSpec[] = []): Uint8Array {
  au8(buffer)
  if (typeof data === 'string') data = s2b(data)
  if (data[0] === 0) throw new Error('First byte of data must be non-zero')
  const datSize = sizeOfData(data.length, headers)
  const bsize = 64 + varintEncode(datSize) + datSize
  if (buffer.length - offset < bsize) throw new Error('BufferUnderflow')
  const seed = ensureBytes('private key', sk, 32)
  const block = buffer.subarray(offset, offset + bsize)
  let o = 64
  o += varintEncode(datSize, block, o)
  for (const hdr of headers) {
    const type = Array.isArray(hdr) ? hdr[0] : hdr
    block[o++] = 0
    block[o++] = type & 0xff
    if (type === HDR_AUTHOR) {
      block.set(publicKeyOf(seed), o)
      o += 32
    } else if (type === HDR_PSIG) {
      block.set(au8((hdr as unknown[])[1], 64), o)
      o += 64
    } else throw new Error(`UnknownHeader: ${hdr}`)
  }
  block.set(data, o)
  block.set(signWith(seed, block.subarray(64)), 0)
  return block
}
