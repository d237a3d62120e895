// The block repository on flash: picorepo 2's job for a badge. Blocks of
// many chains live as BLOCK records in the log (log.ts); a chain is owned
// by the author of its genesis block, one chain per owner, as picorepo does
// by default. An evicted chain leaves an EVICT record (a tombstone) that
// kills every older block of that owner and refuses the chain until a
// given time, so a neighbour cannot bring it back early.
//
// RAM holds only an index, rebuilt at mount from the records: per block an
// 8-byte prefix of its signature (the key), its flash address, a stamp, its
// parent and chain; per chain its owner, genesis and head. Block bodies
// stay on flash.
//
// Invariants (the power-loss test checks them after every cut):
//   R1 A block is committed when its record is; the index changes only after
//      the program call returned. So a cut loses at most the block being
//      written.
//   R2 Every record carries a stamp. An EVICT record of owner X kills the
//      blocks of X's chain whose stamp is below its own, wherever they lie in
//      the log. Stamps only grow; a block copied by compaction gets a fresh
//      stamp (a live block's stamp is above every tombstone of its owner, so
//      raising it changes nothing), a copied tombstone keeps its own.
//   R3 A tombstone is dropped (not copied by compaction) only when its time
//      has passed and no block record older than it remains anywhere, so a
//      dead block can never come back at the next mount.
//   R4 Compaction copies a sector's live records first and erases it only
//      afterwards; a cut in between leaves two copies of a block, and mount
//      keeps one.
//   R5 Mount links blocks by their parent signatures, not by log order, so
//      copies moved by compaction rejoin their chains. A block whose parent
//      cannot be found is not part of any chain and is dropped.
//
// Keys: two blocks with the same 8-byte signature prefix would need a
// 64-bit collision with a block someone else signed; an author can only
// confuse their own chain that way.

import { scanBlock, OUT_BLOCK_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { geometry, flashRead } from './flash';
import {
  logGeometry, logMount, readRecord, setEnd, sectorsBySeq, append, headFits, openSector, eraseSector,
  freeSectors, recBuf, recType, recLen, recStamp, recordSize, maxPayload, headSector, state, unused, liveOf, addLive,
  seqOf, erasesOf, SEALED, MAX_SECTORS, SECTOR_HEADER, RECORD_HEADER, E_NO_SPACE,
} from './log';
import { sameKey, sameSig } from '../feed/equal';

export const MAX_BLOCKS: i32 = 1024;
export const MAX_CHAINS: i32 = 128;
/** One tombstone slot per chain slot: the two owner tables share their find/free helpers. */
export const MAX_TOMBS: i32 = MAX_CHAINS;
const SLOTS: i32 = 2048; // hash slots, a power of two above MAX_BLOCKS

const REC_BLOCK: u8 = 1;
const REC_EVICT: u8 = 2;

// Results of repoWrite (0 = already stored, 1 = written) and errors.
export const E_ANONYMOUS: i32 = -50; // no AUTHOR header: picorepo refuses these too
export const E_MALFORMED: i32 = -51;
export const E_TOO_LARGE: i32 = -52; // larger than a flash record can hold
export const E_FORK: i32 = -53; // the owner has a chain and this does not extend its head
export const E_ORPHAN: i32 = -54; // the parent is not stored
export const E_EVICTED: i32 = -55; // the chain was evicted and may not return yet
export const E_TABLE_FULL: i32 = -56; // no free block, chain or tombstone slot
export const E_FULL: i32 = -57; // flash full of live blocks
export const E_NOT_FOUND: i32 = -58;
export const E_NOT_MOUNTED: i32 = -59;

// ---- tables ------------------------------------------------------------------

const bKey: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 8));
const bAddr: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 4));
const bStamp: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 4));
const bLen: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 2));
const bParent: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 2));
const bChain: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 2));
const bHeight: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 2)); // 0 = slot free
const slots: usize = memory.data(<i32>(<usize>SLOTS * 2)); // -1 empty, -2 deleted, else block index

const cOwner: usize = memory.data(<i32>(<usize>MAX_CHAINS * 32));
const cGenesis: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));
const cHead: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2)); // -1 = slot free
// First 8 bytes of each owner, so lookups scan one tight array; a slot's
// key may be stale after it is freed (the slot's own flag decides).
const cKey: usize = memory.data(<i32>(<usize>MAX_CHAINS * 8));
const tKey: usize = memory.data(<i32>(<usize>MAX_TOMBS * 8));

const tOwner: usize = memory.data(<i32>(<usize>MAX_TOMBS * 32));
const tUntil: usize = memory.data(<i32>(<usize>MAX_TOMBS * 8));
const tStamp: usize = memory.data(<i32>(<usize>MAX_TOMBS * 4));
const tAddr: usize = memory.data(<i32>(<usize>MAX_TOMBS * 4)); // 0xffffffff = slot free

const secMinStamp: usize = memory.data(<i32>(<usize>MAX_SECTORS * 4)); // oldest block record per sector
const order: usize = memory.data(<i32>(<usize>MAX_SECTORS * 2));
const walk: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 2));
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE));
const tomb: usize = memory.data(<i32>(40));

let maxStamp: u32 = 0;
let mounted: bool = false;
let blockCount: i32 = 0;

