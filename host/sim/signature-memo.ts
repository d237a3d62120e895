// Signatures known good, each with its key and message: the simulator's
// verify cache (verify-cache.ts) and its signer (host-signer.ts) remember
// them here. An entry is the signature, key and message in one array,
// listed under the signature's first 30 bits (random for any real
// signature, so a list is almost always one entry long): a number and a
// byte comparison, where a string of all three bytes cost ~2 µs to make
// and hash. Two generations of `generation` entries: the newer fills, then
// becomes the older and the older is dropped, so memory is bounded and
// what was added lately is kept.

/** The first 30 bits of a signature (or of any random-looking bytes, from `at`): the map key. */
export const head30 = (b: Uint8Array, at = 0): number => (b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24) & 0x3fffffff

/** Whether e holds exactly sig, pk and msg (in that order). */
function holds (e: Uint8Array, sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  if (e.length !== sig.length + pk.length + msg.length) return false
  let o = 0
  for (let i = 0; i < sig.length; i++) if (e[o++] !== sig[i]) return false
  for (let i = 0; i < pk.length; i++) if (e[o++] !== pk[i]) return false
  for (let i = 0; i < msg.length; i++) if (e[o++] !== msg[i]) return false
  return true
}

function found (list: Uint8Array[] | undefined, sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
  if (list !== undefined) for (const e of list) if (holds(e, sig, pk, msg)) return true
  return false
}

export class SignatureMemo {
  #newer = new Map<number, Uint8Array[]>()
  #older = new Map<number, Uint8Array[]>()
  #count = 0

  constructor (readonly generation: number) {}

  /** True when exactly this signature, key and message were added (and not yet dropped). */
  has (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): boolean {
    const key = head30(sig)
    return found(this.#newer.get(key), sig, pk, msg) || found(this.#older.get(key), sig, pk, msg)
  }

  add (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array): void {
    if (this.#count >= this.generation) { this.#older = this.#newer; this.#newer = new Map(); this.#count = 0 }
    const e = new Uint8Array(sig.length + pk.length + msg.length)
    e.set(sig); e.set(pk, sig.length); e.set(msg, sig.length + pk.length)
    const key = head30(sig)
    const list = this.#newer.get(key)
    if (list) list.push(e); else this.#newer.set(key, [e])
    this.#count++
  }
}
