// One link played by hand by a hostile badge (docs/SYNC.md §5, as far as an
// honest badge needs to see it): the attack's HELLO, its LIST (answering the
// honest badge's opening, or opening itself as central), the attack's
// answer to every WANT followed by END, and DONE, unless the attack holds
// the link. Everything else the honest badge says is read and let be.

import { MSG, Framer, Reassembler, reconList, reconSkipAll, end, done, readVarint } from './wire.js'
import { craftHello, craftProof, helloKey, helloNonce, HelloFields } from './hello.js'
import type { Attack, PeerView } from './attack.js'

export class ScriptedPeer {
  readonly #framer: Framer
  readonly #in = new Reassembler()
  #listed = false
  #over = false
  #peerDone = false
  readonly upAt: number
  constructor (
    readonly attack: Attack,
    readonly peer: PeerView,
    mtu: number,
    now: number,
    readonly send: (frames: Uint8Array[]) => void,
    readonly hangUp: () => void
  ) {
    this.#framer = new Framer(mtu)
    this.upAt = now
  }

  #say (msg: Uint8Array): void { this.send(this.#framer.frames(msg)) }

  #hello: HelloFields | undefined

  up (): void {
    this.#hello = this.attack.hello(this.peer)
    this.#say(craftHello(this.#hello))
  }

  receive (frame: Uint8Array): void {
    const m = this.#in.push(frame)
    if (m) this.#message(m)
  }

  #message (m: Uint8Array): void {
    switch (m[0]) {
      case MSG.HELLO:
        this.attack.heardHello?.(helloKey(m))
        // Our HELLO counts once its PROOF verifies: signed with the made-up key's secret (an impersonator has none, and is not heard).
        if (this.#hello) { const proof = craftProof(this.#hello, helloNonce(m)); if (proof) this.#say(proof) }
        // We are the central (the peer's HELLO says nothing of it): open with our LIST.
        if (!this.peer.central) this.#reply()
        break
      case MSG.RECON:
        // A single SKIP over everything ends the reconciliation.
        if (m.length === 11 && m[1] === 1 && m[10] === 0) { this.#end(); break }
        this.#reply()
        break
      case MSG.WANT: {
        const owner = m.slice(1, 33)
        const [have] = readVarint(m, 33)
        for (const r of this.attack.answer(owner, have, this.peer)) this.#say(r)
        this.#say(end(owner))
        break
      }
      case MSG.DONE:
        this.#peerDone = true
        if (this.#over && !this.peer.central) this.hangUp()
        break
    }
  }

  /** Our turn in the reconciliation: the LIST once, then one SKIP over everything. */
  #reply (): void {
    const items = this.#listed ? [] : this.attack.list(this.peer)
    this.#listed = true
    if (items.length > 0) { this.#say(reconList(items)); return }
    this.#say(reconSkipAll())
    this.#end()
  }

  #end (): void {
    if (this.#over) return
    this.#over = true
    if (this.attack.hold) return
    this.#say(done())
    if (this.#peerDone && !this.peer.central) this.hangUp()
  }
}
