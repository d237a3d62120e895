// The block repository on flash: picorepo 2's job for a badge. Blocks of
// many chains live as BLOCK records in the log (log.ts); a chain is owned
// by the author of its genesis block, one chain per owner, as picorepo does
// by default. Only the owner extends its chain: a block by another author
// is refused (E_FOREIGN), so nobody can write into someone else's chain,
// rewrite the states it holds, or fork its owner out of it. (picorepo 2.2.5
// fast-forwards any key's block onto a head and leaves this to the
// application; a badge keeps it here, where no collection can forget it.)
// An evicted chain leaves an EVICT record (a tombstone) that
// kills every older block of that owner and refuses the chain until a
// given time, so a neighbour cannot bring it back early; a tombstone is
// never dropped before that time (R6): with every slot held, nothing is
// evicted.
//
// RAM holds only a small index, rebuilt at mount from the records (sizes in
// assembly/profile.ts):
//   per block (8 B, one u64): a prefix of its signature, its record address,
//     its chain slot and its height. Its parent is the block of the same
//     chain one lower (chains do not fork), so no parent is kept; its stamp
//     and length are read from the record header when needed.
//   per chain (10 B): the first 4 bytes of the owner, the head and genesis
//     blocks, and where the owner's key sits in the genesis block (the full
//     owner is read from flash).
//   per tombstone (4 B): the first 2 bytes of its owner and its record
//     address; owner, time and stamp are read from its record.
// A chain holds exactly one block per height from 1 to its head's (blocks
// are added only on the head; mount keeps only the path to each head), so
// a block's parent is the block of its chain one lower, and a chain of
// height h has h blocks in the table.
//
// A prefix only narrows a search: every match is confirmed against the full
// signature or owner on flash before it counts, so a signer who grinds
// colliding prefixes makes a lookup slower, never wrong.
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
//   R6 No tombstone is dropped before its time (its hold: the chain's expiry
//      plus the skew bound, as the engine sets it) has passed. When all
//      MAX_TOMBS slots hold tombstones whose time has not come, an eviction
//      is refused (E_TABLE_FULL) and the chain stays: a chain that is kept a
//      while longer costs a slot; one that comes back early costs a signed
//      write per return, without end (#12, finding 5). At mount, the
//      tombstones whose time has not come are at most MAX_TOMBS and end
//      later than every record of one dropped before (dropped only once its
//      time had passed, by a clock that never goes back), so mountTomb,
//      which gives way first to the record whose time ends first, keeps them.
//
// Blocks larger than BLOCK_MAX (assembly/profile.ts) are refused with
// E_TOO_LARGE: the repo assembles and reads a record in one buffer of that
// size. A larger record found at mount (written by a build with a larger
// BLOCK_MAX) is skipped like garbage.

