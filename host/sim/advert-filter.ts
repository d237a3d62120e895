// The scanners' duplicate filter (radio.ts) for all the badges of a shard:
// a badge reports an advert unless it reported the same bytes from the same
// advertiser less than DUP_FILTER_RESET ago. At 10,000 badges that is a
// million pairs heard a simulated second; as a Map of objects per badge the
// lookups were a tenth of the run, mostly cache misses, and the maps a few
// KB a badge. Here it is one open-addressing table (linear probing) of
// numbers, with the adverts' bytes beside it.
//
// Invariants:
//   - each (hearer, advertiser) pair has at most one slot; a slot is live
//     when its generation is its hearer's and it is younger than
//     DUP_FILTER_RESET, and only a live slot filters anything;
//   - forget(hearer) (a power cut: the controller's filter is gone) bumps
//     the hearer's generation, so its slots stop being live at once;
//   - the table is at most half full: when it would be more, it is rebuilt
//     with its live slots only, twice as large if they need it.

import { DUP_FILTER_RESET } from './radio.js'
import { sameBytes } from '../bytes.js'

const EMPTY = -1
const MIN_BITS = 10

export class AdvertFilter {
  /** Per slot: hearer << 16 | advertiser (EMPTY when none), the hearer's generation, when reported, and what. */
  #keys: Int32Array
  #gens: Int32Array
  #times: Float64Array
  #data: Array<Uint8Array | null>
  #bits: number
  #used = 0
  /** Per badge, its filter's generation (forget). */
  readonly #gen: Int32Array

  /** badges: hearers and advertisers are 0 to badges - 1 (at most 32,768: a pair's key is a positive int32). */
  constructor (readonly badges: number) {
    if (!(Number.isInteger(badges) && badges >= 1 && badges <= 1 << 15)) throw new RangeError(`advert filter: badges must be 1 to 32768, not ${badges}`)
    this.#gen = new Int32Array(badges)
    this.#bits = MIN_BITS
    this.#keys = new Int32Array(1 << MIN_BITS).fill(EMPTY)
    this.#gens = new Int32Array(1 << MIN_BITS)
    this.#times = new Float64Array(1 << MIN_BITS)
    this.#data = new Array<Uint8Array | null>(1 << MIN_BITS).fill(null)
  }

  /** Slots in use (live or not); the table's size. */
  get used (): number { return this.#used }
  get capacity (): number { return this.#keys.length }

  /**
   * Whether `hearer` reports the advert `data` from `from` heard at `now`: not when it reported the same
   * bytes from it within DUP_FILTER_RESET. When it does, the filter remembers this report.
   */
  report (hearer: number, from: number, data: Uint8Array, now: number): boolean {
    const key = hearer << 16 | from
    const mask = this.#keys.length - 1
    let i = Math.imul(key, 0x9e3779b1) >>> (32 - this.#bits)
    for (;;) {
      const k = this.#keys[i]
      if (k === key) {
        if (this.#gens[i] === this.#gen[hearer] && now - this.#times[i] < DUP_FILTER_RESET) {
          const seen = this.#data[i]!
          if (seen === data || sameBytes(seen, data)) return false
        }
        this.#set(i, hearer, data, now)
        return true
      }
      if (k === EMPTY) break
      i = (i + 1) & mask
    }
    if (2 * (this.#used + 1) > this.#keys.length) {
      this.#rebuild(now)
      return this.report(hearer, from, data, now) // its slot moved: find it again (it is not there: it was not live)
    }
    this.#keys[i] = key
    this.#used++
    this.#set(i, hearer, data, now)
    return true
  }

  #set (i: number, hearer: number, data: Uint8Array, now: number): void {
    this.#gens[i] = this.#gen[hearer]
    this.#times[i] = now
    this.#data[i] = data
  }

  /** The hearer's filter starts empty (its badge lost power). */
  forget (hearer: number): void { this.#gen[hearer]++ }

  /** A table of the live slots only, twice the size when they fill more than a quarter of it. */
  #rebuild (now: number): void {
    const keys = this.#keys; const gens = this.#gens; const times = this.#times; const data = this.#data
    let live = 0
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY && this.#live(keys[i], gens[i], times[i], now)) live++
    let bits = MIN_BITS
    while ((1 << bits) < 4 * (live + 1)) bits++
    this.#bits = bits
    this.#keys = new Int32Array(1 << bits).fill(EMPTY)
    this.#gens = new Int32Array(1 << bits)
    this.#times = new Float64Array(1 << bits)
    this.#data = new Array<Uint8Array | null>(1 << bits).fill(null)
    this.#used = 0
    const mask = (1 << bits) - 1
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]
      if (key === EMPTY || !this.#live(key, gens[j], times[j], now)) continue
      let i = Math.imul(key, 0x9e3779b1) >>> (32 - bits)
      while (this.#keys[i] !== EMPTY) i = (i + 1) & mask
      this.#keys[i] = key; this.#gens[i] = gens[j]; this.#times[i] = times[j]; this.#data[i] = data[j]
      this.#used++
    }
  }

  #live (key: number, gen: number, t: number, now: number): boolean {
    return gen === this.#gen[key >>> 16] && now - t < DUP_FILTER_RESET
  }
}
