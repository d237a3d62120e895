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
//   L1 A record is written with one program call. If power fails inside it,
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

import { crc32 } from './crc32';
import { geometry, flashRead, flashProgram, flashErase, E_FLASH } from './flash';

export const MAX_SECTORS: u32 = 256;
export const MAX_SECTOR_SIZE: u32 = 4096;
export const SECTOR_HEADER: u32 = 16;
export const RECORD_HEADER: u32 = 16;
export const ALIGN: u32 = 8;
const MAGIC: u32 = 0x31534250; // "PBS1"

export const E_GEOMETRY: i32 = -41; // sector size, word size or region size unusable
export const E_NO_SPACE: i32 = -42; // no free sector to open (the repo compacts first)
export const E_RECORD_SIZE: i32 = -43; // a record larger than a sector can hold

// Sector states (RAM only).
export const FREE: u8 = 0; // blank-checked or to be erased before use
export const HEAD: u8 = 1; // open for appends
export const SEALED: u8 = 2; // full or closed; read-only until compacted
export const GARBAGE: u8 = 3; // header unreadable: erase before use

const secState: usize = memory.data(<i32>(MAX_SECTORS));
const secSeq: usize = memory.data(<i32>(MAX_SECTORS * 4));
const secErases: usize = memory.data(<i32>(MAX_SECTORS * 4));
const secEnd: usize = memory.data(<i32>(MAX_SECTORS * 4)); // end of the last valid record
export const secLive: usize = memory.data(<i32>(MAX_SECTORS * 4)); // bytes of live records (the repo keeps it)

export let headSector: i32 = -1;
let maxSeq: u32 = 0;

/** A record read back: header fields and the payload in `recBuf`. */
export const recBuf: usize = memory.data(<i32>(MAX_SECTOR_SIZE));
export let recType: u8 = 0;
export let recLen: u32 = 0;
export let recStamp: u32 = 0;
const hdr: usize = memory.data(<i32>(RECORD_HEADER));

export function state(s: u32): u8 { return load<u8>(secState + s); }
export function seqOf(s: u32): u32 { return load<u32>(secSeq + (s << 2)); }
export function erasesOf(s: u32): u32 { return load<u32>(secErases + (s << 2)); }
export function endOf(s: u32): u32 { return load<u32>(secEnd + (s << 2)); }
export function liveOf(s: u32): u32 { return load<u32>(secLive + (s << 2)); }
export function addLive(s: u32, delta: i32): void {
  store<u32>(secLive + (s << 2), <u32>(<i32>liveOf(s) + delta));
}

/** Sector s in state st with nothing written after its header (as far as the RAM tables know). */
function resetSector(s: u32, st: u8): void {
  store<u8>(secState + s, st);
  store<u32>(secEnd + (s << 2), SECTOR_HEADER);
  store<u32>(secLive + (s << 2), 0);
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

// Its own buffer: a blank check can happen while recBuf holds a record being copied.
const BLANK_CHUNK: u32 = 256;
const blankBuf: usize = memory.data(<i32>(BLANK_CHUNK));

/** True when the len bytes (a multiple of 4) at ptr in RAM are all 0xFF. */
function ones(ptr: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i += 4) if (load<u32>(ptr + i) != 0xffffffff) return false;
  return true;
}

/** True when len bytes at addr all read 0xFF. */
function blank(addr: u32, len: u32): bool {
  while (len > 0) {
    const n = min(len, BLANK_CHUNK);
    if (flashRead(addr, blankBuf, n) != 0 || !ones(blankBuf, n)) return false;
    addr += n;
    len -= n;
  }
  return true;
}

/** Reads every sector header and classifies the sectors. 0 or E_FLASH. */
export function logMount(): i32 {
  headSector = -1;
  maxSeq = 0;
  let minErases: u32 = 0xffffffff;
  const size = geometry.sectorSize;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (flashRead(s * size, hdr, SECTOR_HEADER) != 0) return E_FLASH;
    // Sequence and erase count are set below for readable sectors; a
    // sector that is not readable gets its erase count after the loop, and
    // its sequence number is never read before openSector sets it.
    resetSector(s, FREE); // blank-checked when opened
    if (ones(hdr, SECTOR_HEADER)) continue;
    if (load<u32>(hdr) != MAGIC || crc32(0, hdr, 12) != load<u32>(hdr, 12)) {
      store<u8>(secState + s, GARBAGE);
      continue;
    }
    const seq = load<u32>(hdr, 4);
    store<u8>(secState + s, SEALED);
    store<u32>(secSeq + (s << 2), seq);
    store<u32>(secErases + (s << 2), load<u32>(hdr, 8));
    if (load<u32>(hdr, 8) < minErases) minErases = load<u32>(hdr, 8);
    if (headSector < 0 || seq > maxSeq) {
      headSector = <i32>s;
      maxSeq = seq;
    }
  }
  if (minErases == 0xffffffff) minErases = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (state(s) != SEALED) store<u32>(secErases + (s << 2), minErases);
  }
  if (headSector >= 0) store<u8>(secState + <u32>headSector, HEAD);
  return 0;
}

