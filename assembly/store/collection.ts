// A collection: one slice of the shared state, with its own rules. An
// application registers each of its collections before the store mounts,
// with two functions, as it would write picostore 3's Memory:
//   - compute(): the input consensus. Given the current state of the
//     object a block addresses and the block's payload, it writes the new
//     state into `draft`, or rejects the block with a reason code (> 0).
//   - expiresAt(): when a state is to be forgotten (NEVER for never). It may
//     latch onto another object's expiry (picostore's `latch`).
//   - identity: one object per author (picostore's default) or per chain.
// States are fixed-size byte records of `stateSize` (≤ STATE_MAX) bytes, all
// zero before the first block: no allocation on a badge.
//
//   function waves(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 { … }
//   function wavesExpire(state: usize, latch: Latch): u64 { … }
//   export const WAVES = registerCollection('waves', PER_AUTHOR, 16, waves, wavesExpire);
//
// Nothing here allocates: the registry is a table of records in static
// memory, the rules are references to top-level functions (the compiler
// lays those out statically too), and the reader, the block context and the
// latch handed to them sit in static memory as well.

import { CborReader } from './cbor';
import { STATE_MAX, MAX_COLLECTIONS } from '../profile';
import { findObject, stateOf } from './objects';

export { STATE_MAX };
export const NEVER: u64 = 0xffffffffffffffff;
export const ACCEPT: i32 = 0;

export const PER_AUTHOR: u8 = 0;
export const PER_CHAIN: u8 = 1;

/** How deep latches may chain (a latch onto a latch …): deeper is NEVER, so a cycle ends. */
const LATCH_DEPTH: i32 = 5;

/** What compute() knows about the block being applied. */
export class BlockContext {
  /** The block's author key (32 bytes) and the chain's owner key and genesis signature. */
  author: usize = 0;
  owner: usize = 0;
  chain: usize = 0;
  /** The block's date (picostore's third body element, ms). */
  date: u64 = 0;
  /** The mesh clock when the block is applied (0 while replaying at mount). */
  now: u64 = 0;
  /** True when the object had no state before this block. */
  fresh: bool = true;
}

/** A collection's input consensus: ACCEPT with the new state in draft (stateSize bytes; it starts as a copy of state), or a reason > 0. */
export type Compute = (state: usize, draft: usize, payload: CborReader, ctx: BlockContext) => i32;
/** When the state at `state` expires (ms on the mesh clock), or NEVER. */
export type ExpiresAt = (state: usize, latch: Latch) => u64;

/**
 * A registered collection: a record in the registry (static memory; no
 * constructor runs, registerCollection sets every field).
 */
export class Collection {
  /** ASCII name, as in the block body (a string literal: its UTF-8 bytes are the low bytes of its UTF-16 code units). */
  namePtr: usize = 0;
  computeFn: usize = 0; // a Compute
  expiresFn: usize = 0; // an ExpiresAt
  stateSize: u8 = 0; // ≤ STATE_MAX
  index: u8 = 0; // < MAX_COLLECTIONS
  identity: u8 = 0;

  get name(): string { return changetype<string>(this.namePtr); }

  /** True when the len bytes at ptr are this collection's name. */
  hasName(ptr: usize, len: u32): bool {
    const name = this.namePtr;
    if (<u32>this.name.length != len) return false;
    for (let i: usize = 0; i < <usize>len; i++) if (<u32>load<u8>(ptr + i) != <u32>load<u16>(name + (i << 1))) return false;
    return true;
  }

  /** Writes the name's bytes to out; returns their count. */
  copyName(out: usize): i32 {
    const n = this.name.length;
    for (let i = 0; i < n; i++) store<u8>(out + <usize>i, <u8>load<u16>(this.namePtr + (<usize>i << 1)));
    return n;
  }

  compute(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 {
    const f = changetype<Compute>(this.computeFn);
    return f(state, draft, payload, ctx);
  }

  expiresAt(state: usize, latch: Latch): u64 {
    const f = changetype<ExpiresAt>(this.expiresFn);
    return f(state, latch);
  }
}

/** Looks up other objects' expiry for expiresAt(): latch(collection, id), as picostore's `latch(root, id)`. */
export class Latch {
  depth: i32 = 0;

