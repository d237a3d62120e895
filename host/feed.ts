// Feed: one flat buffer, the magic PIC0, then blocks. The same public API
// and semantics as picofeed 8's Feed; parsing and signatures go through the
// WebAssembly core (host/block.ts, host/ed25519.ts).

import { Block, scan, symFeed, symBlock, symInspect } from './block.js'
import { cmp, cpy, s2b, toHex, toU8 } from './bytes.js'
import { counters } from './counters.js'
import { signPair } from './keys.js'
import type { SecretKey } from './keys.js'
import { HDR_AUTHOR, HDR_PSIG, sizeOfBlockSegment, createBlockSegment, usize } from './segment.js'
import type { HeaderSpec } from './segment.js'
import { macrofilm } from './inspect.js'

export const PIC0 = s2b('PIC0')

export type InteractiveMergeCallback = (block: Block, stop: (after?: boolean) => void) => void
export type Feedlike = Feed | Block | Block[] | Uint8Array | ArrayBuffer

export function isFeed (o: any): o is Feed { return !!(o && o[symFeed]) }
export function isBlock (o: any): o is Block { return !!(o && o[symBlock]) }

interface IndexCache { keys: Uint8Array[], blocks: Block[], offset: number }

export class Feed {
  [symFeed] = 8
  static get __vctr (): number { return counters.vctr }
  static set __vctr (n: number) { counters.vctr = n }
  static signPair = signPair
  static isFeed = isFeed
  static isBlock = isBlock
  static from = feedFrom
  /** Used bytes in the feed. */
  tail = 0
  _buf!: Uint8Array
  _c?: IndexCache

  /** A new empty feed of `from` bytes, or a feed over the given memory (verified unless noVerify). */
  constructor (from: number | Uint8Array = 2048, noVerify: boolean | Record<string, Uint8Array> = false) {
    if (usize(from)) {
      this._buf = cpy(new Uint8Array(from), PIC0)
      this.tail = 4
    } else if (from instanceof Uint8Array) {
      this._buf = from
      this._index(true, noVerify)
    } else throw new Error('new accepts number or Uint8Array')
  }

