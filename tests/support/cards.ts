// The JavaScript twins of the core's example collections, on
// @telamon/picostore 3: the oracles the engine tests compare against.

import { Memory } from '@telamon/picostore'
import { decode } from 'cborg'

export const HOUR = 3_600_000

const hex = (b: Uint8Array) => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')

/**
 * The rules the core's engine holds for every collection, which picostore
 * leaves to each collection's compute() (assembly/store/engine.ts): E6 only
 * the chain's owner writes to it (AUTHOR is the owner's key), E7 no block is
 * dated before the block it extends. A reason to reject, or undefined.
 */
export function badgeRules ({ block, parentBlock, AUTHOR, date }: any): string | undefined {
  if (hex(block.key) !== AUTHOR) return 'ForeignAuthor'
  if (parentBlock && typeof date === 'number') {
    const before = decode(parentBlock.body)[2]
    if (typeof before === 'number' && date < before) return 'Backdated'
  }
  return undefined
}

/** assembly/store/contacts.ts: { name } per author, forgotten an hour after the last update. */
export class Cards extends Memory {
  override async idOf ({ AUTHOR }: { AUTHOR: string }) { return AUTHOR }
  override async compute (value: any, ctx: any) {
    const { payload, date, reject } = ctx
    const rule = badgeRules(ctx)
    if (rule) return reject(rule)
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
  override async compute (value: any, ctx: any) {
    const { payload, AUTHOR, reject } = ctx
    const rule = badgeRules(ctx)
    if (rule) return reject(rule)
    if (typeof payload !== 'string') return reject('NotText')
    const n = new TextEncoder().encode(payload).length
    if (n < 1 || n > 15) return reject('BadLength')
    return { owner: AUTHOR, text: payload }
  }

  override async expiresAt (v: any, latch: any) { return latch('cards', v.owner) }
}
