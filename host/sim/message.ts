// What one badge's radio tells another's, in flight between shards
// (shard.ts): every effect a badge has on another is one of these,
// arriving REPORT_DELAY or later after it was sent (radio.ts), so a shard
// can run a window that long without hearing from the others. Packed into
// bytes to cross a thread (threads.ts); packing is exact both ways.

import { sameAt } from '../bytes.js'

export const MSG_ADVERT = 1 // an advertisement heard by some of the shard's badges: origin = the advertiser (and target, for the queue's order), a = the hearers' indices (u16 LE each), b = its data
export const MSG_SPOOF = 2 // an advertisement from a made-up address (a hostile badge's): no duplicate filter
export const MSG_CONNECT = 3 // a central's CONNECT_IND: num = MTU, a = the central's owner key (hex, latin1) when the target plays an attack
export const MSG_ACCEPT = 4 // the peripheral took the link: a = its owner key when the central plays an attack
export const MSG_REFUSE = 5 // the peripheral could not take it
export const MSG_DOWN = 6 // the link ended at the sender's end
export const MSG_FRAME = 7 // one frame on the link: b = its bytes

export interface RadioMessage {
  kind: number
  /** When it reaches the target's host (ms of virtual time). */
  t: number
  target: number
  origin: number
  /** The origin's sequence number when it sent it (queue.ts orders by it). */
  seq: number
  /** Its key in the target shard's queue (queue.ts; set there): a message is its own event. */
  k: number
  /** The link it is about (shard.ts, linkId), or 0. */
  link: number
  num: number
  a: Uint8Array | null
  b: Uint8Array | null
}

const HEAD = 1 + 8 + 4 + 4 + 4 + 8 + 4 + 2 + 4

/** Bytes to hold the messages packed. */
function packedSize (ms: readonly RadioMessage[]): number {
  let n = 4
  for (const m of ms) n += HEAD + (m.a?.length ?? 0) + (m.b?.length ?? 0)
  return n
}

/** The messages as one buffer (a count, then per message its fixed head and its two byte strings). */
export function pack (ms: readonly RadioMessage[]): Uint8Array {
  const out = new Uint8Array(packedSize(ms))
  const v = new DataView(out.buffer)
  v.setUint32(0, ms.length, true)
  let o = 4
  for (const m of ms) {
    const al = m.a?.length ?? 0; const bl = m.b?.length ?? 0
    v.setUint8(o, m.kind); v.setFloat64(o + 1, m.t, true)
    v.setUint32(o + 9, m.target, true); v.setUint32(o + 13, m.origin, true); v.setUint32(o + 17, m.seq, true)
    v.setFloat64(o + 21, m.link, true); v.setUint32(o + 29, m.num, true)
    v.setUint16(o + 33, m.a === null ? 0xffff : al, true); v.setUint32(o + 35, m.b === null ? 0xffffffff : bl, true)
    o += HEAD
    if (m.a) { out.set(m.a, o); o += al }
    if (m.b) { out.set(m.b, o); o += bl }
  }
  return out
}

/**
 * The messages of pack(). Each byte string is a copy of its own, but for an advert's: its list of
 * hearers is a view of `buf` (read once, when the advert arrives), and its data is `adverts[origin]`
 * when that holds the same bytes, else a copy that goes there. A badge advertises the same bytes
 * second after second, so most adverts copy nothing, and a scanner's duplicate filter finds them the
 * same object (advert-filter.ts). `adverts`: the last advert data unpacked from each badge (a shard
 * keeps one; callers that keep none get copies).
 */
export function unpack (buf: Uint8Array, adverts?: Array<Uint8Array | undefined>): RadioMessage[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const count = v.getUint32(0, true)
  const out: RadioMessage[] = []
  let o = 4
  for (let i = 0; i < count; i++) {
    const al = v.getUint16(o + 33, true); const bl = v.getUint32(o + 35, true)
    const m: RadioMessage = {
      kind: v.getUint8(o),
      t: v.getFloat64(o + 1, true),
      target: v.getUint32(o + 9, true),
      origin: v.getUint32(o + 13, true),
      seq: v.getUint32(o + 17, true),
      k: 0,
      link: v.getFloat64(o + 21, true),
      num: v.getUint32(o + 29, true),
      a: null,
      b: null
    }
    o += HEAD
    const advert = m.kind === MSG_ADVERT && adverts !== undefined
    if (al !== 0xffff) { m.a = advert ? buf.subarray(o, o + al) : buf.slice(o, o + al); o += al }
    if (bl !== 0xffffffff) {
      if (advert) {
        const last = adverts[m.origin]
        m.b = last !== undefined && last.length === bl && sameAt(last, buf, o) ? last : (adverts[m.origin] = buf.slice(o, o + bl))
      } else m.b = buf.slice(o, o + bl)
      o += bl
    }
    out.push(m)
  }
  return out
}
