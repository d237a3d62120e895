// The badge's identity: an Ed25519 key pair whose 32-byte seed comes from
// the host's entropy import the first time the badge starts, and lives in
// the last sector of the flash region from then on (the block store mounts
// on the sectors before it). Record, at offset 0 of that sector:
//   magic "PBID" (u32 LE 0x44494250) | version u32 (1) | seed (32) | CRC-32 of the 40 bytes before it | 0xFF × 4
// Power cuts: the sector is erased, then the record programmed, then read
// back. A cut anywhere in between leaves a record that fails its CRC, so the
// next start makes a new identity; nothing was signed with the lost one.

import { crc32 } from '../repo/crc32';
import { flashRead, flashProgram, flashErase, geometry } from '../repo/flash';
import { publicKey } from '../crypto/ed25519';
import { scratch, scratchTake } from './scratch';

@external("env", "host_entropy")
export declare function hostEntropy(ptr: usize, len: u32): i32;

const MAGIC: u32 = 0x44494250;
const VERSION: u32 = 1;
const RECORD: u32 = 48;

export const E_ENTROPY: i32 = -70; // the host's entropy import failed

const record: usize = memory.data(<i32>(<usize>RECORD));
// The record read back is checked in the scratch buffer (scratch.ts): nothing else uses it while the badge starts.
export const seed: usize = memory.data(<i32>(32));
export const publicKeyOf: usize = memory.data(<i32>(32));
let fresh: bool = false;

function valid(r: usize): bool {
  return load<u32>(r) == MAGIC && load<u32>(r, 4) == VERSION && load<u32>(r, 40) == crc32(0, r, 40);
}

/**
 * Loads the identity from the sector at `sector` (an index in the flash
 * geometry set up by the caller), or creates and stores one. 0 or an error.
 */
export function identityLoad(sector: u32): i32 {
  const addr = sector * geometry.sectorSize;
  fresh = false;
  if (flashRead(addr, record, RECORD) != 0) return -40;
  if (!valid(record)) {
    if (hostEntropy(seed, 32) != 0) return E_ENTROPY;
    memory.fill(record, 0xff, <usize>RECORD);
    store<u32>(record, MAGIC);
    store<u32>(record, VERSION, 4);
    memory.copy(record + 8, seed, 32);
    store<u32>(record, crc32(0, record, 40), 40);
    let rc = flashErase(sector);
    if (rc == 0) rc = flashProgram(addr, record, RECORD);
    const check = scratch;
    scratchTake();
    if (rc == 0) rc = flashRead(addr, check, RECORD);
    if (rc != 0) return rc;
    for (let i: usize = 0; i < <usize>RECORD; i += 8) { // memory.compare would inline a byte loop here
      if (load<u64>(check + i) != load<u64>(record + i)) return -40;
    }
    fresh = true;
  }
  memory.copy(seed, record + 8, 32);
  publicKey(seed, publicKeyOf);
  return 0;
}

/** True when the last load made a new identity. */
export function identityIsNew(): bool { return fresh; }