import { scanBlock, OUT_BLOCK_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { geometry, flashRead } from './flash';
import {
  logGeometry, logMount, readRecord, readHeader, readPayload, endOf, setEnd, mountedSectors, orderAt, append, headFits, openSector, eraseSector,
  freeSectors, recBuf, recData, recType, recLen, recStamp, recordSize, maxPayload, headSector, state, unused, liveOf, addLive,
  erasesOf, scratch, SEALED, MAX_SECTORS, MAX_SECTOR_SIZE, SECTOR_HEADER, RECORD_HEADER, E_NO_SPACE,
} from './log';
import { sameKey, sameSig } from '../feed/equal';
import { BLOCK_MAX, MAX_BLOCKS, MAX_CHAINS } from '../profile';

export { MAX_BLOCKS, MAX_CHAINS };
/** One tombstone slot per chain slot: the two owner tables share their find/free helpers. */
export const MAX_TOMBS: i32 = MAX_CHAINS;

const REC_BLOCK: u8 = 1;
const REC_EVICT: u8 = 2;
const TOMB_LEN: u32 = 40; // owner(32) | until u64

// Results of repoWrite (0 = already stored, 1 = written) and errors.
export const E_ANONYMOUS: i32 = -50; // no AUTHOR header: picorepo refuses these too
export const E_MALFORMED: i32 = -51;
export const E_TOO_LARGE: i32 = -52; // larger than BLOCK_MAX, or than a flash record can hold
export const E_FORK: i32 = -53; // the owner has a chain and this does not extend its head
export const E_ORPHAN: i32 = -54; // the parent is not stored
export const E_EVICTED: i32 = -55; // the chain was evicted and may not return yet
export const E_TABLE_FULL: i32 = -56; // no free block, chain or tombstone slot
export const E_FULL: i32 = -57; // flash full of live blocks
export const E_NOT_FOUND: i32 = -58;
export const E_NOT_MOUNTED: i32 = -59;
export const E_FOREIGN: i32 = -49; // the block's author is not its chain's owner

// ---- the block table ------------------------------------------------------------
//
// One u64 per block, low bits to high:
//   prefix  the signature's first bytes (its first u64, little-endian, masked)
//   addr    record address / 8 (records are 8-byte aligned); 0 = slot free,
//           since offset 0 of a sector is its header, never a record
//   chain   chain slot; NO_CHAIN while mount has not placed the block
//   height  1 = genesis; while mount links blocks, for a block not yet
//           placed: 1 + the index of its parent (0 = parent unknown)
//   flag    mount only: the height field holds a height (set after linking,
//           then reused to mark the path to a chain's head)
// The widths follow the profile; the prefix gets what is left (29 bits in
// the badge profile), which only decides how often a lookup reads flash for
// nothing.

// (32 - clz(n - 1) bits hold n values; written out so that they fold at compile time)
const ADDR_BITS: i32 = 32 - clz<i32>(<i32>(MAX_SECTORS * MAX_SECTOR_SIZE / 8) - 1);
const CHAIN_BITS: i32 = 32 - clz<i32>(MAX_CHAINS); // MAX_CHAINS slots and NO_CHAIN
const HEIGHT_BITS: i32 = 32 - clz<i32>(MAX_BLOCKS); // heights 1..MAX_BLOCKS, or 1 + a block index
const PREFIX_BITS: i32 = 63 - ADDR_BITS - CHAIN_BITS - HEIGHT_BITS;
const PREFIX_MASK: u64 = (<u64>1 << <u64>PREFIX_BITS) - 1;
const A_SHIFT: u64 = <u64>PREFIX_BITS;
const A_MASK: u64 = (<u64>1 << <u64>ADDR_BITS) - 1;
const C_SHIFT: u64 = A_SHIFT + <u64>ADDR_BITS;
const C_MASK: u64 = (<u64>1 << <u64>CHAIN_BITS) - 1;
const H_SHIFT: u64 = C_SHIFT + <u64>CHAIN_BITS;
const H_MASK: u64 = (<u64>1 << <u64>HEIGHT_BITS) - 1;
const FLAG: u64 = <u64>1 << 63;
const NO_CHAIN: i32 = <i32>C_MASK;
const HEIGHT_MAX: i32 = <i32>H_MASK; // a chain can never get this high: it holds at most MAX_BLOCKS blocks

const bTab: usize = memory.data(<i32>(<usize>MAX_BLOCKS * 8));
// INVARIANT: every slot at or above blockEnd is free (0), so a scan of the table stops there. A new
// block takes the lowest free slot (freeBlockSlot), so blockEnd is the most blocks held at once since
// mount, not MAX_BLOCKS: a badge of an event holds a few hundred of 1,024. findBlock runs for every
// block a peer offers, and scanning all 8 KiB of the table was the core's costliest function in a
// simulated event's first minutes (the cache misses of thousands of badges; on an M4, 1,024 compares).
let blockEnd: i32 = 0;

// Chains: owner's first 4 bytes, head (-1 = slot free), genesis, offset of the owner key in the genesis block.
const cKey: usize = memory.data(<i32>(<usize>MAX_CHAINS * 4));
const cHead: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));
const cGenesis: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));
const cKeyAt: usize = memory.data(<i32>(<usize>MAX_CHAINS * 2));
// One byte per chain slot, set whenever its head is set (setHead, and every slot at mount): the
// chain-set view (sync/items.ts) hashes a slot again only when it finds the byte set, then clears
// it (repoSlotSeen). Without it the view read every head from flash at each refresh to learn which
// had moved. A byte, not a bit: setHead is inlined at every caller, and the bit's read-modify-write
// cost the module more code than the 112 bytes of RAM it saved (the M4 board's app buffer is tight).
// Invariant: a slot whose byte is clear has the head it had when the view last cleared it.
const cMoved: usize = memory.data(<i32>MAX_CHAINS);

// Tombstones: owner's first 2 bytes, record address / 8 (0 = slot free).
// Addresses fit a u16 up to a 512 KiB region, else a u32.
const TOMB_WIDE: bool = (<u64>MAX_SECTORS * <u64>MAX_SECTOR_SIZE / 8) > 0xffff;
const tKey: usize = memory.data(<i32>(<usize>MAX_TOMBS * 2));
const tAddr: usize = memory.data(<i32>(<usize>MAX_TOMBS * (TOMB_WIDE ? 4 : 2)));

const secMinStamp: usize = memory.data(<i32>(<usize>MAX_SECTORS * 4)); // oldest block record per sector
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE));
const tomb: usize = memory.data(<i32>(TOMB_LEN)); // a tombstone's payload, assembled for append
// repoSlotOwner's answers: two, so that two owners can be compared.
const ownerRing: usize = memory.data(64);
let ringNext: usize = 0;

let maxStamp: u32 = 0;
let mounted: bool = false;
let blockCount: i32 = 0;

