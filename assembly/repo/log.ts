// The log: records appended to flash sectors, each sector stamped with a
// sequence number when it is opened. The repo (repo.ts) decides what the
// records mean; this file only knows how to write them so that a power cut
// can never produce a record that reads back as committed but is not.
//
// Sector layout:
//   0   header: magic u32 | seq u32 | erases u32 | crc32(first 12 bytes) u32
//   16  records, each 8-byte aligned:
//         type u8 | 0xff u8 | len u16 | stamp u32 | 0xffffffff u32 | crc32 u32 | payload(len) | 0xff pad
//       crc32 covers the first 12 header bytes and the payload.
//   an all-0xFF record header marks where the free space starts.
//
// Invariants (each is checked by the power-loss test, which cuts power at
// every program and erase of a long workload):
//   L1 A record is written with one program call (header and payload are
//      assembled in recBuf, which holds the largest record: BLOCK_MAX). If power fails inside it,
//      its CRC does not match (or its header still reads erased and so does
//      everything after it), so it is not read back; nothing written before
//      it is touched, because programs only ever go to erased cells past the
//      end of the log.
//   L2 A sector is usable only after its header is programmed with a CRC,
//      and the header is programmed only on a sector that reads all 0xFF.
//      An erase that was cut short leaves a sector whose header fails its
//      CRC (garbage) or reads blank but is not (the blank check catches it):
//      either way it is erased again before use.
//   L3 Records are appended only to the head sector (highest sequence), and
//      only after the last valid record when every byte after it is still
//      0xFF; otherwise the head is sealed and a fresh sector is opened.
//   L4 The sequence number of a new sector is one more than any seen, so
//      mount orders sectors the way they were written.
// Erase counts live in the sector headers; a sector found blank at mount
// gets the lowest count seen, which is close (it was erased, then power cut
// before its header).
//
// RAM: per sector a state byte, the erase count (u32), the end of the
// written part and the live bytes (u16 each: a sector is at most 4 KiB) and
// its place in the mount order (u8): 10 B. Sequence numbers are needed only
// at mount, to order the sectors: they are sorted in recBuf then.

import { crc32 } from './crc32';
import { geometry, flashRead, flashProgram, flashErase, E_FLASH } from './flash';
import { BLOCK_MAX, MAX_SECTORS as PROFILE_SECTORS, MAX_SECTOR_SIZE as PROFILE_SECTOR_SIZE } from '../profile';

export const MAX_SECTORS: u32 = <u32>PROFILE_SECTORS;
export const MAX_SECTOR_SIZE: u32 = <u32>PROFILE_SECTOR_SIZE;
export const SECTOR_HEADER: u32 = 16;
export const RECORD_HEADER: u32 = 16;
export const ALIGN: u32 = 8;
const MAGIC: u32 = 0x31534250; // "PBS1"

// The order table holds sector numbers as bytes.
// @ts-ignore: compile-time check
if (MAX_SECTORS > 256) ERROR('MAX_SECTORS above 256: widen the mount order table');

export const E_GEOMETRY: i32 = -41; // sector size, word size or region size unusable
export const E_NO_SPACE: i32 = -42; // no free sector to open (the repo compacts first)
export const E_RECORD_SIZE: i32 = -43; // a record larger than a sector (or recBuf) can hold

// Sector states (RAM only).
export const FREE: u8 = 0; // blank-checked or to be erased before use
export const HEAD: u8 = 1; // open for appends
export const SEALED: u8 = 2; // full or closed; read-only until compacted
export const GARBAGE: u8 = 3; // header unreadable: erase before use

const secState: usize = memory.data(<i32>(MAX_SECTORS));
const secErases: usize = memory.data(<i32>(MAX_SECTORS * 4));
const secEnd: usize = memory.data(<i32>(MAX_SECTORS * 2)); // end of the last valid record
const secLive: usize = memory.data(<i32>(MAX_SECTORS * 2)); // bytes of live records (the repo keeps it)
const order: usize = memory.data(<i32>(MAX_SECTORS)); // readable sectors by sequence, built at mount
let orderCount: u32 = 0;

