// The JavaScript twins of the core's example collections, on
// @telamon/picostore 3: the oracles the engine tests compare against.

import { Memory } from '@telamon/picostore'

export const HOUR = 3_600_000

/** assembly/store/contacts.ts: { name } per author, forgotten an hour after the last update. */
export class Cards extends Memory {
  override async idOf ({ AUTHOR }: { AUTHOR: string }) { return AUTHOR }
  override async compute (value: any, { payload, date, reject }: any) {
    if (!payload || typeof payload !== 'object' || Array.isArray(payload) || payload instanceof Uint8Array) return reject('NotAMap')
    if (!('name' in payload)) return reject('NoName')
    const name = payload.name
    if (typeof name !== 'string') return reject('BadName')
    const n = new TextEncoder().encode(name).length
    if (n < 1 || n > 24) return reject('BadName')
    if (typeof date !== 'number' || !Number.isInteger(date) || date < 0) return reject('BadDate')
    if (value && date < value.updated) return reject('Stale')
    return { name, updated: date }
  }

  override async expiresAt (v: any) { return v.updated + HOUR }
}

/** assembly/store/status.ts: a status line that lives as long as its author's card (latch). */
export class Status extends Memory {
  override async idOf ({ AUTHOR }: { AUTHOR: string }) { return AUTHOR }
  override async compute (value: any, { payload, AUTHOR, reject }: any) {
    if (typeof payload !== 'string') return reject('NotText')
    const n = new TextEncoder().encode(payload).length
    if (n < 1 || n > 15) return reject('BadLength')
    return { owner: AUTHOR, text: payload }
  }

  override async expiresAt (v: any, latch: any) { return latch('cards', v.owner) }
}