@inline function ent(i: i32): u64 { return load<u64>(bTab + (<usize>i << 3)); }
@inline function setEnt(i: i32, e: u64): void { store<u64>(bTab + (<usize>i << 3), e); }
function setField(i: i32, shift: u64, mask: u64, v: u64): void {
  setEnt(i, (ent(i) & ~(mask << shift)) | ((v & mask) << shift));
}
function used(i: i32): bool { return ent(i) != 0; }
function addrOf(i: i32): u32 { return <u32>((ent(i) >> A_SHIFT) & A_MASK) << 3; }
function chainOf(i: i32): i32 { return <i32>((ent(i) >> C_SHIFT) & C_MASK); }
function heightOf(i: i32): i32 { return <i32>((ent(i) >> H_SHIFT) & H_MASK); }
function flagged(i: i32): bool { return (ent(i) & FLAG) != 0; }
function setAddr(i: i32, a: u32): void { setField(i, A_SHIFT, A_MASK, <u64>(a >> 3)); }
function setHeight(i: i32, h: i32): void { setField(i, H_SHIFT, H_MASK, <u64>h); }
function setFlag(i: i32, on: bool): void { setEnt(i, on ? ent(i) | FLAG : ent(i) & ~FLAG); }
/** Places block i in chain c at height h. */
function place(i: i32, c: i32, h: i32): void {
  setField(i, C_SHIFT, C_MASK, <u64>c);
  setHeight(i, h);
}
function prefixOf(sig: usize): u64 { return load<u64>(sig) & PREFIX_MASK; }

function sectorOfAddr(a: u32): u32 { return a / geometry.sectorSize; }
function headOf(c: i32): i32 { return <i32>load<i16>(cHead + (<usize>c << 1)); }
function setHead(c: i32, i: i32): void {
  store<i16>(cHead + (<usize>c << 1), <i16>i);
  store<u8>(cMoved + <usize>c, 1);
}
function genesisOf(c: i32): i32 { return <i32>load<u16>(cGenesis + (<usize>c << 1)); }

/** Reads the u32 at flash address a (0 when the read fails). */
function flashU32(a: u32): u32 { return flashRead(a, scratch, 4) == 0 ? load<u32>(scratch) : 0; }
/** The stamp of the record at a, from its header. */
function stampAt(a: u32): u32 { return flashU32(a + 4); }
/** The payload length of the record at a, from its header. */
function lenAt(a: u32): u32 { return flashU32(a) >>> 16; }
function stampOf(i: i32): u32 { return stampAt(addrOf(i)); }

/** Reads the first n bytes of block i (the block follows its record header). */
function readBlockPrefix(i: i32, ptr: usize, n: u32): i32 {
  return flashRead(addrOf(i) + RECORD_HEADER, ptr, n);
}

/** True when block i's full signature equals the 64 bytes at sig (never scratch). */
function blockHasSig(i: i32, sig: usize): bool {
  if (readBlockPrefix(i, scratch, 64) != 0) return false;
  return sameSig(scratch, sig);
}

/** Index of the block whose signature is the 64 bytes at sig, or -1. A prefix match is confirmed on flash. */
export function findBlock(sig: usize): i32 {
  const k = prefixOf(sig);
  for (let i = 0; i < blockEnd; i++) {
    const e = load<u64>(bTab + (<usize>i << 3));
    if ((e & PREFIX_MASK) == k && e != 0 && blockHasSig(i, sig)) return i;
  }
  return -1;
}

/** Index of the block whose record is at addr, or -1 (no flash read). */
function blockAtAddr(addr: u32): i32 {
  const a = <u64>(addr >> 3);
  for (let i = 0; i < blockEnd; i++) {
    if (((load<u64>(bTab + (<usize>i << 3)) >> A_SHIFT) & A_MASK) == a) return i;
  }
  return -1;
}

/** Index of the block of chain c at height h, or -1. */
function blockAt(c: i32, h: i32): i32 {
  const want = <u64>c | (<u64>h << <u64>CHAIN_BITS);
  const mask = C_MASK | (H_MASK << <u64>CHAIN_BITS);
  for (let i = 0; i < blockEnd; i++) {
    if (((load<u64>(bTab + (<usize>i << 3)) >> C_SHIFT) & mask) == want) return i;
  }
  return -1;
}

/** The lowest free slot (at most blockEnd: this scan stops there, or at the first hole below it), or -1. */
function freeBlockSlot(): i32 {
  for (let i = 0; i < MAX_BLOCKS; i++) if (load<u64>(bTab + (<usize>i << 3)) == 0) return i;
  return -1;
}

/** A new index entry for the block whose signature is at sig and whose record is at addr; not placed in a chain. */
function addBlock(sig: usize, addr: u32): i32 {
  const i = freeBlockSlot();
  if (i < 0) return -1;
  setEnt(i, prefixOf(sig) | (<u64>(addr >> 3) << A_SHIFT) | (<u64>NO_CHAIN << C_SHIFT));
  if (i == blockEnd) blockEnd++;
  blockCount++;
  return i;
}

