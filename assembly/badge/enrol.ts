// The badge's own enrolment (docs/SYNC.md §6.1, store/enrol.ts): the
// organiser's desk signs a cert for the badge's key with the event key
// (host/enrol.ts, `picobadge enrol`), the firmware hands it over
// (badge_enrol), and the badge founds its chain with it: the genesis of its
// chain is the enrol block `["enrol", bytes(cert), date]`, so every
// neighbour that knows the event key admits the chain as enrolled, whatever
// the number of made-up keys around (GUEST_MAX).
// The enrol block is written just before the badge's first post, in the
// same call (post.ts), not when the cert arrives: a chain that holds only an
// enrol block holds no state, so no expiry would ever take it from the
// neighbours that copied it, and attendees who never post would fill the
// mesh's chain slots. The cert is kept so that a chain founded again
// (after the collector evicted the old one when its states expired) starts
// with it too.
// The cert is kept on flash too, in the identity sector after the identity
// record (identity.ts), so a badge enrolled at the desk (`picobadge enrol`
// over the board RPC) stays enrolled through power cuts before its first
// post. Records, at ENROL_AT + k x ENROL_REC for k < ENROL_SLOTS:
//   magic "PBEN" (u32 LE 0x4e454250) | version u32 (1) | cert (64) | CRC-32 of the 72 bytes before it | 0xFF x 8
// programmed into the first blank slot (NOR flash programs erased bytes
// without an erase, so the identity record is never touched); the last
// valid one is the badge's cert. A new identity erases the sector, certs
// and all (a cert names one key).
// Invariants:
//   M1 held is true only when item holds a cert that verified for this
//      badge's key under the event key (badge_enrol checked it), or one read
//      from a valid record on flash, written only after that check (as a
//      stored block's signature, it is not checked again at start).
//   M2 A power cut while a record is programmed leaves a record that fails
//      its CRC and is not blank: it is skipped, the cert held before stays
//      the badge's, and the next badge_enrol writes the next slot. With every
//      slot used (ENROL_SLOTS enrolments of one identity) the cert is held
//      in RAM only, until the next start.

import { certValid, enrolled, CERT_BYTES } from '../store/enrol';
import { repoChainIndex } from '../repo/repo';
import { publicKeyOf } from './identity';
import { crc32 } from '../repo/crc32';
import { flashRead, flashProgram, geometry } from '../repo/flash';
import { scratch, scratchTake } from './scratch';

const MAGIC: u32 = 0x4e454250;
const VERSION: u32 = 1;
const ENROL_AT: u32 = 64; // past the identity record (48 B)
const ENROL_REC: u32 = 80;
const ENROL_SLOTS: u32 = 8;
let sectorAt: u32 = 0; // the identity sector's address (enrolLoad)

export const E_ENROL: i32 = -76; // the cert does not verify for this badge's key under the event key (or no event key)
export const E_ENROL_LATE: i32 = -77; // the badge's chain already started without an enrol block

// A post's input as post.ts takes it: u8 name length | "enrol" | CBOR bytes(64) head 0x58 0x40 | cert.
export const ENROL_ITEM: u32 = 1 + 5 + 2 + CERT_BYTES;
export const enrolItem: usize = memory.data(<i32>ENROL_ITEM);
let held = false;

/** The slots the identity sector has room for (a small sector has fewer). */
function slots(): u32 {
  const size = geometry.sectorSize;
  return size <= ENROL_AT ? 0 : min(ENROL_SLOTS, (size - ENROL_AT) / ENROL_REC);
}

/** Whether the record at r (ENROL_REC bytes) is valid. */
function valid(r: usize): bool {
  return load<u32>(r) == MAGIC && load<u32>(r, 4) == VERSION && load<u32>(r, 72) == crc32(0, r, 72);
}

/** Whether the record at r is erased (all 0xFF): a slot to program. */
function blank(r: usize): bool {
  for (let i: usize = 0; i < <usize>ENROL_REC; i += 8) if (load<u64>(r + i) != 0xffffffffffffffff) return false;
  return true;
}

/** badge_init: forgets the cert, then holds the last valid one on flash in the identity sector at `addr` (M1). */
export function enrolLoad(addr: u32): void {
  held = false;
  sectorAt = addr;
  scratchTake();
  for (let k: u32 = 0, n = slots(); k < n; k++) {
    if (flashRead(addr + ENROL_AT + k * ENROL_REC, scratch, ENROL_REC) != 0) return;
    if (!valid(scratch)) continue;
    setItem(scratch + 8);
  }
}

function setItem(cert: usize): void {
  store<u64>(enrolItem, 0x4058_6c6f_726e_6505); // 5 "enrol" 0x58 0x40, little-endian
  memory.copy(enrolItem + 8, cert, <usize>CERT_BYTES);
  held = true;
}

/** Writes the cert held into the first blank slot (M2); false when none is left or the write failed. */
function persist(): bool {
  scratchTake();
  const r = scratch;
  const check = scratch + <usize>ENROL_REC;
  for (let k: u32 = 0, n = slots(); k < n; k++) {
    const at = sectorAt + ENROL_AT + k * ENROL_REC;
    if (flashRead(at, r, ENROL_REC) != 0) return false;
    if (!blank(r)) continue;
    store<u32>(r, MAGIC);
    store<u32>(r, VERSION, 4);
    memory.copy(r + 8, enrolItem + 8, <usize>CERT_BYTES);
    store<u32>(r, crc32(0, r, 72), 72);
    if (flashProgram(at, r, ENROL_REC) != 0 || flashRead(at, check, ENROL_REC) != 0) return false;
    return valid(check) && load<u64>(check + 8) == load<u64>(r + 8);
  }
  return false;
}

/** True when a cert is held: the badge's next chain starts with it (post.ts). */
export function enrolHeld(): bool { return held; }

/**
 * Takes the cert (64 bytes at p). 1 taken: the chain is empty, its genesis
 * will be the enrol block, written with the first post; 0 taken, the chain
 * already starts with an enrol block; E_ENROL_LATE the chain started
 * without one (re-enrolment waits for the collector to evict it);
 * E_ENROL when the cert does not verify (or no event key is known).
 */
export function enrolTake(p: usize): i32 {
  if (!certValid(p, publicKeyOf)) return E_ENROL;
  const c = repoChainIndex(publicKeyOf);
  if (c >= 0 && !enrolled(c)) return E_ENROL_LATE;
  const same = held && memory.compare(enrolItem + 8, p, <usize>CERT_BYTES) == 0;
  if (!same) {
    setItem(p);
    persist(); // held in RAM even when no slot is left (M2)
  }
  return c < 0 ? 1 : 0;
}