function key(i: i32): u64 { return load<u64>(bKey + (<usize>i << 3)); }
function addrOf(i: i32): u32 { return load<u32>(bAddr + (<usize>i << 2)); }
function lenOf(i: i32): u32 { return <u32>load<u16>(bLen + (<usize>i << 1)); }
function parentOf(i: i32): i32 { return <i32>load<i16>(bParent + (<usize>i << 1)); }
function chainOf(i: i32): i32 { return <i32>load<i16>(bChain + (<usize>i << 1)); }
function heightOf(i: i32): i32 { return <i32>load<u16>(bHeight + (<usize>i << 1)); }
function sectorOfAddr(a: u32): u32 { return a / geometry.sectorSize; }
function headOf(c: i32): i32 { return <i32>load<i16>(cHead + (<usize>c << 1)); }
function genesisOf(c: i32): i32 { return <i32>load<i16>(cGenesis + (<usize>c << 1)); }
function tombUsed(t: i32): bool { return load<u32>(tAddr + (<usize>t << 2)) != 0xffffffff; }
function stampOf(i: i32): u32 { return load<u32>(bStamp + (<usize>i << 2)); }
function setHeight(i: i32, h: u32): void { store<u16>(bHeight + (<usize>i << 1), <u16>h); }
function setParent(i: i32, p: i32): void { store<i16>(bParent + (<usize>i << 1), <i16>p); }
function setHead(c: i32, i: i32): void { store<i16>(cHead + (<usize>c << 1), <i16>i); }
function setTombAddr(t: i32, a: u32): void { store<u32>(tAddr + (<usize>t << 2), a); }

/** Points block i at a (new) record. */
function setRecord(i: i32, addr: u32, stamp: u32): void {
  store<u32>(bAddr + (<usize>i << 2), addr);
  store<u32>(bStamp + (<usize>i << 2), stamp);
}

/** Places block i in chain c at height h. */
function place(i: i32, c: i32, h: u32): void {
  store<i16>(bChain + (<usize>i << 1), <i16>c);
  setHeight(i, h);
}

function keyOf(sig: usize): u64 {
  return load<u64>(sig);
}

function hashSlot(k: u64): i32 {
  return <i32>((k ^ (k >> 29)) * 0x9e3779b97f4a7c15 >> 53) & (SLOTS - 1);
}

/** Index of the block with key k, or -1. */
export function findBlock(k: u64): i32 {
  let h = hashSlot(k);
  for (let n = 0; n < SLOTS; n++) {
    const v = <i32>load<i16>(slots + (<usize>h << 1));
    if (v == -1) return -1;
    if (v >= 0 && load<u64>(bKey + (<usize>v << 3)) == k) return v;
    h = (h + 1) & (SLOTS - 1);
  }
  return -1;
}

function hashInsert(i: i32): void {
  let h = hashSlot(key(i));
  while (load<i16>(slots + (<usize>h << 1)) >= 0) h = (h + 1) & (SLOTS - 1);
  store<i16>(slots + (<usize>h << 1), <i16>i);
}

function hashRemove(i: i32): void {
  let h = hashSlot(key(i));
  for (let n = 0; n < SLOTS; n++) {
    const v = <i32>load<i16>(slots + (<usize>h << 1));
    if (v == -1) return;
    if (v == i) {
      store<i16>(slots + (<usize>h << 1), -2);
      return;
    }
    h = (h + 1) & (SLOTS - 1);
  }
}

function freeBlockSlot(): i32 {
  // Hot (twice per write): a direct load, not a call per slot.
  for (let i = 0; i < MAX_BLOCKS; i++) if (load<u16>(bHeight + (<usize>i << 1)) == 0) return i;
  return -1;
}

function addBlock(k: u64, addr: u32, stamp: u32, len: u32): i32 {
  const i = freeBlockSlot();
  if (i < 0) return -1;
  store<u64>(bKey + (<usize>i << 3), k);
  setRecord(i, addr, stamp);
  store<u16>(bLen + (<usize>i << 1), <u16>len);
  setParent(i, -1);
  place(i, -1, 0xffff); // used, height unknown
  hashInsert(i);
  blockCount++;
  return i;
}

/** Removes block i from the index (its record stays on flash as garbage). */
function forget(i: i32): void {
  hashRemove(i);
  setHeight(i, 0);
  blockCount--;
}

/** Chain c founded by its genesis block i. */
function found(c: i32, i: i32): void {
  store<i16>(cGenesis + (<usize>c << 1), <i16>i);
  setHead(c, i);
}

/** At mount, before blocks are linked to chains: drops chain c, whose only member so far is its genesis block. */
function dropChainAtMount(c: i32): void {
  forget(genesisOf(c));
  setHead(c, -1);
}

/** Adds (sign 1) or removes (sign -1) the record of len payload bytes at addr from its sector's live bytes. */
function countLive(addr: u32, len: u32, sign: i32): void {
  addLive(sectorOfAddr(addr), sign * <i32>recordSize(len));
}

/** Forgets block i and counts its record as garbage in its sector. */
function dropBlock(i: i32): void {
  countLive(addrOf(i), lenOf(i), -1);
  forget(i);
}

// Chains and tombstones are both tables of owners: per slot a 32-byte owner,
// its first 8 bytes in a tight key array, and a flag that reads as i16 -1
// when the slot is free. For chains the flag is cHead; for tombstones it is
// the low half of tAddr (0xffffffff when free; a record address is 8-byte
// aligned, so a used slot's low half is never 0xffff).
const CHAIN_FLAGS: usize = cHead;
const CHAIN_FLAG_SHIFT: usize = 1;
const TOMB_FLAGS: usize = tAddr;
const TOMB_FLAG_SHIFT: usize = 2;

