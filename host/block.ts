// Block: a view of one picofeed 8 block inside a buffer. The layout comes
// from the core's scanner (assembly/feed/block.ts); signatures from its
// verifier. Field for field the same as picofeed's Block.

import { core, IO_DATA, IO_OUT } from './core.js'
import { au8, toHex, b2s, ensureBytes } from './bytes.js'
import { verifyWith } from './ed25519.js'
import { counters } from './counters.js'

export const symInspect = Symbol.for('nodejs.util.inspect.custom')
export const symFeed = Symbol.for('PIC0::Feed')
export const symBlock = Symbol.for('PIC0::Block')

export const SCAN_OK = 0
export const SCAN_END = 1
const E_WINDOW = -14
const SCAN_PREFIX = 512

/** The scanner's answer for one position: a status and, when 0, the layout. */
export interface Layout {
  blockSize: number
  bodyOffset: number
  bodySize: number
  keyOffset: number
  keyLen: number
  psigOffset: number
  psigLen: number
}

/** Error messages picofeed throws for the same malformed input. */
export function scanError (rc: number, headerType: number): Error {
  switch (rc) {
    case -10: return new Error('Insufficient bytes in buffer')
    case -11: return new Error('BufferUnderflow')
    case -12: return new Error(`DecodedUnknownHeader: ${headerType < 0 ? undefined : headerType}`)
    case -13: return new Error('InvalidBlockSize: size varint is negative')
    case -14: return new Error('BlockHeadersTooLong: headers exceed the core window')
    default: return new Error(`core scan failed with code ${rc}`)
  }
}

/**
 * Scans buffer at offset with the core. feedMode applies picofeed's
 * end-of-feed rules first (returns null at the end of a feed).
 */
export function scan (buffer: Uint8Array, offset: number, feedMode: boolean): Layout | null {
  const c = core()
  const avail = Math.max(0, buffer.length - offset)
  const ptr = c.io + IO_DATA
  const out = c.io + IO_OUT
  // Headers of ordinary blocks end within 170 bytes: copy a short prefix
  // first and the whole window only when the core asks for more.
  let have = Math.min(avail, SCAN_PREFIX)
  c.u8.set(buffer.subarray(offset, offset + have), ptr)
  let rc = feedMode ? c.x.feed_block_scan(ptr, have, avail, out) : c.x.block_scan(ptr, have, avail, out)
  if (rc === E_WINDOW && have < avail) {
    have = Math.min(avail, c.dataCap)
    c.u8.set(buffer.subarray(offset, offset + have), ptr)
    rc = feedMode ? c.x.feed_block_scan(ptr, have, avail, out) : c.x.block_scan(ptr, have, avail, out)
  }
  if (rc === SCAN_END) return null
  if (rc !== SCAN_OK) throw scanError(rc, c.out(8))
  return {
    blockSize: c.out(0),
    bodyOffset: c.out(2),
    bodySize: c.out(3),
    keyOffset: c.out(4),
    keyLen: c.out(5),
    psigOffset: c.out(6),
    psigLen: c.out(7)
  }
}

export class Block {
  [symBlock] = 8
  #blksz = 0
  #size = 0
  #bodyOffset = 0
  #key: Uint8Array | undefined = undefined
  #psig: Uint8Array | undefined = undefined
  buffer: Uint8Array

  constructor (buffer: Uint8Array, offset = 0, layout?: Layout) {
    au8(buffer)
    const l = layout ?? (scan(buffer, offset, false) as Layout)
    this.#blksz = l.blockSize
    this.#size = l.bodySize
    this.#bodyOffset = l.bodyOffset
    this.buffer = buffer.subarray(offset, offset + l.blockSize)
    if (l.keyOffset >= 0) this.#key = this.buffer.subarray(l.keyOffset, l.keyOffset + l.keyLen)
    if (l.psigOffset >= 0) this.#psig = this.buffer.subarray(l.psigOffset, l.psigOffset + l.psigLen)
  }

  get genesis (): boolean { return !this.#psig }
  get sig (): Uint8Array { return this.buffer.subarray(0, 64) }
  get id (): Uint8Array { return this.sig }
  /** Parent signature; a genesis block answers 64 zero bytes, as picofeed does. */
  get psig (): Uint8Array { return this.#psig ?? new Uint8Array(64) }
  get size (): number { return this.#size }
  get blockSize (): number { return this.#blksz }
  get end (): never { throw new Error('Block.end deprecated') }
  get body (): Uint8Array { return this.buffer.subarray(this.#bodyOffset, this.#bodyOffset + this.size) }

  get __key (): undefined { return undefined }
  // picofeed checks for 64 bytes here; kept so anonymous-block behaviour matches.
  set __key (pk: Uint8Array) { this.#key ||= au8(pk, 64) }

  _brick (): number {
    this.buffer[64] = 0
    return this.blockSize
  }

  get key (): Uint8Array | undefined { return this.#key }

  verify (pk: Uint8Array | string | undefined = this.#key): boolean {
    if (counters.vctr !== -1) ++counters.vctr
    const key = ensureBytes('publicKey', pk, 32)
    const v = verifyWith(this.sig, key, this.buffer.subarray(64, this.#blksz))
    if (v) this.#key ||= (pk instanceof Uint8Array ? pk : key)
    return v
  }

  toString (): string {
    const key = this.key && toHex(this.key.slice(0, 3))
    const bodyhex = toHex(this.sig.slice(0, 4)).replace(/(.{2})/g, '$1 ').trimEnd()
    const body = b2s(this.body.slice(0, 12))
    const sig = toHex(this.sig.slice(0, 4))
    const psig = this.genesis ? 'GENESIS' : toHex(this.psig.slice(0, 4))
    return JSON.stringify({ key, sig, psig, size: this.size, bodyhex, body })
  }

  [symInspect] (): string { return this.toString() }
}