/** Removes block i from the index (its record stays on flash as garbage). */
function forget(i: i32): void {
  setEnt(i, 0);
  blockCount--;
}

/** Chain c founded by its genesis block i, whose owner key is at offset keyAt of the block at block. */
function found(c: i32, i: i32, block: usize, keyAt: i32): void {
  store<u32>(cKey + (<usize>c << 2), load<u32>(block + <usize>keyAt));
  store<u16>(cGenesis + (<usize>c << 1), <u16>i);
  store<u16>(cKeyAt + (<usize>c << 1), <u16>keyAt);
  setHead(c, i);
}

/** Reads the owner of chain c (32 bytes, from its genesis block) to out. 0 or E_FLASH. */
function readOwner(c: i32, out: usize): i32 {
  return flashRead(addrOf(genesisOf(c)) + RECORD_HEADER + <u32>load<u16>(cKeyAt + (<usize>c << 1)), out, 32);
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
  const a = addrOf(i);
  countLive(a, lenAt(a), -1);
  forget(i);
}

function freeChainSlot(): i32 {
  for (let c = 0; c < MAX_CHAINS; c++) if (headOf(c) < 0) return c;
  return -1;
}

/** Chain owned by the 32-byte key at owner (never scratch), or -1. */
export function findChain(owner: usize): i32 {
  const k = load<u32>(owner);
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (load<u32>(cKey + (<usize>c << 2)) != k || headOf(c) < 0) continue;
    if (readOwner(c, scratch) == 0 && sameKey(scratch, owner)) return c;
  }
  return -1;
}

// ---- tombstones ------------------------------------------------------------------

function tombAddr(t: i32): u32 {
  return (TOMB_WIDE ? load<u32>(tAddr + (<usize>t << 2)) : <u32>load<u16>(tAddr + (<usize>t << 1))) << 3;
}
function setTombAddr(t: i32, a: u32): void {
  if (TOMB_WIDE) store<u32>(tAddr + (<usize>t << 2), a >> 3);
  else store<u16>(tAddr + (<usize>t << 1), <u16>(a >> 3));
}
function tombUsed(t: i32): bool { return tombAddr(t) != 0; }
function tombStamp(t: i32): u32 { return stampAt(tombAddr(t)); }
function tombUntil(t: i32): u64 {
  return flashRead(tombAddr(t) + RECORD_HEADER + 32, scratch, 8) == 0 ? load<u64>(scratch) : 0;
}

// Tombstones come and go in bursts (a collector run evicts many chains at
// once): the search for a free slot goes on from the last one handed out,
// instead of walking past every slot it filled before.
let tombCursor: i32 = 0;

function freeTombSlot(): i32 {
  let t = tombCursor;
  for (let n = 0; n < MAX_TOMBS; n++) {
    if (!tombUsed(t)) {
      tombCursor = t + 1 == MAX_TOMBS ? 0 : t + 1;
      return t;
    }
    t = t + 1 == MAX_TOMBS ? 0 : t + 1;
  }
  return -1;
}

/** Fills tombstone slot t: owner's record at addr. */
function setTomb(t: i32, owner: usize, addr: u32): void {
  store<u16>(tKey + (<usize>t << 1), load<u16>(owner));
  setTombAddr(t, addr);
}

/** Frees tombstone slot t and counts its record as garbage in its sector. */
function dropTomb(t: i32): void {
  countLive(tombAddr(t), TOMB_LEN, -1);
  setTombAddr(t, 0);
}

/** Tombstone of the 32-byte owner at owner (never scratch), or -1. */
function findTomb(owner: usize): i32 {
  const k = load<u16>(owner);
  for (let t = 0; t < MAX_TOMBS; t++) {
    if (load<u16>(tKey + (<usize>t << 1)) != k || !tombUsed(t)) continue;
    if (flashRead(tombAddr(t) + RECORD_HEADER, scratch, 32) == 0 && sameKey(scratch, owner)) return t;
  }
  return -1;
}

/** Tombstone slot whose record is at addr, or -1. */
function tombAtAddr(addr: u32): i32 {
  for (let t = 0; t < MAX_TOMBS; t++) if (tombAddr(t) == addr) return t;
  return -1;
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
  memory.fill(bTab, 0, <usize>MAX_BLOCKS * 8);
  blockEnd = 0;
  memory.fill(cHead, 0xff, <usize>MAX_CHAINS * 2);
  memory.fill(cMoved, 1, <usize>MAX_CHAINS);
  memory.fill(tAddr, 0, <usize>MAX_TOMBS * (TOMB_WIDE ? 4 : 2));
  tombCursor = 0;
  memory.fill(secMinStamp, 0xff, <usize>MAX_SECTORS * 4);
  blockCount = 0;
  maxStamp = 0;
}