/**
 * Reads the record at offset off of sector s. Returns its aligned size,
 * 0 at the end of the written part, or -1 for a torn or corrupt record
 * (the rest of the sector is not to be trusted). Fills recType, recLen,
 * recStamp and recBuf.
 */
export function readRecord(s: u32, off: u32): i32 {
  const size = geometry.sectorSize;
  if (off + RECORD_HEADER > size) return 0;
  const addr = s * size + off;
  if (flashRead(addr, hdr, RECORD_HEADER) != 0) return -1;
  if (ones(hdr, RECORD_HEADER)) return 0;
  const len = <u32>load<u16>(hdr, 2);
  if (load<u8>(hdr, 1) != 0xff || load<u32>(hdr, 8) != 0xffffffff) return -1;
  if (off + recordSize(len) > size) return -1;
  if (flashRead(addr + RECORD_HEADER, recBuf, len) != 0) return -1;
  const crc = crc32(crc32(0, hdr, 12), recBuf, len);
  if (crc != load<u32>(hdr, 12)) return -1;
  recType = load<u8>(hdr);
  recLen = len;
  recStamp = load<u32>(hdr, 4);
  return <i32>recordSize(len);
}

/** After the repo has scanned sector s up to `end`: decides whether the head may append there (L3). */
export function setEnd(s: u32, end: u32, clean: bool): void {
  store<u32>(secEnd + (s << 2), end);
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

/** Seals the head and opens the free sector with the fewest erases (wear levelling). */
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
  store<u32>(hdr, MAGIC);
  store<u32>(hdr, maxSeq, 4);
  store<u32>(hdr, erasesOf(s), 8);
  store<u32>(hdr, crc32(0, hdr, 12), 12);
  if (flashProgram(s * size, hdr, SECTOR_HEADER) != 0) return E_FLASH;
  store<u32>(secSeq + (s << 2), maxSeq);
  resetSector(s, HEAD);
  headSector = <i32>s;
  return 0;
}

const out: usize = memory.data(<i32>(MAX_SECTOR_SIZE));

/**
 * Appends a record to the head sector (which must have room: see
 * headFits/openSector). Returns its address (sector * size + offset), or
 * a negative code.
 */
export function append(type: u8, stamp: u32, ptr: usize, len: u32): i64 {
  if (len > maxPayload()) return E_RECORD_SIZE;
  if (!headFits(len)) return E_NO_SPACE;
  const s = <u32>headSector;
  const off = endOf(s);
  const total = recordSize(len);
  store<u8>(out, type);
  store<u8>(out, 0xff, 1);
  store<u16>(out, <u16>len, 2);
  store<u32>(out, stamp, 4);
  store<u32>(out, 0xffffffff, 8);
  memory.copy(out + RECORD_HEADER, ptr, len);
  store<u32>(out, crc32(crc32(0, out, 12), ptr, len), 12);
  memory.fill(out + RECORD_HEADER + len, 0xff, total - RECORD_HEADER - len);
  const addr = s * geometry.sectorSize + off;
  if (flashProgram(addr, out, total) != 0) return E_FLASH;
  store<u32>(secEnd + (s << 2), off + total);
  addLive(s, <i32>total);
  return <i64>addr;
}

/** Sequence-ordered list of readable sectors (sealed and head) into order[]; returns the count. */
export function sectorsBySeq(order: usize): u32 {
  let n: u32 = 0;
  for (let s: u32 = 0; s < geometry.sectors; s++) {
    if (unused(s)) continue;
    // insertion sort: at most 256 sectors, once per mount
    let i = n;
    while (i > 0 && seqOf(load<u16>(order + ((i - 1) << 1))) > seqOf(s)) {
      store<u16>(order + (i << 1), load<u16>(order + ((i - 1) << 1)));
      i--;
    }
    store<u16>(order + (i << 1), <u16>s);
    n++;
  }
  return n;
}