/** First free slot of an owner table (MAX_CHAINS == MAX_TOMBS slots) at or after `from`, wrapping round, or -1. */
function freeSlot(flags: usize, shift: usize, from: i32): i32 {
  let x = from;
  for (let n = 0; n < MAX_CHAINS; n++) {
    if (load<i16>(flags + (<usize>x << shift)) == -1) return x;
    x = x + 1 == MAX_CHAINS ? 0 : x + 1;
  }
  return -1;
}

/** Used slot of an owner table whose owner is the 32 bytes at owner, or -1. */
function findOwner(keys: usize, owners: usize, flags: usize, shift: usize, owner: usize): i32 {
  const k = load<u64>(owner);
  for (let x = 0; x < MAX_CHAINS; x++) {
    if (load<u64>(keys + (<usize>x << 3)) == k && load<i16>(flags + (<usize>x << shift)) != -1 && sameKey(owners + (<usize>x << 5), owner)) return x;
  }
  return -1;
}

function setOwner(keys: usize, owners: usize, x: i32, owner: usize): void {
  memory.copy(owners + (<usize>x << 5), owner, 32);
  store<u64>(keys + (<usize>x << 3), load<u64>(owner));
}

function freeChainSlot(): i32 { return freeSlot(CHAIN_FLAGS, CHAIN_FLAG_SHIFT, 0); }

// Tombstones come and go in bursts (a collector run evicts many chains at
// once): the search for a free slot goes on from the last one handed out,
// instead of walking past every slot it filled before.
let tombCursor: i32 = 0;

function freeTombSlot(): i32 {
  const t = freeSlot(TOMB_FLAGS, TOMB_FLAG_SHIFT, tombCursor);
  if (t >= 0) tombCursor = t + 1 == MAX_TOMBS ? 0 : t + 1;
  return t;
}
function setChainOwner(c: i32, owner: usize): void { setOwner(cKey, cOwner, c, owner); }

/** Fills tombstone slot t. */
function setTomb(t: i32, owner: usize, until: u64, stamp: u32, addr: u32): void {
  setOwner(tKey, tOwner, t, owner);
  store<u64>(tUntil + (<usize>t << 3), until);
  store<u32>(tStamp + (<usize>t << 2), stamp);
  setTombAddr(t, addr);
}

/** Frees tombstone slot t and counts its record as garbage in its sector. */
function dropTomb(t: i32): void {
  countLive(tombAddr(t), 40, -1);
  setTombAddr(t, 0xffffffff);
}
function findTomb(owner: usize): i32 { return findOwner(tKey, tOwner, TOMB_FLAGS, TOMB_FLAG_SHIFT, owner); }

/** Chain owned by the 32-byte key at owner, or -1. */
export function findChain(owner: usize): i32 {
  return findOwner(cKey, cOwner, CHAIN_FLAGS, CHAIN_FLAG_SHIFT, owner);
}

function minStampOf(s: u32): u32 { return load<u32>(secMinStamp + (s << 2)); }

/** The readable sector, other than except, that holds the oldest block record; -1 when none holds any. */
function oldestSector(except: i32): i32 {
  let oldest: i32 = -1;
  let m: u32 = 0xffffffff;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (<i32>s == except || unused(s)) continue;
    if (minStampOf(s) < m) {
      m = minStampOf(s);
      oldest = <i32>s;
    }
  }
  return oldest;
}

/** Stamp of the oldest block record on flash outside sector except (0xffffffff when there is none). */
function minBlockStampOnFlash(except: i32): u32 {
  const s = oldestSector(except);
  return s < 0 ? 0xffffffff : minStampOf(<u32>s);
}

function noteStamp(addr: u32, type: u8, stamp: u32): void {
  if (type != REC_BLOCK) return;
  const p = secMinStamp + (sectorOfAddr(addr) << 2);
  if (stamp < load<u32>(p)) store<u32>(p, stamp);
}

// ---- mount ---------------------------------------------------------------------

function clearTables(): void {
  memory.fill(bHeight, 0, <usize>MAX_BLOCKS * 2);
  memory.fill(slots, 0xff, <usize>SLOTS * 2);
  memory.fill(cHead, 0xff, <usize>MAX_CHAINS * 2);
  memory.fill(tAddr, 0xff, <usize>MAX_TOMBS * 4);
  tombCursor = 0;
  memory.fill(secMinStamp, 0xff, <usize>MAX_SECTORS * 4);
  blockCount = 0;
  maxStamp = 0;
}

const prefix: usize = memory.data(<i32>(256));

/** Key of block i's parent, read back from flash; 0 for a genesis block. */
function parentKeyOf(i: i32): u64 {
  const n = min<u32>(lenOf(i), 256);
  if (readBlockPrefix(i, prefix, n) != 0) return 0;
  if (scanBlock(prefix, <i32>n, <i32>lenOf(i), scanOut) != SCAN_OK) return 0;
  const po = parentSigAt();
  if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) < 8) return 0;
  return load<u64>(prefix + <usize>po);
}

/** Reads block i's whole record into recBuf (see readRecord for the result). */
function readBlockRecord(i: i32): i32 {
  const a = addrOf(i);
  return readRecord(sectorOfAddr(a), a % geometry.sectorSize);
}

