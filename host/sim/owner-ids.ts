// Chain owners (32-byte public keys) as small whole numbers, for the
// simulator's once-a-minute checks of what every badge holds (losses.ts,
// MeshShard.checkForgotten). 10,000 badges hold ~80 chains each: making a
// hex string of each owner at each check (and hashing it into sets) cost
// about a third of a millisecond a badge, an eighth of a settled run. An id
// is found from the key's bytes where they lie (a store_chains record) with
// a number and a byte comparison, and nothing is allocated for a key seen
// before. Ids are never reused: an owner's id holds for the whole run.

import { toHex, fromHex } from '../bytes.js'
import { head30 } from './signature-memo.js'

export const OWNER_BYTES = 32

export class OwnerIds {
  /** Ids by the key's first 30 bits (random for a public key: a list is almost always one long). */
  readonly #byHead = new Map<number, number[]>()
  readonly #keys: Uint8Array[] = []
  /** Each id's key in hex (how the simulator's metrics name an owner). */
  readonly #hex: string[] = []

  /** How many owners have an id. */
  get size (): number { return this.#keys.length }

  /** The id of the key at bytes[at, at + 32), given one if new. */
  idAt (bytes: Uint8Array, at: number): number {
    if (!(at >= 0 && at + OWNER_BYTES <= bytes.length)) throw new RangeError(`owner ids: a key at ${at} overruns ${bytes.length} bytes`)
    const head = head30(bytes, at)
    let list = this.#byHead.get(head)
    if (list !== undefined) {
      for (const id of list) if (same(this.#keys[id], bytes, at)) return id
    } else {
      list = []
      this.#byHead.set(head, list)
    }
    const key = bytes.slice(at, at + OWNER_BYTES)
    const id = this.#keys.length
    this.#keys.push(key)
    this.#hex.push(toHex(key))
    list.push(id)
    return id
  }

  /** The id of the owner named in hex (64 digits). */
  idOfHex (hex: string): number {
    const key = fromHex(hex)
    if (key.length !== OWNER_BYTES) throw new RangeError(`owner ids: an owner is ${OWNER_BYTES} bytes, not ${key.length}`)
    return this.idAt(key, 0)
  }

  hex (id: number): string {
    const h = this.#hex[id]
    if (h === undefined) throw new RangeError(`owner ids: no owner ${id}`)
    return h
  }
}

function same (key: Uint8Array, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < OWNER_BYTES; i++) if (key[i] !== bytes[at + i]) return false
  return true
}
