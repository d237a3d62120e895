// A hostile peer for one badge, at the level of the sync protocol's
// messages (docs/SYNC.md §3–§6): it frames what it sends as a badge would,
// and knows each message's layout, so a generator can build conversations
// that go past the framing and the HELLO into every rule a peer can break.
// The encoders live in host/sim/hostile/ (the simulator's hostile badges
// use the same ones); HELLO is made in one place, host/sim/hostile/hello.ts.

import { Badge } from '../../host/badge.js'
import { ADDR_B } from './pipe.js'
import { IO_DATA } from '../../host/core.js'
import { Framer } from '../../host/sim/hostile/wire.js'

export { MSG, reconList, reconFp, advert, want, blocks, end } from '../../host/sim/hostile/wire.js'
export { hello } from '../../host/sim/hostile/hello.js'
const MTU = 247

/** One link to the badge under test, from the hostile side. */
export class HostileLink {
  readonly #framer = new Framer(MTU)
  get seq (): number { return this.#framer.seq }
  set seq (s: number) { this.#framer.seq = s }
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
  send (msg: Uint8Array, dt = 1): void { this.frames(this.#framer.frames(msg), dt) }

  tick (dt: number): void { this.t += dt; this.badge.tick(this.t); this.#collect() }
  down (): void { this.badge.core.x.badge_link_down(this.handle, BigInt(this.t++)); this.#collect() }
  /** Whether the badge sent a message of this type on the link. */
  sent (type: number): Uint8Array | undefined { return this.got.find(m => m[0] === type) }
}