/** Reads block i's whole record into recBuf (see readRecord for the result). */
function readBlockRecord(i: i32): i32 {
  const a = addrOf(i);
  return readRecord(sectorOfAddr(a), a % geometry.sectorSize);
}

/** Block i's parent, found by the parent signature in its record; -1 for a genesis block or a parent not stored. Uses recBuf. */
function parentOf(i: i32): i32 {
  if (readBlockRecord(i) <= 0 || recLen > <u32>BLOCK_MAX || !scanWhole(recData, recLen)) return -1;
  const po = parentSigAt();
  if (po < 0 || load<i32>(scanOut + OUT_PSIG_LEN) != 64) return -1;
  return findBlock(recData + <usize>po);
}

/** Mounts the repo on a region of the given geometry: rebuilds the index. 0 or an error. */
export function repoMount(sectorSize: u32, wordSize: u32, regionSize: u32): i32 {
  mounted = false;
  let rc = logGeometry(sectorSize, wordSize, regionSize);
  if (rc != 0) return rc;
  clearTables();
  rc = logMount();
  if (rc != 0) return rc;

  const n = mountedSectors();
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
  // Until a block is placed, its height field holds 1 + its parent's index.
  for (let i = 0; i < blockEnd; i++) {
    if (!used(i) || chainOf(i) != NO_CHAIN || heightOf(i) != 0) continue;
    setHeight(i, parentOf(i) + 1);
  }
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    readOwner(c, tomb);
    const t = findTomb(tomb);
    if (t >= 0 && stampOf(genesisOf(c)) < tombStamp(t)) dropChainAtMount(c);
  }
  // Two live genesis blocks of one owner cannot be written; keep the older if flash says otherwise.
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    readOwner(c, tomb);
    for (let d = c + 1; d < MAX_CHAINS; d++) {
      if (headOf(d) < 0 || load<u32>(cKey + (<usize>c << 2)) != load<u32>(cKey + (<usize>d << 2))) continue;
      if (readOwner(d, scratch) != 0 || !sameKey(scratch, tomb)) continue;
      const younger = stampOf(genesisOf(c)) > stampOf(genesisOf(d)) ? c : d;
      dropChainAtMount(younger);
      if (younger == c) break;
    }
  }
  // Which chain: follow parents to a block that knows its chain; a block whose
  // parents run out (or loop) is dropped, and so, in turn, are its children.
  for (let i = 0; i < blockEnd; i++) {
    if (!used(i) || chainOf(i) != NO_CHAIN) continue;
    const j = chainedAncestor(i);
    if (j < 0) forget(i);
    else setField(i, C_SHIFT, C_MASK, <u64>chainOf(j));
  }
  // Tombstones: a block older than its owner's tombstone is dead (R2), and its children with it (below).
  for (let c = 0; c < MAX_CHAINS; c++) {
    if (headOf(c) < 0) continue;
    readOwner(c, tomb);
    const t = findTomb(tomb);
    if (t < 0) continue;
    const ts = tombStamp(t);
    for (let i = 0; i < blockEnd; i++) {
      if (used(i) && !flagged(i) && chainOf(i) == c && stampOf(i) < ts) forget(i);
    }
  }
  // Heights: a block is one above its parent; one whose path to the genesis is broken goes.
  for (let i = 0; i < blockEnd; i++) {
    if (!used(i) || flagged(i)) continue;
    let d = 0;
    let j = i;
    while (j >= 0 && used(j) && !flagged(j) && d < MAX_BLOCKS) {
      j = heightOf(j) - 1;
      d++;
    }
    const h = j >= 0 && used(j) && flagged(j) ? heightOf(j) + d : HEIGHT_MAX;
    if (h >= HEIGHT_MAX) { forget(i); continue; }
    setHeight(i, h);
    setFlag(i, true);
  }
  // A chain's head is its highest block.
  let placed = 0;
  for (let i = 0; i < blockEnd; i++) {
    if (!used(i)) continue;
    const c = chainOf(i);
    const h = headOf(c);
    if (h < 0 || heightOf(i) > heightOf(h)) setHead(c, i);
    placed++;
  }
  let heights = 0;
  for (let c = 0; c < MAX_CHAINS; c++) if (headOf(c) >= 0) heights += heightOf(headOf(c));
  // Every block's ancestors are all there, so a chain holds at least one
  // block per height up to its head: a fork shows as more blocks than
  // heights. Forks cannot be written, but flash is untrusted: then keep only
  // the path to each head.
  if (placed != heights) keepHeadPaths();
  for (let i = 0; i < blockEnd; i++) {
    if (!used(i)) continue;
    setFlag(i, false);
    // Live bytes per sector, for compaction (logMount zeroed them; nothing above adds any).
    const a = addrOf(i);
    countLive(a, lenAt(a), 1);
  }
  for (let t = 0; t < MAX_TOMBS; t++) if (tombUsed(t)) countLive(tombAddr(t), TOMB_LEN, 1);
  mounted = true;
  return 0;
}

