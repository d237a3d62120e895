// A hostile peer for one badge, at the level of the sync protocol's
// messages (docs/SYNC.md §3–§6): it frames what it sends as a badge would,
// and knows each message's layout, so a generator can build conversations
// that go past the framing and the HELLO into every rule a peer can break.

import { Badge } from '../../host/badge.js'
import { ADDR_B } from './pipe.js'
import { IO_DATA } from '../../host/core.js'

export const MSG = { HELLO: 1, RECON: 2, WANT: 3, BLOCKS: 4, END: 5, DONE: 6 } as const
const MTU = 247
const PAYLOAD = MTU - 3 - 1 // ATT overhead, frame header

const u64 = (n: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, n), true); return [...b] }
const varint = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b) } while (n); return out }

export function hello (pk: Uint8Array, time: bigint, { version = 1, chains = 1, fp = 0x1234n } = {}): Uint8Array {
  return Uint8Array.from([MSG.HELLO, version, ...pk, ...u64(time), chains & 0xff, chains >> 8, ...u64(fp)])
}

/** A RECON of one range over everything: a LIST of the given items. */
export function reconList (items: Array<{ owner: Uint8Array, height: number }>): Uint8Array {
  return Uint8Array.from([MSG.RECON, 1, ...u64(0xffffffffffffffffn), 2, items.length, ...items.flatMap(i => [...i.owner, ...varint(i.height)])])
}

/** A RECON of one range over everything: a summary (count, fingerprint) that the badge must split or list. */
export function reconFp (count: number, fp: bigint): Uint8Array {
  return Uint8Array.from([MSG.RECON, 1, ...u64(0xffffffffffffffffn), 1, ...varint(count), ...u64(fp)])
}

/** A picobadge advertisement (docs/SYNC.md §1) as a neighbour, or a spoofer, sends it. */
export function advert (id: number, chains: number, fp: bigint, free = 1): Uint8Array {
  return Uint8Array.from([2, 1, 6, 0x13, 0xff, 0xff, 0xff, 0xb1, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, chains & 0xff, chains >> 8, ...u64(fp), free])
}

export const want = (owner: Uint8Array, have: number) => Uint8Array.from([MSG.WANT, ...owner, ...varint(have)])
export const blocks = (n: number, run: Uint8Array) => Uint8Array.from([MSG.BLOCKS, n, ...run])
export const end = (owner: Uint8Array) => Uint8Array.from([MSG.END, ...owner])

/** One link to the badge under test, from the hostile side. */
export class HostileLink {
  seq = 0
  /** Whether to tell the badge, after each frame, that what it sent went out (flow control). */
  ready = true
  /** Whether the badge took the link (false: it asked the host to disconnect at once). */
  readonly up: boolean
  constructor (readonly badge: Badge, readonly handle: number, public t: number, central = false, addr: Uint8Array = ADDR_B) {
    this.up = badge.linkUp(handle, MTU, central, addr, t)
  }

  /** The messages the badge sent on this link since the last call (reassembled). */
  readonly got: Uint8Array[] = []
  #open: number[] = []
  #collect (): void {
    for (const r of this.badge.drain()) {
      if (r.kind !== 'send' || r.link !== this.handle) continue
      const f = r.frame
      if (f[0] & 0x80) this.#open = []
      this.#open.push(...f.subarray(1))
      if (f[0] & 0x40) this.got.push(Uint8Array.from(this.#open))
    }
    if (this.ready) this.badge.core.x.badge_link_ready(this.handle, BigInt(this.t))
  }

  /** Sends raw frames, one a millisecond. */
  frames (fs: Uint8Array[], dt = 1): void {
    for (const f of fs) { const c = this.badge.core; c.put(IO_DATA, f); c.x.badge_frame(this.handle, c.io + IO_DATA, f.length, BigInt(this.t)); this.t += dt; this.#collect() }
  }

  /** Frames a message as a badge would and sends it. */
  send (msg: Uint8Array, dt = 1): void {
    const fs: Uint8Array[] = []
    for (let o = 0; o < Math.max(1, msg.length); o += PAYLOAD) {
      const first = o === 0; const last = o + PAYLOAD >= msg.length
      fs.push(Uint8Array.from([(first ? 0x80 : 0) | (last ? 0x40 : 0) | (this.seq++ & 0x3f), ...msg.subarray(o, o + PAYLOAD)]))
    }
    this.frames(fs, dt)
  }

  tick (dt: number): void { this.t += dt; this.badge.tick(this.t); this.#collect() }
  down (): void { this.badge.core.x.badge_link_down(this.handle, BigInt(this.t++)); this.#collect() }
  /** Whether the badge sent a message of this type on the link. */
  sent (type: number): Uint8Array | undefined { return this.got.find(m => m[0] === type) }
}
