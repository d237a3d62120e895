// The attack of #12 finding 6, for real: an author grinds versions of chains
// it owns until two different chain sets have equal unkeyed fingerprint
// sums, one holding a victim's chain and the other not. Protocol 2 summed
// each item's public 64-bit hash (assembly/sync/items.ts) with no key, so
// badges holding the two sets advertised, and said HELLO with, one
// fingerprint and one count: each believed the other in sync and neither
// ever fetched the victim's chain from the other. Used by the simulator's
// `collide` kind (collide.ts) and tests/hostile-fingerprint.test.ts; plain
// JavaScript (SHA-512 from @noble/hashes, signatures by the core), so the
// browser page can run it too.
//
// The search is Wagner's generalised birthday (k-tree, CRYPTO 2002) over
// K = 16 (or 8) lists. The author owns K chains Z_i and signs M genesis
// blocks (versions) of each; one badge is to hold version a_i of Z_i, the
// other b_i. List i holds h(Z_i^a) - h(Z_i^b) for every ordered pair a != b,
// so M signatures give M(M - 1) entries; list 0 is shifted by h(T) - h(W),
// where T is the victim's chain (the first badge holds it) and W one more
// chain of the author's (the second badge holds it, so the counts agree).
// Entries summing to 0 mod 2^64, one from each list, are the collision.
// Merging pairs of lists level by level, each level keeping the sums whose
// low bits (SCHEDULES) are zero, finds dozens of solutions from 16 x 80
// signatures, or about 12 from 8 x 300 (1-2 s of merging, fewer chains: 9
// of the author's fit a badge's 16 guest slots, GUEST_MAX, where 17 do
// not); a direct birthday search on 64 bits would need 2^32 signatures.
// The signing does not depend on the victim: versions() signs once per
// author tag and keeps them in memory.

import { sha512 } from '../../hash.js'
import { signBlock } from './chains.js'

const MASK = (1n << 64n) - 1n

/** One chain version: its block (picofeed, no PIC0 magic) and its item hash as the core makes it. */
export interface Version { block: Uint8Array, owner: Uint8Array, hash: bigint }

/** The core's item hash (items.ts): the first 8 bytes, little-endian, of SHA-512(owner | height u32 LE | head signature). */
export function itemHash (owner: Uint8Array, height: number, headSig: Uint8Array): bigint {
  const m = new Uint8Array(owner.length + 4 + headSig.length)
  m.set(owner, 0)
  new DataView(m.buffer).setUint32(owner.length, height, true)
  m.set(headSig, owner.length + 4)
  return new DataView(sha512(m).buffer).getBigUint64(0, true)
}

/** A genesis card block by the key of `seed` (32 bytes), its name `name`. */
export function genesis (seed: Uint8Array, name: string, date: number): Version {
  const { owner, block } = signBlock(seed, ['cards', { name }, date])
  return { block, owner, hash: itemHash(owner, 1, block.subarray(0, 64)) }
}

/** Low bits zeroed after each level of merges: 64 bits over log2(K) + 1 levels' worth of birthday (Wagner), the last level all of them. */
const SCHEDULES: Record<number, bigint[]> = { 16: [12n, 24n, 36n, 64n], 8: [16n, 32n, 64n] }

interface Node { v: bigint, left?: Node, right?: Node, list?: number, a?: number, b?: number }

/** Pairs of X and Y whose sums are 0 in their low `bits` bits. */
function merge (xs: Node[], ys: Node[], bits: bigint): Node[] {
  const mask = (1n << bits) - 1n
  const byLow = new Map<bigint, Node[]>()
  for (const y of ys) {
    const k = y.v & mask
    const l = byLow.get(k)
    if (l) l.push(y); else byLow.set(k, [y])
  }
  const out: Node[] = []
  for (const x of xs) {
    for (const y of byLow.get((-x.v) & mask) ?? []) out.push({ v: (x.v + y.v) & MASK, left: x, right: y })
  }
  return out
}

function leaves (n: Node, into: Node[] = []): Node[] {
  if (n.list !== undefined) into.push(n)
  else { leaves(n.left!, into); leaves(n.right!, into) }
  return into
}

/** Per list i, the versions (a_i, b_i) whose differences, with `shift` added to list 0's, sum to 0 mod 2^64; undefined when the search found none. */
export function kTree (hashes: bigint[][], shift: bigint): Array<[number, number]> | undefined {
  const schedule = SCHEDULES[hashes.length]
  if (!schedule) throw new Error('kTree: 8 or 16 lists')
  let lists: Node[][] = hashes.map((hs, i) => {
    const l: Node[] = []
    for (let a = 0; a < hs.length; a++) {
      for (let b = 0; b < hs.length; b++) {
        if (a !== b) l.push({ v: (hs[a] - hs[b] + (i === 0 ? shift : 0n)) & MASK, list: i, a, b })
      }
    }
    return l
  })
  for (const bits of schedule) {
    const next: Node[][] = []
    for (let i = 0; i < lists.length; i += 2) next.push(merge(lists[i], lists[i + 1], bits))
    lists = next
  }
  const hit = lists[0].find(n => n.v === 0n)
  if (!hit) return undefined
  const pairs: Array<[number, number]> = []
  for (const leaf of leaves(hit)) pairs[leaf.list!] = [leaf.a!, leaf.b!]
  return pairs
}

/** The author's signed material: W and `count` versions of each of its chains Z_i. */
export interface Versions { w: Version, chains: Version[][] }

const signed = new Map<string, Versions>()

/** The author's `lists` chains for `tag` (seeds derived from it), signed once per (tag, lists, count, date) and kept. */
export function versions (tag: number, count = 80, date = 0, lists = 16): Versions {
  const key = `${tag}/${lists}/${count}/${date}`
  let v = signed.get(key)
  if (v) return v
  const seed = (chain: number) => new Uint8Array(32).map((_, j) => j === 0 ? tag : j === 1 ? chain : j + 3)
  v = {
    w: genesis(seed(200), 'w', date),
    chains: Array.from({ length: lists }, (_, i) => Array.from({ length: count }, (_, n) => genesis(seed(i), `z${i}.${n}`, date)))
  }
  signed.set(key, v)
  return v
}

/** The two sets of the attack: what each badge is given, besides chains both hold. */
export interface Collision { first: Version[], second: Version[] }

/** The victim's chain as an item: its owner and the hash of its current head (`first` holds it; its block is not the author's to give). */
export type Victim = Version

/**
 * Grinds the author's chains (seeds derived from `tag`) against the victim's chain `victim`:
 * `first` holds the victim's and one version of each of the author's `lists` chains (16 or 8),
 * `second` the author's extra chain W and other versions; the unkeyed sums of the two sets are equal.
 */
export function grind (victim: Victim, tag: number, count = 80, date = 0, lists = 16): Collision {
  const { w, chains } = versions(tag, count, date, lists)
  const pairs = kTree(chains.map(vs => vs.map(x => x.hash)), (victim.hash - w.hash) & MASK)
  if (!pairs) throw new Error(`grind: no collision from ${count} versions (tag ${tag}); try another tag`)
  return {
    first: [victim, ...pairs.map(([a], i) => chains[i][a])],
    second: [w, ...pairs.map(([, b], i) => chains[i][b])]
  }
}

/** The unkeyed sum of protocol 2 over some versions. */
export function unkeyedSum (vs: Version[]): bigint {
  return vs.reduce((s, x) => (s + x.hash) & MASK, 0n)
}