/** Reads the first n bytes of block i from its record (the block follows the record header). */
function readBlockPrefix(i: i32, ptr: usize, n: u32): i32 {
  return flashRead(addrOf(i) + RECORD_HEADER, ptr, n);
}

/** Mounts the repo on a region of the given geometry: rebuilds the index. 0 or an error. */
export function repoMount(sectorSize: u32, wordSize: u32, regionSize: u32): i32 {
  mounted = false;
  let rc = logGeometry(sectorSize, wordSize, regionSize);
  if (rc != 0) return rc;
  rc = logMount();
  if (rc != 0) return rc;
  clearTables();

  const n = sectorsBySeq(order);
  // Pass 1: where the written part of each sector ends, the oldest block
  // stamps, and how many block records there are.
  const records = mountPass(n, PASS_ENDS, 0, false);
  // Pass 2: tombstones, now that the oldest block record is known. Those
  // that still kill something always fit (R3 keeps them at most MAX_TOMBS);
  // those that only guard against an early return share what is left.
  mountPass(n, PASS_TOMBS, minBlockStampOnFlash(-1), false);
  // Pass 3: blocks, in write order (R4: duplicates keep the last copy). The
  // index holds MAX_BLOCKS; live blocks never exceed it, but records of
  // evicted chains wait on flash for compaction. When there are more records
  // than slots, a block older than its author's tombstone is skipped here
  // already (it is dead unless it extends someone else's chain).
  mountPass(n, PASS_BLOCKS, 0, records > MAX_BLOCKS);
  // Pass 4: link blocks to parents and chains (R5), apply tombstones (R2).
  for (let i = 0; i < MAX_BLOCKS; i++) {
    if (heightOf(i) == 0) continue;
    const pk = parentKeyOf(i);
    if (pk != 0) setParent(i, findBlock(pk));
  }
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    const g = genesisOf(c);
    const t = findTomb(cOwner + (<usize>c << 5));
    if (t >= 0 && stampOf(g) < tombStamp(t)) dropChainAtMount(c);
  }
  // Two live genesis blocks of one owner cannot be written; keep the older if flash says otherwise.
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    for (let d = c + 1; d < MAX_CHAINS; d++) {
      if (headOf(d) < 0 || !sameKey(cOwner + (<usize>c << 5), cOwner + (<usize>d << 5))) continue;
      const younger = stampOf(genesisOf(c)) > stampOf(genesisOf(d)) ? c : d;
      dropChainAtMount(younger);
      if (younger == c) break;
    }
  }
  for (let i = 0; i < MAX_BLOCKS; i++) if (heightOf(i) == 0xffff) resolve(i);
  // A chain's head is its highest block; anything not on the path to it goes (forks cannot be written, but flash is untrusted).
  for (let i = 0; i < MAX_BLOCKS; i++) {
    if (heightOf(i) == 0) continue;
    const c = chainOf(i);
    const h = headOf(c);
    if (h < 0 || heightOf(i) > heightOf(h)) setHead(c, i);
  }
  for (let c = 0; c < MAX_CHAINS; c++) {
    const h = headOf(c);
    if (h < 0) continue;
    let i = h;
    while (i >= 0) { setHeight(i, heightOf(i) | 0x8000); i = parentOf(i); }
  }
  for (let i = 0; i < MAX_BLOCKS; i++) {
    const ht = heightOf(i);
    if (ht == 0) continue;
    if ((ht & 0x8000) == 0) { forget(i); continue; }
    setHeight(i, ht & 0x7fff);
    // Live bytes per sector, for compaction (logMount zeroed them; nothing above adds any).
    countLive(addrOf(i), lenOf(i), 1);
  }
  for (let t = 0; t < MAX_TOMBS; t++) if (tombUsed(t)) countLive(tombAddr(t), 40, 1);
  mounted = true;
  return 0;
}


const PASS_ENDS: i32 = 0;
const PASS_TOMBS: i32 = 1;
const PASS_BLOCKS: i32 = 2;

/** One mount pass over every record of the n sectors in order[] (the passes differ only in what a record feeds). Returns the number of block records. */
function mountPass(n: u32, pass: i32, oldestBlock: u32, crowded: bool): i32 {
  let records: i32 = 0;
  for (let j: u32 = 0; j < n; j++) {
    const s = <u32>load<u16>(order + (j << 1));
    let off = SECTOR_HEADER;
    let r = 0;
    while ((r = readRecord(s, off)) > 0) {
      const addr = s * geometry.sectorSize + off;
      if (pass == PASS_ENDS) {
        if (recStamp > maxStamp) maxStamp = recStamp;
        noteStamp(addr, recType, recStamp);
        if (recType == REC_BLOCK) records++;
      } else if (pass == PASS_TOMBS) {
        if (recType == REC_EVICT && recLen == 40) mountTomb(addr, oldestBlock);
      } else if (recType == REC_BLOCK) {
        mountBlock(addr, crowded);
      }
      off += <u32>r;
    }
    if (pass == PASS_ENDS) setEnd(s, off, r == 0);
  }
  return records;
}

/** True when the len bytes at ptr are exactly one well-formed block (parsed into scanOut). */
function scanWhole(ptr: usize, len: u32): bool {
  return scanBlock(ptr, <i32>len, <i32>len, scanOut) == SCAN_OK && <u32>load<i32>(scanOut + OUT_BLOCK_SIZE) == len;
}

