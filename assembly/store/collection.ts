// A collection: one slice of the shared state, with its own rules. An
// application subclasses Collection, as it would subclass picostore 3's
// Memory, and registers it before the store mounts:
//   - compute(): the input consensus. Given the current state of the
//     object a block addresses and the block's payload, it writes the new
//     state into `draft`, or rejects the block with a reason code (> 0).
//   - expiresAt(): when a state is to be forgotten (NEVER for never). It may
//     latch onto another object's expiry (picostore's `latch`).
//   - identity: one object per author (picostore's default) or per chain.
// States are fixed-size byte records of `stateSize` (≤ STATE_MAX) bytes, all
// zero before the first block: no allocation on a badge.

import { CborReader } from './cbor';

export const STATE_MAX: i32 = 48;
export const NEVER: u64 = 0xffffffffffffffff;
export const ACCEPT: i32 = 0;

export const PER_AUTHOR: u8 = 0;
export const PER_CHAIN: u8 = 1;

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

/** Looks up other objects' expiry for expiresAt(): latch(collection, id). */
export abstract class Latch {
  abstract expiryOf(collection: Collection, id: usize): u64;
}

export abstract class Collection {
  /** ASCII name, as in the block body (so its UTF-8 bytes are the low bytes of its UTF-16 code units). */
  readonly name: string;
  readonly identity: u8;
  readonly stateSize: i32;
  index: i32 = -1;

  constructor(name: string, identity: u8, stateSize: i32) {
    this.name = name;
    this.identity = identity;
    this.stateSize = stateSize;
  }

  /** True when the len bytes at ptr are this collection's name. */
  hasName(ptr: usize, len: u32): bool {
    const name = changetype<usize>(this.name);
    if (<u32>this.name.length != len) return false;
    for (let i: usize = 0; i < <usize>len; i++) if (<u32>load<u8>(ptr + i) != <u32>load<u16>(name + (i << 1))) return false;
    return true;
  }

  /** True when the name is 1 to 32 ASCII characters (what hasName and copyName assume). */
  nameIsAscii(): bool {
    const n = this.name.length;
    if (n < 1 || n > 32) return false;
    for (let i = 0; i < n; i++) if (<u32>load<u16>(changetype<usize>(this.name) + (<usize>i << 1)) > 0x7f) return false;
    return true;
  }

  /** Writes the name's bytes to out; returns their count. */
  copyName(out: usize): i32 {
    const n = this.name.length;
    for (let i = 0; i < n; i++) store<u8>(out + <usize>i, <u8>load<u16>(changetype<usize>(this.name) + (<usize>i << 1)));
    return n;
  }

  /** Writes the new state to draft (stateSize bytes; it starts as a copy of state) and returns ACCEPT, or a reason > 0. */
  abstract compute(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32;

  /** When the state at `state` expires (ms on the mesh clock), or NEVER. */
  abstract expiresAt(state: usize, latch: Latch): u64;
}