/** The nearest ancestor of unplaced block i (by the parent links in the height fields) that knows its chain, or -1. */
function chainedAncestor(i: i32): i32 {
  let j = i;
  for (let n = 0; n <= MAX_BLOCKS; n++) {
    j = heightOf(j) - 1;
    if (j < 0 || !used(j)) return -1;
    if (chainOf(j) != NO_CHAIN) return j;
  }
  return -1;
}

/** Mount, when flash holds a fork: marks the path from each chain's head down by parent signatures, and drops the rest. */
function keepHeadPaths(): void {
  for (let i = 0; i < blockEnd; i++) if (used(i)) setFlag(i, false);
  for (let c = 0; c < MAX_CHAINS; c++) {
    let i = headOf(c);
    while (i >= 0) {
      setFlag(i, true);
      if (heightOf(i) <= 1) break;
      const p = parentOf(i);
      i = p >= 0 && chainOf(p) == c && heightOf(p) == heightOf(i) - 1 ? p : -1;
    }
  }
  for (let i = 0; i < blockEnd; i++) if (used(i) && !flagged(i)) forget(i);
}

const PASS_ENDS: i32 = 0;
const PASS_TOMBS: i32 = 1;
const PASS_BLOCKS: i32 = 2;

/** One mount pass over every record of the n sectors in mount order (the passes differ only in what a record feeds). Returns the number of block records. */
function mountPass(n: u32, pass: i32, oldestBlock: u32, crowded: bool): i32 {
  let records: i32 = 0;
  for (let j: u32 = 0; j < n; j++) {
    const s = orderAt(j);
    let off = SECTOR_HEADER;
    if (pass != PASS_ENDS) {
      // Pass 1 checked every record up to the sector's end: read only what this pass needs.
      const end = endOf(s);
      while (off < end) {
        const r = readHeader(s, off);
        if (r <= 0) break;
        const addr = s * geometry.sectorSize + off;
        if (pass == PASS_TOMBS && recType == REC_EVICT && recLen == TOMB_LEN) {
          if (readPayload(s, off) == 0) mountTomb(addr, oldestBlock);
        } else if (pass == PASS_BLOCKS && recType == REC_BLOCK) {
          if (readPayload(s, off) == 0) mountBlock(addr, crowded);
        }
        off += <u32>r;
      }
      continue;
    }
    let r = 0;
    while ((r = readRecord(s, off)) > 0) {
      const addr = s * geometry.sectorSize + off;
      if (recStamp > maxStamp) maxStamp = recStamp;
      noteStamp(addr, recType, recStamp);
      if (recType == REC_BLOCK) records++;
      off += <u32>r;
    }
    setEnd(s, off, r == 0);
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
  if (recLen > <u32>BLOCK_MAX || !scanWhole(recData, recLen)) return;
  // A genesis block older than its author's tombstone is dead (R2: its
  // author owns its chain): skip it, so dead chains never crowd out live ones
  // from the chain table. Other blocks only when the index is crowded.
  const ko = authorAt();
  const genesis = parentSigAt() < 0;
  if ((crowded || genesis) && ko >= 0) {
    const t = findTomb(recData + <usize>ko);
    if (t >= 0 && recStamp < tombStamp(t)) return;
  }
  const prev = findBlock(recData);
  if (prev >= 0) {
    // A second copy (compaction was cut before its erase): keep the later one.
    setAddr(prev, addr);
    return;
  }
  const i = addBlock(recData, addr);
  if (i < 0) return; // more blocks on flash than the table holds: the rest are dropped
  if (!genesis) {
    // Link it now when its parent is already in the table (the usual order);
    // pass 4 looks again for those whose parent comes later in the log.
    if (load<i32>(scanOut + OUT_PSIG_LEN) == 64) setHeight(i, findBlock(recData + <usize>parentSigAt()) + 1);
    return;
  }
  {
    // Genesis: it founds a chain, unless its owner already has one (a tombstone settles which one lives).
    if (ko < 0) { forget(i); return; }
    const c = freeChainSlot();
    if (c < 0) { forget(i); return; }
    found(c, i, recData, ko);
    place(i, c, 1);
    setFlag(i, true);
  }
}

function mountTomb(addr: u32, oldestBlock: u32): void {
  let t = findTomb(recData);
  if (t >= 0 && tombStamp(t) > recStamp) return;
  if (t < 0) t = freeTombSlot();
  if (t < 0) {
    // Full: give way to a tombstone that kills something, at the expense of
    // the guard-only one whose time ends first.
    let until: u64 = 0;
    for (let x = 0; x < MAX_TOMBS; x++) {
      if (tombStamp(x) >= oldestBlock) continue;
      const u = tombUntil(x);
      if (t < 0 || u < until) { t = x; until = u; }
    }
    if (t < 0 || (recStamp < oldestBlock && load<u64>(recData, 32) <= until)) return;
  }
  setTomb(t, recData, addr);
}

// ---- operations ------------------------------------------------------------------

// Free sectors kept back from ordinary writes: compaction copies into one;
// the other is there when a power cut sealed a half-used head in the middle
// of a compaction, so that the compaction can start over after mount.
const RESERVE: u32 = 2;
const WEAR_SPREAD: u32 = 4; // erase-count gap that makes compaction move cold blocks

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

/** Copies sector v's live records to the head, then erases it (R4). Each record goes through recBuf whole. */
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
      x = blockAtAddr(addr);
      if (x < 0) continue; // garbage: dead, or an older copy
      stamp = ++maxStamp; // R2: a fresh stamp for a live block
    } else if (type == REC_EVICT && recLen == TOMB_LEN) {
      x = tombAtAddr(addr);
      if (x < 0) continue;
      // R3: drop it only when it has expired and nothing older than it is left.
      if (load<u64>(recData, 32) <= now && recStamp < minBlockStampOnFlash(<i32>v)) {
        setTombAddr(x, 0);
        continue;
      }
      stamp = recStamp; // R2: a copied tombstone keeps its own
    } else continue;
    const moved = put(type, stamp, recData, recLen);
    if (moved < 0) return moved == E_NO_SPACE ? E_FULL : <i32>moved;
    if (type == REC_BLOCK) setAddr(x, <u32>moved);
    else setTombAddr(x, <u32>moved);
  }
  store<u32>(secMinStamp + (v << 2), 0xffffffff);
  return eraseSector(v);
}

