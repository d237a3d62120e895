// The core's block store against the real picorepo 2.2.5 (on memory-level):
// the same blocks, offered in the same (shuffled, hostile) order, must be
// written or refused alike, and leave the same heads. Forks, orphans,
// second genesis blocks, other authors extending a chain, replays and
// evictions included. The core's store runs on a simulated NOR flash.
//
// One rule differs on purpose: only a chain's owner extends it (-49).
// picorepo 2.2.5 fast-forwards any key's block onto a head and leaves that
// check to the application (its merge strategies are asked only when the
// block does not extend the head), so the oracle is given what an
// application that checks authors would give it: a block by another author
// than its chain's owner is not merged, and the core must refuse it with -49.

import { describe, it, expect } from 'vitest'
import { Repo } from 'picorepo'
import { MemoryLevel } from 'memory-level'
import * as PF from 'picofeed'
import { FlashRepo, StoreError } from '../host/repo.js'
import { NorFlash, flashImports } from '../host/nor-flash.js'
import { Rng, body } from './support/rng.js'

const hex = PF.toHex

function blockBytes (b: PF.Block): Uint8Array {
  return Uint8Array.from(b.buffer.subarray(0, b.blockSize))
}

/** Blocks a busy, partly hostile mesh would offer: chains, forks, re-geneses, foreign extensions. */
function offers (rng: Rng, authors: number, steps: number): Uint8Array[] {
  const keys = Array.from({ length: authors }, () => PF.Feed.signPair())
  const feeds = keys.map(() => new PF.Feed())
  const out: Uint8Array[] = []
  for (let s = 0; s < steps; s++) {
    const a = rng.int(authors)
    const f = feeds[a]
    const kind = rng.int(10)
    if (kind < 6 || !f.length) {
      f.append(body(rng, 1 + rng.int(200)), keys[a].sk)
      out.push(blockBytes(f.last))
    } else if (kind === 6) { // a fork: a sibling of an existing block
      const k = rng.int(f.length)
      const g = k ? f.slice(0, k) : new PF.Feed()
      g.append(body(rng, 1 + rng.int(50)), keys[a].sk)
      out.push(blockBytes(g.last))
    } else if (kind === 7) { // a second genesis by the same author
      const g = new PF.Feed(); g.append(body(rng, 10), keys[a].sk)
      out.push(blockBytes(g.last))
    } else if (kind === 8) { // another author extends this chain's head (the owner goes on from its own head)
      const o = keys[(a + 1 + rng.int(authors - 1)) % authors]
      const g = f.clone()
      g.append(body(rng, 1 + rng.int(100)), o.sk)
      out.push(blockBytes(g.last))
    } else { // a replay of something already offered
      out.push(rng.pick(out))
    }
  }
  // Mostly in order, with some blocks arriving early (orphans at first).
  for (let i = 0; i < out.length; i++) if (rng.int(5) === 0) { const j = Math.min(out.length - 1, i + 1 + rng.int(5)); [out[i], out[j]] = [out[j], out[i]] }
  return out
}

describe('block store against picorepo 2.2.5 (core on simulated NOR flash)', () => {
  for (const seed of [41, 42, 43]) {
    it(`writes and refuses the same blocks and ends with the same heads (seed ${seed})`, async () => {
      const rng = new Rng(seed)
      const oracle = new Repo(new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' }) as any)
      const flash = new NorFlash({ sectorSize: 4096, wordSize: 4, size: 64 * 4096 })
      const ours = new FlashRepo(flash.geometry, m => flashImports(flash, m)).mount()
      const blocks = offers(rng, 6, 400)
      const owners = new Set<string>()
      const geneses = new Map<string, Uint8Array>() // owner → the genesis the core stored
      let written = 0
      let foreign = 0
      for (const [i, b] of blocks.entries()) {
        const blk = new PF.Block(b)
        // The application's check: the owner of the chain the block would extend, when its parent is stored.
        let owner: Uint8Array | undefined
        if (!blk.genesis) try { owner = await (oracle as any)._traceOwnerOf(blk.psig) } catch { owner = undefined }
        const isForeign = owner !== undefined && hex(owner) !== hex(blk.key!) && !(await (oracle as any)._hasBlock(blk.sig))
        let want: boolean
        if (isForeign) want = false
        else try { want = (await oracle.merge(blk, undefined as any)) === 1 } catch { want = false }
        let got: boolean
        let code = 0
        try { got = ours.write(b, 0) } catch (e) { if (!(e instanceof StoreError)) throw e; got = false; code = e.code }
        expect(got, `offer ${i}: ${hex(b.subarray(0, 8))}`).toBe(want)
        if (isForeign) { expect(code, `offer ${i}: a foreign author's block`).toBe(-49); foreign++ }
        if (got) written++
        if (blk.genesis) owners.add(hex(blk.key!))
        if (blk.genesis && got) geneses.set(hex(blk.key!), b)
      }
      expect(written).toBeGreaterThan(40)
      expect(foreign).toBeGreaterThan(5)
      for (const o of owners) {
        const head = await (oracle as any).headOf(PF.fromHex(o))
        expect(ours.head(PF.fromHex(o)) ? hex(ours.head(PF.fromHex(o))!.sig) : undefined).toBe(head ? hex(head) : undefined)
      }
      // Evicting a chain in both: the same blocks go, and a replay of the genesis is refused by ours until its time.
      const victimHex = [...geneses.keys()][0]
      const victim = PF.fromHex(victimHex)
      const evicted = await oracle.rollback(victim)
      expect(ours.evict(victim, 10, 0)).toBe(evicted ? evicted.length : 0)
      expect(evicted?.length).toBeGreaterThan(0)
      expect(ours.head(victim)).toBeUndefined()
      const genesis = geneses.get(victimHex)!
      const code = (now: number) => { try { ours.write(genesis, now); return 0 } catch (e) { return (e as StoreError).code } }
      expect(code(0)).toBe(-55) // -55 ChainEvicted: the tombstone holds
      expect(code(9)).toBe(-55)
      // picorepo forgets: it takes the replay at once (a badge keeps its own clock rule on top).
      expect(await oracle.merge(new PF.Block(genesis), undefined as any)).toBe(1)
      expect(ours.write(genesis, 10)).toBe(true) // its time has come
      expect(hex(ours.head(victim)!.sig)).toBe(hex(genesis.subarray(0, 64)))
    })
  }
})