  #grow (min: number): boolean {
    let size = this._buf.length
    if (min < size) return false
    while (size < min) size = size << 1
    this._buf = cpy(new Uint8Array(size), this._buf)
    this._index(true, true) // subarrays of the old buffer are stale
    return true
  }

  get buffer (): Uint8Array {
    this._index()
    return this._buf.subarray(0, this.tail)
  }

  /** Appends a block signed by sk; returns the new length. */
  append (data: string | Uint8Array, sk: SecretKey): number {
    if (typeof data === 'string') data = s2b(data)
    const hdrs: HeaderSpec[] = [HDR_AUTHOR]
    const pblock = this.last
    if (pblock) hdrs.push([HDR_PSIG, pblock.sig])
    const bsize = sizeOfBlockSegment(data.length, hdrs)
    this.#grow(this.tail + bsize)
    createBlockSegment(this._buf, this.tail, data, sk, hdrs)
    this.tail += bsize
    return this.length
  }

  get keys (): Uint8Array[] {
    this._index()
    return this._c!.keys
  }

  get last (): Block { return this.block(-1) }
  get first (): Block { return this.block(0) }
  get length (): number { return this.blocks.length }
  get partial (): boolean { return !this.first?.genesis }

  get blocks (): Block[] {
    this._index()
    return this._c!.blocks
  }

  block (n: number): Block {
    const blocks = this.blocks
    return blocks[n < 0 ? blocks.length + n : n]
  }

  /**
   * Indexes blocks from the last indexed offset on, verifying each unless
   * preverified is true (an object maps hex signatures to keys of
   * anonymous blocks). Stops at picofeed's end-of-feed markers; throws on a
   * broken parent link or a bad signature.
   */
  _index (reindex = false, preverified?: boolean | Record<string, Uint8Array>): void {
    const skipVerification = preverified === true
    const anonKeyMap: any = preverified || {}
    if (!this._c || reindex) this._c = { keys: [], blocks: [], offset: 0 }
    const c = this._c
    if (!c.offset && cmp(this._buf.subarray(0, 4), PIC0)) c.offset = 4
    if (this.tail < c.offset) this.tail = c.offset
    while (true) {
      const layout = scan(this._buf, c.offset, true)
      if (!layout) break
      const block = new Block(this._buf, c.offset, layout)
      const p = c.blocks[c.blocks.length - 1]
      if (p && !cmp(p.sig, block.psig)) throw new Error('InvalidParent')
      const known = anonKeyMap[toHex(block.sig)]
      if (known) block.__key = known
      if (!skipVerification) {
        const valid = block.key
          ? block.verify()
          : c.keys.find(k => block.verify(k))
        if (!valid) throw new Error('InvalidFeed.SignatureVerificationFailed')
      }
      c.blocks.push(block)
      c.offset += block.blockSize
      if (!c.keys.find(k => cmp(k, block.key as Uint8Array))) c.keys.push(block.key as Uint8Array)
      if (this.tail < c.offset) this.tail = c.offset
    }
  }

  /** A copy of this feed (not re-verified). */
  clone (): Feed {
    return new Feed(this._buf.slice(0, this.tail), true)
  }

  /** Drops blocks above height (negative counts from the end); returns the new length. */
  truncate (height: number): number {
    if (!Number.isInteger(height)) throw new Error('IntegerExpected')
    if (height < 0) height = this.length + height
    const bs = this.blocks
    while (height < bs.length) this.tail -= bs.pop()!._brick()
    this._c!.offset = this.tail
    return this.length
  }

  /**
   * 0 when in sync, positive when other is ahead by that many blocks,
   * negative when other is behind. Throws 'diverged' or 'unrelated'.
   */
  diff (other: Feedlike): number {
    other = feedFrom(other)
    if (this === other) return 0
    const a = this.blocks
    const b = other.blocks
    if (!a.length) return b.length
    let i = 0 // offset in a
    let j = 0 // shift of b
    for (; i < a.length; i++) {
      if (cmp(a[i].psig, b[j].psig)) break
      if (cmp(a[i].sig, b[j].psig)) { j--; break }
    }
    if (i === a.length) throw new Error('unrelated')
    if (j === -1) { // b starts right after a[i]
      if (i + 1 === a.length) return b.length
      else { ++i; ++j }
    }
    for (; i < a.length && j < b.length; (i++, j++)) {
      if (!cmp(a[i].sig, b[j].sig)) throw new Error('diverged')
    }
    if (i === a.length && j === b.length) return 0
    else if (i === a.length) return b.length - j
    else return i - a.length
  }

  /** A new feed of blocks [start, end) (negative start counts from the end). */
  slice (start = 0, end: number = this.length): Feed {
    const blocks = this.blocks.slice(start < 0 ? this.length + start : start, end)
    return feedFrom(blocks)
  }

  /**
   * Merges src onto this feed (or this onto src when src comes first).
   * Returns the number of blocks merged, 0 when nothing is new, -1 when the
   * feeds diverged or are unrelated. The callback may stop the merge.
   */
  merge (src: Feedlike, icb?: InteractiveMergeCallback): number {
    let dst: Feed = this
    let from = feedFrom(src)
    if (!from.length) return 0
    let s = -1
    try {
      s = dst.diff(from)
    } catch (err) {
      switch ((err as Error).message) {
        case 'diverged': return -1
        case 'unrelated':
          dst = from.clone()
          from = this
          try { s = dst.diff(from) } catch (e2) {
            if (['diverged', 'unrelated'].includes((e2 as Error).message)) return -1
            else throw err
          }
          break
        default: throw err
      }
    }
    if (s < 1) return 0
    const blocks = from.blocks.slice(from.length - s, from.length)
    let m = 0
    let stop = false
    for (const b of dst._rebase(blocks)) {
      if (stop) break
      let after = false
      if (typeof icb === 'function') icb(b, a => { stop = true; after = !!a })
      if (stop && !after) break
      m++
    }
    if (dst !== this) this.#pilfer(dst)
    return m
  }

  #pilfer (f: Feed): void { // take f's memory and brick f
    this._buf = f._buf
    this.tail = f.tail
    f._index = () => { throw new Error('MemoryTaken') }
    delete this._c
    delete f._c
  }

  /** Appends blocks as they are (not re-verified by default). */
  * _rebase (blocks: Block[], noVerify: boolean | Record<string, Uint8Array> = true): Generator<Block, void, unknown> {
    let size = 0
    for (const b of blocks) size += b.blockSize
    this.#grow(this.tail + size)
    const buffer = this._buf
    for (const b of blocks) {
      yield b
      buffer.set(b.buffer, this.tail)
      this.tail += b.blockSize
    }
    this._index(false, noVerify)
  }

  /** Prints an ASCII picture of the feed. */
  inspect (log: (line: string) => void = globalThis.console?.error): void { log(macrofilm(this)) }

  [symInspect] (): string { return macrofilm(this) }
}

/**
 * A feed from a Feed (returned as is, not verified), a Block or Block array,
 * or bytes (verified unless noVerify).
 */
export function feedFrom (input: Feedlike | unknown, noVerify: boolean = false): Feed {
  if (isFeed(input)) return input
  if (isBlock(input)) input = [input]
  if (Array.isArray(input) && isBlock(input[0])) {
    const f = new Feed()
    Array.from(f._rebase(input as Block[], noVerify))
    return f
  }
  if (ArrayBuffer.isView(input) || input instanceof ArrayBuffer) {
    return new Feed(toU8(input), noVerify)
  }
  throw new Error(`Cannot create feed from: ${typeof input}`)
}