/**
 * Frees a tombstone slot when all are taken (R6): only a tombstone whose
 * hold has passed may go. The cheap way first: every such tombstone that
 * guards nothing any more (R3) is dropped. Else the one whose hold ended
 * first goes, after the sectors holding blocks older than it have been
 * compacted (R3: their blocks get fresh stamps, the dead ones vanish, so
 * nothing comes back at the next mount). E_TABLE_FULL when every tombstone
 * still holds its chain off: then nothing is evicted (#12, finding 5).
 */
function reclaimTomb(now: u64): i32 {
  let freed = dropSpentTombs(now);
  if (freed >= 0) return freed;
  let t: i32 = -1;
  let until: u64 = 0;
  for (let x = 0; x < MAX_TOMBS; x++) {
    if (!tombUsed(x)) continue;
    const u = tombUntil(x);
    if (u > now) continue; // R6: its chain may not return yet
    if (t < 0 || u < until) { t = x; until = u; }
  }
  if (t < 0) return E_TABLE_FULL;
  // Its stamp stays what it is while compaction moves its record (R2).
  const stamp = tombStamp(t);
  for (let round: u32 = 0; round <= geometry.sectors; round++) {
    const oldest = oldestSector(-1);
    if (oldest < 0 || minStampOf(<u32>oldest) >= stamp) break; // no block older than the tombstone is left
    if (oldest == headSector) {
      const rc = openSector(); // seal the head so it can be compacted
      if (rc < 0) return rc;
    }
    const rc = compactSector(<u32>oldest, now);
    if (rc < 0) return rc;
    if (!tombUsed(t)) break; // compaction dropped it
  }
  if (tombUsed(t) && stamp < minBlockStampOnFlash(-1)) {
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
 * time); any other block must be by its chain's owner (E_FOREIGN) and
 * extend its head. Returns 1 written, 0 already stored, or an error.
 */
export function repoWrite(ptr: usize, len: u32, now: u64): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  if (len < 66 || !scanWhole(ptr, len)) return E_MALFORMED;
  if (len > <u32>BLOCK_MAX || len > maxPayload()) return E_TOO_LARGE;
  if (findBlock(ptr) >= 0) return 0;
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
    parent = findBlock(ptr + <usize>po);
    if (parent < 0) return E_ORPHAN;
    c = chainOf(parent);
    if (readOwner(c, scratch) != 0 || !sameKey(scratch, ptr + <usize>ko)) return E_FOREIGN;
    if (headOf(c) != parent) return E_FORK;
    if (heightOf(parent) >= HEIGHT_MAX - 1) return E_TABLE_FULL;
  }
  if (freeBlockSlot() < 0) return E_TABLE_FULL;
  const room = makeRoom(len, now);
  if (room < 0) return room;
  if (parent >= 0 && headOf(c) != parent) return E_FORK; // compaction never changes heads; kept as a guard
  const stamp = ++maxStamp;
  const addr = put(REC_BLOCK, stamp, ptr, len);
  if (addr < 0) return <i32>addr;
  // R1: the record is committed; now the index.
  const i = addBlock(ptr, <u32>addr);
  place(i, c, parent >= 0 ? heightOf(parent) + 1 : 1);
  if (parent < 0) found(c, i, ptr, ko);
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
  if (readOwner(c, tomb) != 0) return E_NOT_FOUND;
  let t = findTomb(tomb);
  if (t < 0) t = freeTombSlot();
  if (t < 0) t = reclaimTomb(now);
  if (t < 0) return t;
  store<u64>(tomb, until, 32);
  const before = compactions;
  const room = makeRoom(TOMB_LEN, now);
  if (room < 0) return room;
  if (compactions != before) {
    t = findTomb(tomb); // compaction may have dropped or moved tombstones
    if (t < 0) t = freeTombSlot();
    if (t < 0) return E_TABLE_FULL;
  }
  const stamp = ++maxStamp;
  const addr = put(REC_EVICT, stamp, tomb, TOMB_LEN);
  if (addr < 0) return <i32>addr;
  if (tombUsed(t)) dropTomb(t); // superseded (the slot is refilled below)
  setTomb(t, tomb, <u32>addr);
  // The chain holds one block per height up to its head's: stop at the last.
  const all = heightOf(headOf(c));
  let n = 0;
  for (let i = 0; i < blockEnd && n < all; i++) {
    if (used(i) && chainOf(i) == c) {
      dropBlock(i);
      n++;
    }
  }
  setHead(c, -1);
  return n;
}