export let headSector: i32 = -1;
let maxSeq: u32 = 0;

/**
 * The one record buffer: a record read back (header, then payload at
 * recData) or a record being assembled for one program call (L1). It holds
 * a record of BLOCK_MAX bytes, the largest the repo writes.
 */
export const RECBUF_SIZE: u32 = RECORD_HEADER + ((<u32>BLOCK_MAX + ALIGN - 1) & ~(ALIGN - 1));
export const recBuf: usize = memory.data(<i32>RECBUF_SIZE);
export const recData: usize = recBuf + RECORD_HEADER;
export let recType: u8 = 0;
export let recLen: u32 = 0;
export let recStamp: u32 = 0;
// @ts-ignore: compile-time check
if (MAX_SECTORS * 4 > RECBUF_SIZE) ERROR('the mount sort keeps sequence numbers in recBuf');

/**
 * Small scratch for sector headers, blank checks and signature checks: any
 * function may use it, none keeps anything in it across a call.
 */
export const SCRATCH: u32 = 64;
export const scratch: usize = memory.data(<i32>SCRATCH);

export function state(s: u32): u8 { return load<u8>(secState + s); }
export function erasesOf(s: u32): u32 { return load<u32>(secErases + (s << 2)); }
export function endOf(s: u32): u32 { return <u32>load<u16>(secEnd + (s << 1)); }
export function liveOf(s: u32): u32 { return <u32>load<u16>(secLive + (s << 1)); }
export function addLive(s: u32, delta: i32): void {
  store<u16>(secLive + (s << 1), <u16>(<i32>liveOf(s) + delta));
}

/** Sector s in state st with nothing written after its header (as far as the RAM tables know). */
function resetSector(s: u32, st: u8): void {
  store<u8>(secState + s, st);
  store<u16>(secEnd + (s << 1), <u16>SECTOR_HEADER);
  store<u16>(secLive + (s << 1), 0);
}

export function recordSize(len: u32): u32 {
  return (RECORD_HEADER + len + ALIGN - 1) & ~(ALIGN - 1);
}

/** Largest payload a record can carry. */
export function maxPayload(): u32 {
  return geometry.sectorSize - SECTOR_HEADER - RECORD_HEADER;
}

/** Validates and records the geometry. 0 or E_GEOMETRY. */
export function logGeometry(sectorSize: u32, wordSize: u32, regionSize: u32): i32 {
  if (wordSize == 0 || wordSize > ALIGN || (ALIGN % wordSize) != 0) return E_GEOMETRY;
  if (sectorSize < 512 || sectorSize > MAX_SECTOR_SIZE || (sectorSize & (sectorSize - 1)) != 0) return E_GEOMETRY;
  if (regionSize % sectorSize != 0) return E_GEOMETRY;
  const n = regionSize / sectorSize;
  if (n < 3 || n > MAX_SECTORS) return E_GEOMETRY;
  geometry.sectorSize = sectorSize;
  geometry.wordSize = wordSize;
  geometry.sectors = n;
  return 0;
}

/** True when the len bytes (a multiple of 4) at ptr in RAM are all 0xFF. */
function ones(ptr: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i += 4) if (load<u32>(ptr + i) != 0xffffffff) return false;
  return true;
}

/** True when len bytes at addr all read 0xFF (read through scratch, which recBuf's contents survive). */
function blank(addr: u32, len: u32): bool {
  while (len > 0) {
    const n = min(len, SCRATCH);
    if (flashRead(addr, scratch, n) != 0 || !ones(scratch, n)) return false;
    addr += n;
    len -= n;
  }
  return true;
}

/**
 * Reads every sector header, classifies the sectors, and orders the
 * readable ones by sequence number (orderCount, orderAt). 0 or E_FLASH.
 */