/** Offset of the 32-byte author key in the block last parsed into scanOut, or -1 (anonymous). */
function authorAt(): i32 {
  const ko = load<i32>(scanOut + OUT_KEY_OFFSET);
  return ko >= 0 && load<i32>(scanOut + OUT_KEY_LEN) == 32 ? ko : -1;
}

/** Offset of the parent signature in the block last parsed into scanOut, or -1 (genesis). */
function parentSigAt(): i32 {
  return load<i32>(scanOut + OUT_PSIG_OFFSET);
}

function mountBlock(addr: u32, crowded: bool): void {
  if (!scanWhole(recBuf, recLen)) return;
  // A genesis block older than its author's tombstone is dead (R2: its
  // author owns its chain): skip it, so dead chains never crowd out live ones
  // from the chain table. Other blocks only when the index is crowded.
  const ko = authorAt();
  const genesis = parentSigAt() < 0;
  if ((crowded || genesis) && ko >= 0) {
    const t = findTomb(recBuf + <usize>ko);
    if (t >= 0 && recStamp < tombStamp(t)) return;
  }
  const k = keyOf(recBuf);
  const prev = findBlock(k);
  if (prev >= 0) {
    // A second copy (compaction was cut before its erase): keep the later one.
    setRecord(prev, addr, recStamp);
    return;
  }
  const i = addBlock(k, addr, recStamp, recLen);
  if (i < 0) return; // more blocks on flash than the table holds: the rest are dropped
  if (genesis) {
    // Genesis: it founds a chain, unless its owner already has one (a tombstone settles which one lives).
    if (ko < 0) { forget(i); return; }
    const c = freeChainSlot();
    if (c < 0) { forget(i); return; }
    setChainOwner(c, recBuf + <usize>ko);
    found(c, i);
    place(i, c, 1);
  }
}

function mountTomb(addr: u32, oldestBlock: u32): void {
  let t = findTomb(recBuf);
  if (t >= 0 && tombStamp(t) > recStamp) return;
  if (t < 0) t = freeTombSlot();
  if (t < 0) {
    // Full: give way to a tombstone that kills something, at the expense of
    // the guard-only one whose time ends first.
    for (let x = 0; x < MAX_TOMBS; x++) {
      if (tombStamp(x) >= oldestBlock) continue;
      if (t < 0 || tombUntil(x) < tombUntil(t)) t = x;
    }
    if (t < 0 || (recStamp < oldestBlock && load<u64>(recBuf, 32) <= tombUntil(t))) return;
  }
  setTomb(t, recBuf, load<u64>(recBuf, 32), recStamp, addr);
}

/** Finds block i's chain and height by walking to a block that knows its own; drops what cannot be placed. */
function resolve(i: i32): void {
  let n = 0;
  let j = i;
  while (j >= 0 && heightOf(j) == 0xffff && n < MAX_BLOCKS) {
    store<i16>(walk + (<usize>n << 1), <i16>j);
    n++;
    j = parentOf(j);
  }
  let c = j >= 0 && heightOf(j) != 0 && heightOf(j) != 0xffff ? chainOf(j) : -1;
  let h = c >= 0 ? heightOf(j) : 0;
  // Tombstones: a block older than its owner's tombstone is dead (R2).
  let tStampOwner: u32 = 0;
  if (c >= 0) {
    const t = findTomb(cOwner + (<usize>c << 5));
    if (t >= 0) tStampOwner = tombStamp(t);
  }
  for (let x = n - 1; x >= 0; x--) {
    const b = <i32>load<i16>(walk + (<usize>x << 1));
    if (c < 0 || h >= 0x7ffe || stampOf(b) < tStampOwner) {
      c = -1;
      forget(b);
      continue;
    }
    h++;
    place(b, c, <u32>h);
  }
}

// ---- operations ------------------------------------------------------------------

// Free sectors kept back from ordinary writes: compaction copies into one;
// the other is there when a power cut sealed a half-used head in the middle
// of a compaction, so that the compaction can start over after mount.
const RESERVE: u32 = 2;
const WEAR_SPREAD: u32 = 4; // erase-count gap that makes compaction move cold blocks
const sigBuf: usize = memory.data(<i32>(64));

function tombAddr(t: i32): u32 { return load<u32>(tAddr + (<usize>t << 2)); }
function tombStamp(t: i32): u32 { return load<u32>(tStamp + (<usize>t << 2)); }
function tombUntil(t: i32): u64 { return load<u64>(tUntil + (<usize>t << 3)); }

/** True when block i's full signature equals the 64 bytes at sig (the index keeps only a prefix). */
function blockHasSig(i: i32, sig: usize): bool {
  if (readBlockPrefix(i, sigBuf, 64) != 0) return false;
  return sameSig(sigBuf, sig);
}

/** Appends a record, opening a sector when the head is full. */
function put(type: u8, stamp: u32, ptr: usize, len: u32): i64 {
  if (!headFits(len)) {
    const rc = openSector();
    if (rc < 0) return rc;
  }
  const addr = append(type, stamp, ptr, len);
  if (addr >= 0) noteStamp(<u32>addr, type, stamp);
  return addr;
}

/** Makes room for a record of len bytes, compacting when the free sectors run down to the reserve. */
function makeRoom(len: u32, now: u64): i32 {
  // Each compaction reclaims some garbage, but record tails that fit nothing
  // are not garbage: bound the rounds so a full region ends in E_FULL.
  for (let round: u32 = 0; !headFits(len); round++) {
    if (round > 2 * geometry.sectors) return E_FULL;
    if (freeSectors() > RESERVE) {
      const rc = openSector();
      if (rc < 0) return rc;
      continue;
    }
    const rc = compactOne(now);
    if (rc < 0) return rc;
  }
  return 0;
}