/** Copies the block whose signature is at sig to out (up to cap bytes). Its length, or an error. */
export function repoRead(sig: usize, out: usize, cap: u32): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const i = findBlock(sig);
  if (i < 0) return E_NOT_FOUND;
  // The index points only at records that passed their CRC at mount or write; a failure now is flash decay.
  if (readBlockRecord(i) <= 0 || recType != REC_BLOCK || !sameSig(recData, sig)) return E_NOT_FOUND;
  if (recLen > cap) return E_TOO_LARGE;
  memory.copy(out, recData, recLen);
  return <i32>recLen;
}

/**
 * Reads the block whose signature is at sig into the log's record buffer:
 * its length, or E_NOT_FOUND. The block lies at recData (log.ts) until the
 * next repo call; nothing is copied.
 */
export function repoReadInPlace(sig: usize): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const i = findBlock(sig);
  if (i < 0 || readBlockRecord(i) <= 0 || recType != REC_BLOCK || !sameSig(recData, sig)) return E_NOT_FOUND;
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
  const top = heightOf(headOf(c));
  let used: u32 = 4;
  let count = 0;
  for (let h = max(from, 1); h <= top; h++) {
    const i = blockAt(c, h);
    if (i < 0) return E_NOT_FOUND;
    if (used + lenAt(addrOf(i)) > cap) break;
    if (readBlockRecord(i) <= 0) return E_NOT_FOUND;
    memory.copy(out + used, recData, recLen);
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
    if (readOwner(c, out + used) != 0) return E_NOT_FOUND;
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
  return findBlock(sig) >= 0;
}

/** Writes the owner (32 bytes) of the chain holding the block with signature sig to out; returns the block's height. */
export function repoOwnerOf(sig: usize, out: usize): i32 {
  if (!mounted) return E_NOT_MOUNTED;
  const i = findBlock(sig);
  if (i < 0) return E_NOT_FOUND;
  if (readOwner(chainOf(i), out) != 0) return E_NOT_FOUND;
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
    if (seen++ == n) return readOwner(c, out) == 0;
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

/**
 * The owner of the chain in slot c (32 bytes, read from flash; zeros when
 * the slot is free). The answer stays valid until the second-next call:
 * two owners can be compared.
 */
export function repoSlotOwner(c: i32): usize {
  const out = ownerRing + (ringNext << 5);
  ringNext ^= 1;
  if (repoSlotHeight(c) == 0 || readOwner(c, out) != 0) memory.fill(out, 0, 32);
  return out;
}

/** Reads the head signature of the chain in slot c to out. 0 or an error. */
export function repoSlotHead(c: i32, out: usize): i32 {
  if (repoSlotHeight(c) == 0) return E_NOT_FOUND;
  return readBlockPrefix(headOf(c), out, 64);
}

/** Whether the head of slot c (0 <= c < MAX_CHAINS) was set since repoSlotSeen(c) or the mount: see cMoved. */
export function repoSlotMoved(c: i32): bool { return load<u8>(cMoved + <usize>c) != 0; }

/** The chain-set view took in slot c's head as it is now (0 <= c < MAX_CHAINS; clears cMoved's byte). */
export function repoSlotSeen(c: i32): void { store<u8>(cMoved + <usize>c, 0); }

/** Free block slots: how many more blocks the index takes before something must be evicted. */
export function repoFreeBlocks(): i32 {
  return MAX_BLOCKS - blockCount;
}

/** Free chain slots: how many more chains the store can found before something must be evicted. */
export function repoFreeChains(): i32 {
  let n = 0;
  for (let c = 0; c < MAX_CHAINS; c++) if (headOf(c) < 0) n++;
  return n;
}