export function logMount(): i32 {
  headSector = -1;
  maxSeq = 0;
  orderCount = 0;
  let minErases: u32 = 0xffffffff;
  const size = geometry.sectorSize;
  const seqs = recBuf; // sequence numbers by order position, while sorting
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (flashRead(s * size, scratch, SECTOR_HEADER) != 0) return E_FLASH;
    // The erase count is set below for readable sectors; a sector that is
    // not readable gets its erase count after the loop.
    resetSector(s, FREE); // blank-checked when opened
    if (ones(scratch, SECTOR_HEADER)) continue;
    if (load<u32>(scratch) != MAGIC || crc32(0, scratch, 12) != load<u32>(scratch, 12)) {
      store<u8>(secState + s, GARBAGE);
      continue;
    }
    const seq = load<u32>(scratch, 4);
    const erases = load<u32>(scratch, 8);
    store<u8>(secState + s, SEALED);
    store<u32>(secErases + (s << 2), erases);
    if (erases < minErases) minErases = erases;
    if (headSector < 0 || seq > maxSeq) {
      headSector = <i32>s;
      maxSeq = seq;
    }
    // insertion sort by sequence: at most MAX_SECTORS sectors, once per mount
    let i = orderCount;
    while (i > 0 && load<u32>(seqs + ((i - 1) << 2)) > seq) {
      store<u8>(order + i, load<u8>(order + i - 1));
      store<u32>(seqs + (i << 2), load<u32>(seqs + ((i - 1) << 2)));
      i--;
    }
    store<u8>(order + i, <u8>s);
    store<u32>(seqs + (i << 2), seq);
    orderCount++;
  }
  if (minErases == 0xffffffff) minErases = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (state(s) != SEALED) store<u32>(secErases + (s << 2), minErases);
  }
  if (headSector >= 0) store<u8>(secState + <u32>headSector, HEAD);
  return 0;
}

/** Readable sectors found by the last logMount, and the j-th of them in write (sequence) order. */
export function mountedSectors(): u32 { return orderCount; }
export function orderAt(j: u32): u32 { return <u32>load<u8>(order + j); }

/**
 * Reads the record at offset off of sector s. Returns its aligned size,
 * 0 at the end of the written part, or -1 for a torn or corrupt record
 * (the rest of the sector is not to be trusted). Fills recType, recLen,
 * recStamp and recBuf. A record longer than recBuf holds (written by a
 * build with a larger BLOCK_MAX) is checked in pieces; recData then holds
 * only its first BLOCK_MAX bytes, and recLen says how long it is.
 */
export function readRecord(s: u32, off: u32): i32 {
  const size = geometry.sectorSize;
  if (off + RECORD_HEADER > size) return 0;
  const addr = s * size + off;
  if (flashRead(addr, recBuf, RECORD_HEADER) != 0) return -1;
  if (ones(recBuf, RECORD_HEADER)) return 0;
  const len = <u32>load<u16>(recBuf, 2);
  if (load<u8>(recBuf, 1) != 0xff || load<u32>(recBuf, 8) != 0xffffffff) return -1;
  if (off + recordSize(len) > size) return -1;
  const cap = RECBUF_SIZE - RECORD_HEADER;
  let crc = crc32(0, recBuf, 12);
  let done: u32 = 0;
  while (done < len) {
    const n = min(len - done, cap);
    if (flashRead(addr + RECORD_HEADER + done, recData, n) != 0) return -1;
    crc = crc32(crc, recData, n);
    done += n;
  }
  if (crc != load<u32>(recBuf, 12)) return -1;
  if (len > cap && flashRead(addr + RECORD_HEADER, recData, cap) != 0) return -1;
  recType = load<u8>(recBuf);
  recLen = len;
  recStamp = load<u32>(recBuf, 4);
  return <i32>recordSize(len);
}

/**
 * Reads the header of a record already checked by readRecord (below the
 * end that setEnd recorded): fills recType, recLen and recStamp, and
 * returns its aligned size. Mount's later passes use it to skip records
 * they do not need without reading and checking them again.
 */
export function readHeader(s: u32, off: u32): i32 {
  if (flashRead(s * geometry.sectorSize + off, recBuf, RECORD_HEADER) != 0) return -1;
  recType = load<u8>(recBuf);
  recLen = <u32>load<u16>(recBuf, 2);
  recStamp = load<u32>(recBuf, 4);
  return <i32>recordSize(recLen);
}

