// Chains as a hostile badge handles them: what its own core holds (loaded
// from its store), blocks split out of a run, and blocks it signs itself.

import type { Badge } from '../../badge.js'
import { IO_DATA } from '../../core.js'
import { cborEncode, CborValue } from '../../cbor.js'
import { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR, HDR_PSIG, HeaderSpec } from '../../segment.js'
import { publicKeyOf } from '../../ed25519.js'
import { readVarint } from './wire.js'

/** The blocks of `owner`'s chain in the badge's store, genesis first. */
export function loadChain (b: Badge, owner: Uint8Array): Uint8Array[] {
  const c = b.core
  c.put(64, owner)
  const n = c.x.store_load(c.io + 64, 1, c.io + IO_DATA, c.dataCap)
  if (n <= 0) return []
  const len = new DataView(c.u8.buffer, c.io + IO_DATA, 4).getUint32(0, true)
  return splitBlocks(c.get(IO_DATA + 4, len))
}

/** A picofeed run (no PIC0) as its blocks: 64-byte signature, varint size, that many bytes. */
export function splitBlocks (run: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let o = 0; o < run.length;) {
    const [size, at] = readVarint(run, o + 64)
    out.push(run.slice(o, at + size))
    o = at + size
  }
  return out
}

/** BLOCKS bodies of at most `max` bytes each: [count, run]. */
export function pack (bs: Uint8Array[], max = 1534): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = []
  let cur: Uint8Array[] = []; let size = 0
  for (const b of bs) {
    if (size + b.length > max && cur.length) { out.push([cur.length, concat(cur)]); cur = []; size = 0 }
    cur.push(b); size += b.length
  }
  if (cur.length) out.push([cur.length, concat(cur)])
  return out
}

const concat = (bs: Uint8Array[]) => { const o = new Uint8Array(bs.reduce((a, b) => a + b.length, 0)); let i = 0; for (const b of bs) { o.set(b, i); i += b.length } return o }

/** A block signed with `seed` (the attacker's key): a genesis, or on `parent` (a head signature, anyone's). */
export function signBlock (seed: Uint8Array, body: CborValue, parent?: Uint8Array): { owner: Uint8Array, block: Uint8Array } {
  const data = cborEncode(body)
  const headers: HeaderSpec[] = parent ? [HDR_AUTHOR, [HDR_PSIG, parent]] : [HDR_AUTHOR]
  const block = Uint8Array.from(createBlockSegment(new Uint8Array(sizeOfBlockSegment(data.length, headers)), 0, data, seed, headers))
  return { owner: publicKeyOf(seed), block }
}
