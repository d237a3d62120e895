// The sync protocol's messages and frames (docs/SYNC.md §3–§4) as a hostile
// peer writes them by hand: shared by the simulator's hostile badges and the
// hand-driven peer of the attack tests (tests/support/hostile-peer.ts), so
// both speak exactly the same wire format. HELLO is built in ONE place,
// hello.ts, because its layout is the part of the protocol most likely to
// change (a signed challenge).

import { PROTOCOL_VERSION } from '../../hello.js'

export const MSG = { HELLO: 1, RECON: 2, WANT: 3, BLOCKS: 4, END: 5, DONE: 6, PROOF: 7, BEACON: 8 } as const

/** Frame header bits (§3): first frame of a message, last frame, sequence number mod 64. */
export const FIRST = 0x80
export const LAST = 0x40
export const SEQ = 0x3f
/** ATT overhead and the frame header: a frame carries MTU - 4 message bytes. */
export const payloadOf = (mtu: number) => mtu - 3 - 1

export const u64 = (n: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, n), true); return [...b] }
export const varint = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b) } while (n); return out }
export const END_OF_KEYS = 0xffffffffffffffffn

/** A RECON of one range over everything: a LIST of the given items (at most 8). */
export function reconList (items: Array<{ owner: Uint8Array, height: number }>): Uint8Array {
  return Uint8Array.from([MSG.RECON, 1, ...u64(END_OF_KEYS), 2, items.length, ...items.flatMap(i => [...i.owner, ...varint(i.height)])])
}
/** A RECON of one SKIP over everything: ends a reconciliation (sent, never answered). */
/** A RECON of one range over everything: a summary (count, fingerprint) that the badge must split or list. */
export function reconFp (count: number, fp: bigint): Uint8Array {
  return Uint8Array.from([MSG.RECON, 1, ...u64(END_OF_KEYS), 1, ...varint(count), ...u64(fp)])
}

/** A picobadge advertisement (docs/SYNC.md §1) as a neighbour, or a spoofer, sends it. */
export function advert (id: number, chains: number, fp: bigint, free = 1): Uint8Array {
  return Uint8Array.from([2, 1, 6, 0x13, 0xff, 0xff, 0xff, 0xb0 | PROTOCOL_VERSION, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, chains & 0xff, chains >> 8, ...u64(fp), free])
}

export const reconSkipAll = () => Uint8Array.from([MSG.RECON, 1, ...u64(END_OF_KEYS), 0])
export const want = (owner: Uint8Array, have: number) => Uint8Array.from([MSG.WANT, ...owner, ...varint(have)])
export const blocks = (n: number, run: Uint8Array) => Uint8Array.from([MSG.BLOCKS, n, ...run])
export const end = (owner: Uint8Array) => Uint8Array.from([MSG.END, ...owner])
export const done = () => Uint8Array.of(MSG.DONE)

/** Reads a varint at `at`; returns [value, next offset]. */
export function readVarint (b: Uint8Array, at: number): [number, number] {
  let v = 0; let shift = 0
  for (;;) {
    const x = b[at++]
    v += (x & 0x7f) * 2 ** shift
    if (!(x & 0x80) || shift > 28) return [v, at]
    shift += 7
  }
}

/** Splits a message into frames as a badge does, numbering them on from `seq`. */
export class Framer {
  seq = 0
  constructor (readonly mtu: number) {}
  frames (msg: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = []
    const p = payloadOf(this.mtu)
    for (let o = 0; o < Math.max(1, msg.length); o += p) {
      const first = o === 0; const last = o + p >= msg.length
      out.push(Uint8Array.from([(first ? FIRST : 0) | (last ? LAST : 0) | (this.seq++ & SEQ), ...msg.subarray(o, o + p)]))
    }
    return out
  }
}

/** Joins frames back into messages (no checks: it reads what an honest badge sends). */
export class Reassembler {
  #open: number[] = []
  push (f: Uint8Array): Uint8Array | undefined {
    if (f[0] & FIRST) this.#open = []
    for (let i = 1; i < f.length; i++) this.#open.push(f[i])
    if (!(f[0] & LAST)) return undefined
    const m = Uint8Array.from(this.#open)
    this.#open = []
    return m
  }
}