/** Reads the payload of the record whose header readHeader just read (its first BLOCK_MAX bytes) to recData. 0 or E_FLASH. */
export function readPayload(s: u32, off: u32): i32 {
  return flashRead(s * geometry.sectorSize + off + RECORD_HEADER, recData, min(recLen, RECBUF_SIZE - RECORD_HEADER));
}

/** After the repo has scanned sector s up to `end`: decides whether the head may append there (L3). */
export function setEnd(s: u32, end: u32, clean: bool): void {
  store<u16>(secEnd + (s << 1), <u16>end);
  if (<i32>s == headSector && (!clean || !blank(s * geometry.sectorSize + end, geometry.sectorSize - end))) {
    store<u8>(secState + s, SEALED);
    headSector = -1;
  }
}

/** True when sector s is free or garbage: no readable records, can be opened. Otherwise it is sealed or the head (state HEAD exactly when s == headSector). */
export function unused(s: u32): bool {
  const st = state(s);
  return st == FREE || st == GARBAGE;
}

/** Free sectors, counting garbage ones (erased before use). */
export function freeSectors(): u32 {
  let n: u32 = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) if (unused(s)) n++;
  return n;
}

/** True when a record of len payload bytes fits in the head sector as it is. */
export function headFits(len: u32): bool {
  return headSector >= 0 && endOf(<u32>headSector) + recordSize(len) <= geometry.sectorSize;
}

/** Erases sector s and marks it free (L2: its header comes later, on open). */
export function eraseSector(s: u32): i32 {
  if (flashErase(s) != 0) return E_FLASH;
  store<u32>(secErases + (s << 2), erasesOf(s) + 1);
  resetSector(s, FREE);
  if (<i32>s == headSector) headSector = -1;
  return 0;
}

/** Seals the head and opens the free sector with the fewest erases (wear levelling). Leaves recBuf alone. */
export function openSector(): i32 {
  let best: i32 = -1;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (unused(s) && (best < 0 || erasesOf(s) < erasesOf(<u32>best))) best = <i32>s;
  }
  if (best < 0) return E_NO_SPACE;
  const s = <u32>best;
  const size = geometry.sectorSize;
  if (state(s) == GARBAGE || !blank(s * size, size)) {
    if (eraseSector(s) != 0) return E_FLASH;
  }
  if (headSector >= 0) store<u8>(secState + <u32>headSector, SEALED);
  maxSeq++;
  store<u32>(scratch, MAGIC);
  store<u32>(scratch, maxSeq, 4);
  store<u32>(scratch, erasesOf(s), 8);
  store<u32>(scratch, crc32(0, scratch, 12), 12);
  if (flashProgram(s * size, scratch, SECTOR_HEADER) != 0) return E_FLASH;
  resetSector(s, HEAD);
  headSector = <i32>s;
  return 0;
}

/**
 * Appends a record to the head sector (which must have room: see
 * headFits/openSector). The payload may already be at recData (a record
 * read back and copied by compaction). Returns its address
 * (sector * size + offset), or a negative code.
 */
export function append(type: u8, stamp: u32, ptr: usize, len: u32): i64 {
  if (len > maxPayload() || len > RECBUF_SIZE - RECORD_HEADER) return E_RECORD_SIZE;
  if (!headFits(len)) return E_NO_SPACE;
  const s = <u32>headSector;
  const off = endOf(s);
  const total = recordSize(len);
  store<u8>(recBuf, type);
  store<u8>(recBuf, 0xff, 1);
  store<u16>(recBuf, <u16>len, 2);
  store<u32>(recBuf, stamp, 4);
  store<u32>(recBuf, 0xffffffff, 8);
  if (ptr != recData) memory.copy(recData, ptr, len);
  store<u32>(recBuf, crc32(crc32(0, recBuf, 12), recData, len), 12);
  memory.fill(recData + len, 0xff, total - RECORD_HEADER - len);
  const addr = s * geometry.sectorSize + off;
  if (flashProgram(addr, recBuf, total) != 0) return E_FLASH;
  store<u16>(secEnd + (s << 1), <u16>(off + total));
  addLive(s, <i32>total);
  return <i64>addr;
}
