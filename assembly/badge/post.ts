// A local action becomes a block on the badge's own chain: the host hands
// over a collection name and a CBOR payload (a button press, a name typed
// on the badge); the core dates it on the mesh clock, builds picostore 3's
// body `[collection, payload, date]`, signs the block with the badge's key
// as picofeed 8 lays it out (AUTHOR header, PSIG of the chain's head when
// there is one), and dispatches it like any block from outside, so the
// collection's compute() has the last word.

import { CborReader } from '../store/cbor';
import { dispatch, blockDate } from '../store/engine';
import { repoHead } from '../repo/repo';
import { varintEncode } from '../feed/varint';
import { sign } from '../crypto/ed25519';
import { seed, publicKeyOf } from './identity';
import { scratch, scratchTake } from './scratch';
import { BODY_MAX } from '../profile';
import { repoChainIndex } from '../repo/repo';
import { enrolHeld, enrolItem, ENROL_ITEM } from './enrol';

export { BODY_MAX };
export const E_ACTION: i32 = -72; // the action is malformed: no name, or a payload that is not one CBOR item

// The block is built in the scratch buffer (at most 64 + 2 + 34 + 66 + BODY_MAX bytes, under SCRATCH_CAP),
// its body written in place once the headers before it are known.
const head: usize = memory.data(<i32>(64));
const reader = changetype<CborReader>(memory.data(<i32>offsetof<CborReader>())); // static: reset() before each use

/** Writes a CBOR head (major type, argument) at p in the shortest form, as cborg does; its length. */
function cborHead(p: usize, major: u32, v: u64): u32 {
  const m = major << 5;
  if (v < 24) { store<u8>(p, <u8>(m | <u32>v)); return 1; }
  // The argument follows big-endian in 1, 2, 4 or 8 bytes, flagged 24, 25, 26 or 27.
  const n: u32 = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x100000000 ? 4 : 8;
  store<u8>(p, <u8>(m | (24 + ctz(n))));
  for (let i = n; i > 0; i--) { store<u8>(p + <usize>i, <u8>v); v >>= 8; }
  return 1 + n;
}

/** The length of cborHead()'s encoding of v. */
function cborHeadLength(v: u64): u32 {
  return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000 ? 5 : 9;
}

/**
 * Posts an action: at ptr, u8 name length | collection name (UTF-8) | one
 * CBOR item, the payload. Returns 1 when the block was accepted, or why not.
 */
export function post(ptr: usize, len: u32, now: u64): i32 {
  if (len < 2) return E_ACTION;
  const nameLen = <u32>load<u8>(ptr);
  if (nameLen == 0 || 1 + nameLen >= len) return E_ACTION;
  const payload = ptr + 1 + <usize>nameLen;
  const payloadLen = len - 1 - nameLen;
  reader.reset(payload, <usize>payloadLen);
  if (!reader.skip() || !reader.atEnd()) return E_ACTION;
  if (<u32>13 + nameLen + payloadLen > BODY_MAX) return E_ACTION;
  // An enrolled badge founds its chain with its enrol block (enrol.ts), in this same call.
  if (ptr != enrolItem && enrolHeld() && repoChainIndex(publicKeyOf) < 0) {
    const rc = post(enrolItem, ENROL_ITEM, now);
    if (rc < 0) return rc;
  }
  const height = repoHead(publicKeyOf, head);
  // Dated no earlier than the head it extends (the engine's E7): after a reboot the clock may
  // start up to SKEW behind the last post (clock.ts, C1), which was dated at most SKEW ahead.
  const date = height > 0 ? max(now, blockDate(head)) : now;
  // The body's length first: the headers before it depend on it.
  const b: u32 = 1 + cborHeadLength(<u64>nameLen) + nameLen + payloadLen + cborHeadLength(date);

  scratchTake();
  const block = scratch;
  const size: u32 = 34 + (height > 0 ? 66 : 0) + b;
  let o: usize = 64 + <usize>varintEncode(size, block + 64);
  store<u8>(block + o, 0); store<u8>(block + o, 1, 1);
  memory.copy(block + o + 2, publicKeyOf, 32);
  o += 34;
  if (height > 0) {
    store<u8>(block + o, 0); store<u8>(block + o, 2, 1);
    memory.copy(block + o + 2, head, 64);
    o += 66;
  }
  o += <usize>cborHead(block + o, 4, 3);
  o += <usize>cborHead(block + o, 3, <u64>nameLen);
  memory.copy(block + o, ptr + 1, <usize>nameLen);
  o += <usize>nameLen;
  memory.copy(block + o, payload, <usize>payloadLen);
  o += <usize>payloadLen;
  o += <usize>cborHead(block + o, 0, date);
  sign(seed, block + 64, o - 64, block);
  return dispatch(block, <u32>o, now);
}
