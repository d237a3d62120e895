// The state table: every object a collection remembers, in fixed slots.
// A slot holds the collection, the repo chain slot of the chain whose
// blocks built it (the reference that keeps that chain alive: picostore's
// ref counting, where a chain with no objects left is evicted), the first
// 8 bytes of the object's id, and its state. The slot number doubles as
// the object's timer id: its expiry is the timer's (store/timers.ts).
//
// Layout (profile.ts: MAX_OBJECTS slots, 58 B each here + 12 B of timer):
//   collection u8 (0xff = free) | chain slot u8 (u16 past 256 chains) |
//   id prefix u64 | state STATE_MAX bytes;  references u8 per chain slot.
//
// Invariants:
//   O1 An id is the owner's key (per-author collections) or the first 32
//      bytes of the chain's genesis signature (per-chain); a slot keeps its
//      first 8 bytes and lookups compare only those. To land on someone
//      else's object an attacker needs a key or a signature with a given
//      64-bit prefix: about 2^64 key generations or signatures. Two ids of
//      their own with one prefix (2^32 tries, a birthday search) only merge
//      their own objects, as two blocks with one signature prefix confuse
//      only their author's chain in the repo (repo.ts, "Keys"); the engine
//      stays consistent (an object still references one chain, O2-O4).
//      Honest ids collide with probability below 128^2 / 2^65.
//   O2 The chain an object references is its owner's, and an owner has one
//      chain: an object's owner is its chain slot (makeRoom compares slots).
//   O3 At most one object per (collection, chain), so a chain has at most
//      MAX_COLLECTIONS references: a u8 count.
//   O4 refs[c] = the number of used slots whose chain is c.

import { STATE_MAX, MAX_OBJECTS, MAX_COLLECTIONS } from '../profile';
import { MAX_CHAINS } from '../repo/repo';

/** A chain slot needs a second byte only in a repo of more than 256 chains (the bench build). */
const CHAIN_WIDE: bool = MAX_CHAINS > 256;
// O3: a chain's reference count fits a byte.
// @ts-ignore: compile-time check
if (MAX_COLLECTIONS > 255) ERROR('refs are u8: at most 255 collections');

const oColl: usize = memory.data(<i32>(<usize>MAX_OBJECTS), 8); // 0xff = free
const oChain: usize = memory.data(<i32>(<usize>MAX_OBJECTS * (CHAIN_WIDE ? 2 : 1)), 8); // the repo's chain slot
const oId: usize = memory.data(<i32>(<usize>MAX_OBJECTS * 8), 8); // O1: the id's first 8 bytes
const oState: usize = memory.data(<i32>(<usize>MAX_OBJECTS * <usize>STATE_MAX), 8);
// References per repo chain slot, so the collector knows in O(1) when a chain is free to go.
const refs: usize = memory.data(<i32>(<usize>MAX_CHAINS), 8);

export function clearObjects(): void {
  memory.fill(oColl, 0xff, <usize>MAX_OBJECTS);
  memory.fill(refs, 0, <usize>MAX_CHAINS);
}
export function used(slot: i32): bool { return load<u8>(oColl + <usize>slot) != 0xff; }
export function collectionOf(slot: i32): i32 { return <i32>load<u8>(oColl + <usize>slot); }
export function stateOf(slot: i32): usize { return oState + <usize>slot * <usize>STATE_MAX; }
export function chainOf(slot: i32): i32 {
  return CHAIN_WIDE ? <i32>load<u16>(oChain + (<usize>slot << 1)) : <i32>load<u8>(oChain + <usize>slot);
}
/** How many objects hold a reference to the chain in repo slot c. */
export function refsOf(c: i32): i32 { return <i32>load<u8>(refs + <usize>c); }

/** The slot of (collection, id), or -1 (O1: by the id's first 8 bytes). */
export function findObject(collection: i32, id: usize): i32 {
  const key = load<u64>(id);
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (load<u64>(oId + (<usize>s << 3)) == key && collectionOf(s) == collection) return s;
  }
  return -1;
}

/** A free slot for (collection, id), referencing repo chain slot `chain`; state zeroed. -1 when full. */
export function addObject(collection: i32, id: usize, chain: i32): i32 {
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (used(s)) continue;
    store<u8>(oColl + <usize>s, <u8>collection);
    store<u64>(oId + (<usize>s << 3), load<u64>(id));
    memory.fill(stateOf(s), 0, <usize>STATE_MAX);
    if (CHAIN_WIDE) store<u16>(oChain + (<usize>s << 1), <u16>chain);
    else store<u8>(oChain + <usize>s, <u8>chain);
    store<u8>(refs + <usize>chain, <u8>(refsOf(chain) + 1));
    return s;
  }
  return -1;
}

/** Frees a slot; returns the repo chain slot it referenced. */
export function dropObject(slot: i32): i32 {
  store<u8>(oColl + <usize>slot, 0xff);
  const c = chainOf(slot);
  store<u8>(refs + <usize>c, <u8>(refsOf(c) - 1));
  return c;
}

export function objectCount(): i32 {
  let n = 0;
  for (let s = 0; s < MAX_OBJECTS; s++) if (used(s)) n++;
  return n;
}
