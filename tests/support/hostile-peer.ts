// A hostile peer for one badge, at the level of the sync protocol's
// messages (docs/SYNC.md §3–§6): it frames what it sends as a badge would,
// and knows each message's layout, so a generator can build conversations
// that go past the framing and the HELLO into every rule a peer can break.
// The encoders live in host/sim/hostile/ (the simulator's hostile badges
// use the same ones); HELLO is made in one place, host/sim/hostile/hello.ts.

import { randomBytes } from 'node:crypto'
import { Badge } from '../../host/badge.js'
import { ADDR_B } from './pipe.js'
import { IO_DATA } from '../../host/core.js'
import { Framer } from '../../host/sim/hostile/wire.js'
import { Hello, helloMessage, parseHello, proofMessage, helloKey, PROTOCOL_VERSION } from '../../host/hello.js'

export { MSG, reconList, reconFp, advert, want, blocks, end } from '../../host/sim/hostile/wire.js'
const MTU = 247

export interface HelloOptions { version?: number, chains?: number, fp?: bigint, nonce?: Uint8Array, beacon?: bigint }

/** A HELLO message (host/hello.ts) for key pk, unproven. */
export function hello (pk: Uint8Array, time: bigint, { version = PROTOCOL_VERSION, chains = 1, fp = 0x1234n, nonce = new Uint8Array(16), beacon = 0n }: HelloOptions = {}): Uint8Array {
  return helloMessage({ version, pk, nonce, time, chains, fp, beacon })
}

/** A 32-byte seed filled with one byte: a test key whose secret the peer holds. */
export const seedOf = (n: number) => new Uint8Array(32).fill(n)

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
    this.#collect() // the badge's HELLO
  }

  /** The HELLO the badge sent on this link (its nonce is what a PROOF answers). */
  badgeHello (): Required<Hello> {
    // A badge whose outbox was full at link-up hands its HELLO over once the host drains it.
    if (!this.got.some(m => parseHello(m))) this.#collect()
    const h = this.got.map(parseHello).find(x => x)
    if (!h) throw new Error('the badge sent no HELLO on this link')
    return h
  }

  /**
   * Says HELLO as the key of `seed` and proves it: the PROOF answers this link's nonce.
   * Returns the HELLO as sent (a test may replay it, or its PROOF, on another link).
   */
  greet (seed: Uint8Array, time: bigint, opts: HelloOptions = {}): { hello: Uint8Array, proof: Uint8Array } {
    const { pk } = helloKey(seed)
    const h: Hello = { version: opts.version ?? PROTOCOL_VERSION, pk, nonce: opts.nonce ?? randomBytes(16), time, chains: opts.chains ?? 1, fp: opts.fp ?? 0x1234n, beacon: opts.beacon ?? 0n }
    const hello = helloMessage(h)
    const proof = proofMessage(seed, this.badgeHello().nonce, h)
    this.send(hello)
    this.send(proof)
    return { hello, proof }
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
