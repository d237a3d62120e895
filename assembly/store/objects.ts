// The state table: every object a collection remembers, in fixed slots.
// A slot holds the collection, the object's id (32 bytes: its owner's key,
// or its chain's genesis signature prefix), the owner of the chain whose
// blocks built it (the reference that keeps that chain alive: picostore's
// ref counting, where a chain with no objects left is evicted), its state
// and its expiry. The slot number doubles as the object's timer id.

import { STATE_MAX } from './collection';
import { MAX_CHAINS } from '../repo/repo';
import { sameKey } from '../feed/equal';

export const MAX_OBJECTS: i32 = 128;

const oColl: usize = memory.data(<i32>(<usize>MAX_OBJECTS)); // 0xff = free
const oId: usize = memory.data(<i32>(<usize>MAX_OBJECTS * 32));
const oOwner: usize = memory.data(<i32>(<usize>MAX_OBJECTS * 32));
const oState: usize = memory.data(<i32>(<usize>MAX_OBJECTS * <usize>STATE_MAX));
const oExp: usize = memory.data(<i32>(<usize>MAX_OBJECTS * 8));
const oChain: usize = memory.data(<i32>(<usize>MAX_OBJECTS * 2)); // the repo's chain slot
// References per repo chain slot, so the collector knows in O(1) when a chain is free to go.
const refs: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));

export function clearObjects(): void {
  memory.fill(oColl, 0xff, <usize>MAX_OBJECTS);
  memory.fill(refs, 0, <usize>MAX_CHAINS * 2);
}
export function used(slot: i32): bool { return load<u8>(oColl + <usize>slot) != 0xff; }
export function collectionOf(slot: i32): i32 { return <i32>load<u8>(oColl + <usize>slot); }
export function idOf(slot: i32): usize { return oId + (<usize>slot << 5); }
export function ownerOf(slot: i32): usize { return oOwner + (<usize>slot << 5); }
export function stateOf(slot: i32): usize { return oState + <usize>slot * <usize>STATE_MAX; }
export function expiryOf(slot: i32): u64 { return load<u64>(oExp + (<usize>slot << 3)); }
export function chainOf(slot: i32): i32 { return <i32>load<i16>(oChain + (<usize>slot << 1)); }
/** How many objects hold a reference to the chain in repo slot c. */
export function refsOf(c: i32): i32 { return <i32>load<u16>(refs + (<usize>c << 1)); }
export function setExpiry(slot: i32, t: u64): void { store<u64>(oExp + (<usize>slot << 3), t); }

/** The slot of (collection, id), or -1. */
export function findObject(collection: i32, id: usize): i32 {
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (collectionOf(s) == collection && sameKey(idOf(s), id)) return s;
  }
  return -1;
}

/** A free slot for (collection, id), referencing the chain of owner (repo slot chain); state zeroed. -1 when full. */
export function addObject(collection: i32, id: usize, owner: usize, chain: i32): i32 {
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (used(s)) continue;
    store<u8>(oColl + <usize>s, <u8>collection);
    memory.copy(idOf(s), id, 32);
    memory.copy(ownerOf(s), owner, 32);
    memory.fill(stateOf(s), 0, <usize>STATE_MAX);
    store<i16>(oChain + (<usize>s << 1), <i16>chain);
    store<u16>(refs + (<usize>chain << 1), <u16>(refsOf(chain) + 1));
    return s;
  }
  return -1;
}

/** Frees a slot; returns the repo chain slot it referenced. */
export function dropObject(slot: i32): i32 {
  store<u8>(oColl + <usize>slot, 0xff);
  const c = chainOf(slot);
  store<u16>(refs + (<usize>c << 1), <u16>(refsOf(c) - 1));
  return c;
}

export function objectCount(): i32 {
  let n = 0;
  for (let s = 0; s < MAX_OBJECTS; s++) if (used(s)) n++;
  return n;
}
