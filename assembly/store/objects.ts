// The state table: every object a collection remembers, in fixed slots.
// A slot holds the collection, the object's id (32 bytes: its owner's key,
// or its chain's genesis signature prefix), the owner of the chain whose
// blocks built it (the reference that keeps that chain alive: picostore's
// ref counting, where a chain with no objects left is evicted), its state
// and its expiry. The slot number doubles as the object's timer id.

import { STATE_MAX } from './collection';

export const MAX_OBJECTS: i32 = 128;

const oColl: usize = heap.alloc(<usize>MAX_OBJECTS); // 0xff = free
const oId: usize = heap.alloc(<usize>MAX_OBJECTS * 32);
const oOwner: usize = heap.alloc(<usize>MAX_OBJECTS * 32);
const oState: usize = heap.alloc(<usize>MAX_OBJECTS * <usize>STATE_MAX);
const oExp: usize = heap.alloc(<usize>MAX_OBJECTS * 8);

/** Equality of two 32-byte keys, a word at a time (these scans run on every dispatch and sweep). */
export function same(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) &&
    load<u64>(a, 16) == load<u64>(b, 16) && load<u64>(a, 24) == load<u64>(b, 24);
}

export function clearObjects(): void { memory.fill(oColl, 0xff, <usize>MAX_OBJECTS); }
export function used(slot: i32): bool { return load<u8>(oColl + <usize>slot) != 0xff; }
export function collectionOf(slot: i32): i32 { return <i32>load<u8>(oColl + <usize>slot); }
export function idOf(slot: i32): usize { return oId + (<usize>slot << 5); }
export function ownerOf(slot: i32): usize { return oOwner + (<usize>slot << 5); }
export function stateOf(slot: i32): usize { return oState + <usize>slot * <usize>STATE_MAX; }
export function expiryOf(slot: i32): u64 { return load<u64>(oExp + (<usize>slot << 3)); }
export function setExpiry(slot: i32, t: u64): void { store<u64>(oExp + (<usize>slot << 3), t); }

/** The slot of (collection, id), or -1. */
export function findObject(collection: i32, id: usize): i32 {
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (collectionOf(s) == collection && same(idOf(s), id)) return s;
  }
  return -1;
}

/** A free slot for (collection, id, owner), state zeroed; -1 when the table is full. */
export function addObject(collection: i32, id: usize, owner: usize): i32 {
  for (let s = 0; s < MAX_OBJECTS; s++) {
    if (used(s)) continue;
    store<u8>(oColl + <usize>s, <u8>collection);
    memory.copy(idOf(s), id, 32);
    memory.copy(ownerOf(s), owner, 32);
    memory.fill(stateOf(s), 0, <usize>STATE_MAX);
    return s;
  }
  return -1;
}

export function dropObject(slot: i32): void { store<u8>(oColl + <usize>slot, 0xff); }

/** How many objects hold a reference to the chain owned by owner. */
export function referencesOf(owner: usize): i32 {
  let n = 0;
  for (let s = 0; s < MAX_OBJECTS; s++) if (used(s) && same(ownerOf(s), owner)) n++;
  return n;
}

export function objectCount(): i32 {
  let n = 0;
  for (let s = 0; s < MAX_OBJECTS; s++) if (used(s)) n++;
  return n;
}