/**
 * Reclaims one sector: the sealed sector with the fewest live bytes (the
 * fewest erases among equals, for wear), whose live records are copied to
 * the head before it is erased (R4). E_FULL when no sector has garbage.
 */
export function compactOne(now: u64): i32 {
  const capacity = geometry.sectorSize - SECTOR_HEADER;
  let victim: i32 = -1;
  let coldest: i32 = -1;
  let most: u32 = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (erasesOf(s) > most) most = erasesOf(s);
    if (state(s) != SEALED) continue;
    if (victim < 0 || liveOf(s) < liveOf(<u32>victim) || (liveOf(s) == liveOf(<u32>victim) && erasesOf(s) < erasesOf(<u32>victim))) victim = <i32>s;
    if (coldest < 0 || erasesOf(s) < erasesOf(<u32>coldest)) coldest = <i32>s;
  }
  // Static wear levelling: a sector that holds long-lived blocks is never
  // erased by garbage collection alone; once it lags too far behind, move
  // its blocks so that its erase cycles get used too.
  if (coldest >= 0 && most - erasesOf(<u32>coldest) > WEAR_SPREAD && freeSectors() > 0) victim = coldest;
  else if (victim < 0 || liveOf(<u32>victim) >= capacity) return E_FULL;
  return compactSector(<u32>victim, now);
}

let compactions: u32 = 0;

/** Copies sector v's live records to the head, then erases it (R4). */
function compactSector(v: u32, now: u64): i32 {
  compactions++;
  let off = SECTOR_HEADER;
  let r = 0;
  while ((r = readRecord(v, off)) > 0) {
    const addr = v * geometry.sectorSize + off;
    off += <u32>r;
    const type = recType;
    let x: i32; // the block or tombstone slot that points at this record
    let stamp: u32;
    if (type == REC_BLOCK) {
      x = findBlock(keyOf(recBuf));
      if (x < 0 || addrOf(x) != addr) continue; // garbage: dead, or an older copy
      stamp = ++maxStamp; // R2: a fresh stamp for a live block
    } else if (type == REC_EVICT && recLen == 40) {
      x = findTomb(recBuf);
      if (x < 0 || tombAddr(x) != addr) continue;
      // R3: drop it only when it has expired and nothing older than it is left.
      if (tombUntil(x) <= now && tombStamp(x) < minBlockStampOnFlash(<i32>v)) {
        setTombAddr(x, 0xffffffff);
        continue;
      }
      stamp = tombStamp(x); // R2: a copied tombstone keeps its own
    } else continue;
    const moved = put(type, stamp, recBuf, recLen);
    if (moved < 0) return moved == E_NO_SPACE ? E_FULL : <i32>moved;
    if (type == REC_BLOCK) setRecord(x, <u32>moved, stamp);
    else setTombAddr(x, <u32>moved);
  }
  store<u32>(secMinStamp + (v << 2), 0xffffffff);
  return eraseSector(v);
}

/**
 * Frees a tombstone slot when all are taken: the tombstone whose time ends
 * first goes, after the sectors holding blocks older than it have been
 * compacted (R3: their blocks get fresh stamps, the dead ones vanish, so
 * nothing comes back at the next mount). If its time had not yet come, the
 * chain may return early: the price of a bounded table, paid by the chain
 * that was closest to being allowed back anyway.
 */
function reclaimTomb(now: u64): i32 {
  // First the cheap way: every tombstone whose time has passed and that
  // guards nothing any more (R3) goes, freeing many slots at once.
  let freed = dropSpentTombs(now);
  if (freed >= 0) return freed;
  let t: i32 = -1;
  for (let x = 0; x < MAX_TOMBS; x++) {
    if (tombUsed(x) && (t < 0 || tombUntil(x) < tombUntil(t))) t = x;
  }
  if (t < 0) return E_TABLE_FULL;
  if (tombUntil(t) > now) now = tombUntil(t); // let compaction drop it too
  for (let round: u32 = 0; round <= geometry.sectors; round++) {
    const oldest = oldestSector(-1);
    if (oldest < 0 || minStampOf(<u32>oldest) >= tombStamp(t)) break; // no block older than the tombstone is left
    if (oldest == headSector) {
      const rc = openSector(); // seal the head so it can be compacted
      if (rc < 0) return rc;
    }
    const rc = compactSector(<u32>oldest, now);
    if (rc < 0) return rc;
    if (!tombUsed(t)) break; // compaction dropped it
  }
  if (tombUsed(t) && tombStamp(t) < minBlockStampOnFlash(-1)) {
    dropTomb(t);
  }
  freed = dropSpentTombs(now);
  if (!tombUsed(t)) return t;
  return freed >= 0 ? freed : E_TABLE_FULL;
}

/** Drops every tombstone whose time has passed and that no older block needs (R3); returns a freed slot or -1. */
function dropSpentTombs(now: u64): i32 {
  const oldest = minBlockStampOnFlash(-1);
  let freed: i32 = -1;
  for (let x = 0; x < MAX_TOMBS; x++) {
    if (!tombUsed(x) || tombUntil(x) > now || tombStamp(x) >= oldest) continue;
    dropTomb(x);
    freed = x;
  }
  return freed;
}

