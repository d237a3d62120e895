// Badges for tests: seeded identities, and chains of contact cards made
// with the real picofeed package, put straight into a badge's engine.

import { encode } from 'cborg'
import * as PF from 'picofeed'
import { Badge } from '../../host/badge.js'
import { NorFlash, NRF52840 } from '../../host/nor-flash.js'
import { IO_DATA } from '../../host/core.js'

export const T0 = 1_760_000_000_000

/** A badge on a fresh flash part whose key comes from `seed`; started at local time 0 with mesh time T0. */
export function badge (seed: number, { flash = new NorFlash(NRF52840), hint = T0, log }: { flash?: NorFlash, hint?: number, log?: (l: string) => void } = {}): Badge {
  return new Badge({ flash, entropy: b => b.fill(seed & 0xff).set([seed >> 8 & 0xff, seed >> 16 & 0xff], 0), log }).init(0, hint)
}

/** The badge's mesh time at local time `local`. */
export function meshTime (b: Badge, local: number): number { return b.status(local).meshTime }

export interface Author { sk: string, pk: string, feed: PF.Feed }

export function author (): Author {
  const { sk, pk } = PF.Feed.signPair()
  return { sk: String(sk), pk: String(pk), feed: new PF.Feed() }
}

/** Appends `n` card updates dated from `date` on and returns the new blocks as one picofeed run. */
export function cards (a: Author, n: number, date: number): Uint8Array {
  const before = a.feed.length
  for (let i = 0; i < n; i++) a.feed.append(encode(['cards', { name: `${a.pk.slice(0, 6)}-${before + i}` }, date + i]), a.sk)
  const run = a.feed.slice(before)
  return Uint8Array.from(run.buffer)
}

/** Puts blocks straight into a badge's engine (as if it had received them); the number accepted. */
export function give (b: Badge, bytes: Uint8Array, local: number): number {
  const c = b.core
  const now = meshTime(b, local) // before the put: status() writes its answer into the same window
  c.put(IO_DATA, bytes)
  const rc = c.x.engine_dispatch(c.io + IO_DATA, bytes.length, BigInt(now))
  b.drain()
  return rc
}

/** What a badge's store holds for `owner`, loaded and verified by picofeed (undefined if none). */
export function stored (b: Badge, owner: Uint8Array): PF.Feed | undefined {
  const c = b.core
  c.put(64, owner)
  const n = c.x.store_load(c.io + 64, 1, c.io + IO_DATA, c.dataCap)
  if (n <= 0) return undefined
  const len = new DataView(c.u8.buffer, c.io + IO_DATA, 4).getUint32(0, true)
  const feed = PF.Feed.from(Uint8Array.from([...PF.s2b('PIC0'), ...c.get(IO_DATA + 4, len)]))
  if (feed.length !== n) throw new Error(`store_load said ${n} blocks, picofeed reads ${feed.length}`)
  return feed
}