  /** The expiry of (collection, 32-byte id) as its own expiresAt() says now; 0 when it is gone (picostore's latch returns 0). */
  expiryOf(collection: i32, id: usize): u64 {
    if (this.depth >= LATCH_DEPTH) return NEVER;
    if (collection < 0 || collection >= registered) return 0;
    const slot = findObject(collection, id);
    if (slot < 0) return 0;
    this.depth++;
    const t = collectionAt(collection).expiresAt(stateOf(slot), this);
    this.depth--;
    return t;
  }
}

// The registered collections: records side by side, never moved.
const RECORD: usize = offsetof<Collection>();
const registry: usize = memory.data(<i32>(<usize>MAX_COLLECTIONS * RECORD), 8);
let registered: i32 = 0;
const latch = changetype<Latch>(memory.data(<i32>offsetof<Latch>(), 8));

/** True when the name is 1 to 32 ASCII characters (what hasName and copyName assume). */
function nameIsAscii(name: string): bool {
  const n = name.length;
  if (n < 1 || n > 32) return false;
  for (let i = 0; i < n; i++) if (<u32>load<u16>(changetype<usize>(name) + (<usize>i << 1)) > 0x7f) return false;
  return true;
}

function sameName(a: string, b: string): bool {
  return a.length == b.length && memory.compare(changetype<usize>(a), changetype<usize>(b), <usize>a.length << 1) == 0;
}

// Why the app cannot run, or 0: the first registration the engine refused.
// A refusal is recorded, not trapped: a trap in the module's start leaves the
// host no instance to ask why, so it could only guess among the causes.
// Every mount (engine_mount, badge_init) answers it before touching flash,
// so an app that asked for too much never runs, and the host says which ask.
// One code per cause (docs/ABI.md, "Error codes"):
export const E_APP_COLLECTIONS: i32 = -90; // more than MAX_COLLECTIONS collections
export const E_APP_STATE: i32 = -91; // a state size outside 0 … STATE_MAX bytes
export const E_APP_NAME: i32 = -92; // a name that is not 1 to 32 ASCII characters
export const E_APP_NAME_TAKEN: i32 = -93; // a name registered already
let refusal: i32 = 0;

function refusalOf(name: string, stateSize: i32): i32 {
  if (registered >= MAX_COLLECTIONS) return E_APP_COLLECTIONS;
  if (stateSize < 0 || stateSize > STATE_MAX) return E_APP_STATE;
  if (!nameIsAscii(name)) return E_APP_NAME;
  for (let i = 0; i < registered; i++) if (sameName(collectionAt(i).name, name)) return E_APP_NAME_TAKEN;
  return 0;
}

/**
 * Registers a collection; only before the first mount (the app's start
 * code). Returns its index, or -1 when the engine cannot hold it (more than
 * MAX_COLLECTIONS, a state over STATE_MAX bytes, a name that is not 1 to
 * 32 ASCII characters or is taken) or refused one before: the first such
 * refusal is kept (appRefusal) and every later registration is ignored, so
 * the registry ends just before the collection that was refused (the host
 * names it by the ones before: host/app-refusal.ts).
 */
export function registerCollection(name: string, identity: u8, stateSize: i32, compute: Compute, expiresAt: ExpiresAt): i32 {
  if (refusal == 0) refusal = refusalOf(name, stateSize);
  if (refusal != 0) return -1;
  const c = changetype<Collection>(registry + <usize>registered * RECORD);
  c.namePtr = changetype<usize>(name);
  c.computeFn = changetype<usize>(compute);
  c.expiresFn = changetype<usize>(expiresAt);
  c.stateSize = <u8>stateSize;
  c.index = <u8>registered;
  c.identity = identity;
  return registered++;
}

/** Why the app cannot run (E_APP_*), or 0: what mount answers first. */
export function appRefusal(): i32 { return refusal; }

export function collectionCount(): i32 { return registered; }
/** The collection with index i (0 ≤ i < collectionCount()). */
export function collectionAt(i: i32): Collection { return changetype<Collection>(registry + <usize>i * RECORD); }

/** When the state at `state` of collection c expires, following latches. */
export function expiresAt(c: Collection, state: usize): u64 {
  latch.depth = 0;
  return c.expiresAt(state, latch);
}