/**
 * Stores a block that the caller has verified, by picorepo's rules: a
 * genesis block founds its author's chain (refused when the author has one,
 * or when the chain was evicted and `now` has not reached its tombstone's
 * time); any other block must extend its chain's head. Returns 1 written,
 * 0 already stored, or an error.
 */
export function repoWrite(ptr: usize, len: u32, now: u64): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  if (len < 66 || !scanWhole(ptr, len)) return E_MALFORMED;
  if (len > maxPayload()) return E_TOO_LARGE;
  const k = keyOf(ptr);
  const existing = findBlock(k);
  if (existing >= 0) return blockHasSig(existing, ptr) ? 0 : E_FORK;
  const ko = authorAt();
  if (ko < 0) return E_ANONYMOUS;
  const po = parentSigAt();
  let c: i32 = -1;
  let parent: i32 = -1;
  if (po < 0) {
    if (findChain(ptr + <usize>ko) >= 0) return E_FORK;
    const t = findTomb(ptr + <usize>ko);
    if (t >= 0 && tombUntil(t) > now) return E_EVICTED;
    c = freeChainSlot();
    if (c < 0) return E_TABLE_FULL;
  } else {
    if (load<i32>(scanOut + OUT_PSIG_LEN) != 64) return E_MALFORMED;
    parent = findBlock(load<u64>(ptr + <usize>po));
    if (parent < 0 || !blockHasSig(parent, ptr + <usize>po)) return E_ORPHAN;
    c = chainOf(parent);
    if (headOf(c) != parent) return E_FORK;
    if (heightOf(parent) >= 0x7ffe) return E_TABLE_FULL;
  }
  if (freeBlockSlot() < 0) return E_TABLE_FULL;
  const room = makeRoom(len, now);
  if (room < 0) return room;
  if (parent >= 0 && headOf(c) != parent) return E_FORK; // compaction never changes heads; kept as a guard
  const stamp = ++maxStamp;
  const addr = put(REC_BLOCK, stamp, ptr, len);
  if (addr < 0) return <i32>addr;
  // R1: the record is committed; now the index.
  const i = addBlock(k, <u32>addr, stamp, len);
  setParent(i, parent);
  place(i, c, parent >= 0 ? <u32>heightOf(parent) + 1 : 1);
  if (parent < 0) {
    setChainOwner(c, ptr + <usize>ko);
    found(c, i);
  }
  setHead(c, i);
  return 1;
}

/**
 * Evicts the chain owned by owner (picorepo's rollback): writes a tombstone
 * that refuses the chain until `until`, then forgets its blocks (their
 * flash is reclaimed by compaction). Returns the number of blocks evicted.
 */
export function repoEvict(owner: usize, until: u64, now: u64): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const c = findChain(owner);
  if (c < 0) return E_NOT_FOUND;
  return repoEvictChain(c, until, now);
}

/** The chain slot of owner's chain, or -1 (stable until the chain is evicted or the repo remounted). */
export function repoChainIndex(owner: usize): i32 {
  return findChain(owner);
}

/** repoEvict for a chain slot the caller already knows. */
export function repoEvictChain(c: i32, until: u64, now: u64): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  if (c < 0 || c >= MAX_CHAINS || headOf(c) < 0) return E_NOT_FOUND;
  const owner = cOwner + (<usize>c << 5);
  let t = findTomb(owner);
  if (t < 0) t = freeTombSlot();
  if (t < 0) t = reclaimTomb(now);
  if (t < 0) return t;
  memory.copy(tomb, owner, 32);
  store<u64>(tomb, until, 32);
  const before = compactions;
  const room = makeRoom(40, now);
  if (room < 0) return room;
  if (compactions != before) {
    t = findTomb(owner); // compaction may have dropped or moved tombstones
    if (t < 0) t = freeTombSlot();
    if (t < 0) return E_TABLE_FULL;
  }
  const stamp = ++maxStamp;
  const addr = put(REC_EVICT, stamp, tomb, 40);
  if (addr < 0) return <i32>addr;
  if (tombUsed(t)) dropTomb(t); // superseded (the slot is refilled below)
  setTomb(t, owner, until, stamp, <u32>addr);
  let n = 0;
  let i = headOf(c);
  while (i >= 0) {
    const p = parentOf(i);
    dropBlock(i);
    n++;
    i = p;
  }
  setHead(c, -1);
  return n;
}

/** Copies the block whose signature is at sig to out (up to cap bytes). Its length, or an error. */
export function repoRead(sig: usize, out: usize, cap: u32): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const i = findBlock(keyOf(sig));
  if (i < 0) return E_NOT_FOUND;
  // The index points only at records that passed their CRC at mount or write; a failure now is flash decay.
  if (readBlockRecord(i) <= 0 || recType != REC_BLOCK || !sameSig(recBuf, sig)) return E_NOT_FOUND;
  if (recLen > cap) return E_TOO_LARGE;
  memory.copy(out, recBuf, recLen);
  return <i32>recLen;
}

/** Writes the head block's signature of owner's chain to out (64 bytes); returns the chain's length. */
export function repoHead(owner: usize, out: usize): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const c = findChain(owner);
  if (c < 0) return E_NOT_FOUND;
  const h = headOf(c);
  if (readBlockPrefix(h, out, 64) != 0) return E_NOT_FOUND;
  return heightOf(h);
}

/**
 * Loads owner's chain as a picofeed byte run: blocks from height `from`
 * (1 = genesis) on, as many as fit in cap bytes, written after a u32 byte
 * count at out. Returns the number of blocks written.
 */
export function repoLoad(owner: usize, from: i32, out: usize, cap: u32): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const c = findChain(owner);
  if (c < 0) return E_NOT_FOUND;
  let n = 0;
  for (let i = headOf(c); i >= 0; i = parentOf(i)) {
    store<i16>(walk + (<usize>n << 1), <i16>i);
    n++;
  }
  let used: u32 = 4;
  let count = 0;
  for (let x = n - max(from, 1); x >= 0; x--) {
    const i = <i32>load<i16>(walk + (<usize>x << 1));
    if (used + lenOf(i) > cap) break;
    if (readBlockRecord(i) <= 0) return E_NOT_FOUND;
    memory.copy(out + used, recBuf, recLen);
    used += recLen;
    count++;
  }
  store<u32>(out, used - 4);
  return count;
}

/** Lists chains from index `start`: per chain owner(32) | length u32 | head signature(64). Returns how many fit. */
export function repoChains(start: i32, out: usize, cap: u32): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  let seen = 0;
  let count = 0;
  let used: u32 = 0;
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    if (seen++ < start) continue;
    if (used + 100 > cap) break;
    memory.copy(out + used, cOwner + (<usize>c << 5), 32);
    store<u32>(out + used + 32, <u32>heightOf(headOf(c)));
    if (readBlockPrefix(headOf(c), out + used + 36, 64) != 0) return E_NOT_FOUND;
    used += 100;
    count++;
  }
  return count;
}

/** Counters for tests and the simulator, as u32s: blocks, chains, tombstones, free sectors, live bytes, stamp. */
export function repoStats(out: usize): i32 {
  const chains = <u32>(MAX_CHAINS - repoFreeChains());
  let tombs: u32 = 0;
  for (let t = 0; t < MAX_TOMBS; t++) if (tombUsed(t)) tombs++;
  let live: u32 = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) live += liveOf(s);
  store<u32>(out, <u32>blockCount);
  store<u32>(out, chains, 4);
  store<u32>(out, tombs, 8);
  store<u32>(out, freeSectors(), 12);
  store<u32>(out, live, 16);
  store<u32>(out, maxStamp, 20);
  return mounted ? 0 : E_NOT_MOUNTED;
}

/** True when the block with the 64-byte signature at sig is stored. */
export function repoHas(sig: usize): bool {
  if (!mounted) return false;
  const i = findBlock(keyOf(sig));
  return i >= 0 && blockHasSig(i, sig);
}

/** Writes the owner (32 bytes) of the chain holding the block with signature sig to out; returns the block's height. */
export function repoOwnerOf(sig: usize, out: usize): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const i = findBlock(keyOf(sig));
  if (i < 0 || !blockHasSig(i, sig)) return E_NOT_FOUND;
  memory.copy(out, cOwner + (<usize>chainOf(i) << 5), 32);
  return heightOf(i);
}

/** Writes the genesis signature (64 bytes) of owner's chain to out. 0 or E_NOT_FOUND. */
export function repoGenesis(owner: usize, out: usize): i32 {
  const c = findChain(owner);
  if (c < 0) return E_NOT_FOUND;
  return readBlockPrefix(genesisOf(c), out, 64) == 0 ? 0 : E_NOT_FOUND;
}

/** The owner key of the n-th live chain (0-based) into out; false past the end. */
export function repoChainAt(n: i32, out: usize): bool {
  let seen = 0;
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    if (seen++ == n) {
      memory.copy(out, cOwner + (<usize>c << 5), 32);
      return true;
    }
  }
  return false;
}

/** Changes whenever a record is written (a block, a tombstone, a compaction's copy): callers cache views of the chains against it. */
export function repoVersion(): u32 {
  return mounted ? maxStamp : 0;
}

/** True when owner's chain was evicted and may not come back before `now` (a sync need not ask for it). */
export function repoRefuses(owner: usize, now: u64): bool {
  if (!mounted || findChain(owner) >= 0) return false;
  const t = findTomb(owner);
  return t >= 0 && tombUntil(t) > now;
}

/** The height of the chain in slot c (0 when the slot is free); its owner (32 bytes) is at repoSlotOwner(c). */
export function repoSlotHeight(c: i32): i32 {
  if (!mounted || c < 0 || c >= MAX_CHAINS || headOf(c) < 0) return 0;
  return heightOf(headOf(c));
}

export function repoSlotOwner(c: i32): usize {
  return cOwner + (<usize>c << 5);
}

/** Reads the head signature of the chain in slot c to out. 0 or an error. */
export function repoSlotHead(c: i32, out: usize): i32 {
  if (repoSlotHeight(c) == 0) return E_NOT_FOUND;
  return readBlockPrefix(headOf(c), out, 64);
}

/** The 8-byte index key (signature prefix) of the head block of the chain in slot c; 0 when the slot is free. */
export function repoSlotHeadKey(c: i32): u64 {
  if (repoSlotHeight(c) == 0) return 0;
  return key(headOf(c));
}

/** Free chain slots: how many more chains the store can found before something must be evicted. */
export function repoFreeChains(): i32 {
  let n = 0;
  for (let c = 0; c < MAX_CHAINS; c++) if (headOf(c) < 0) n++;
  return n;
}
