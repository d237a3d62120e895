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
// mesh's chain slots. The cert is kept (RAM) so that a chain founded again
// (after the collector evicted the old one when its states expired) starts
// with it too.
// Invariants:
//   M1 held is true only when item holds a cert that verified for this
//      badge's key under the event key (badge_enrol checked it).
//   M2 Nothing here survives a reboot (RAM, cleared by badge_init): the
//      firmware hands the cert over at every start, as it does the event key.

import { certValid, enrolled, CERT_BYTES } from '../store/enrol';
import { repoChainIndex } from '../repo/repo';
import { publicKeyOf } from './identity';

export const E_ENROL: i32 = -76; // the cert does not verify for this badge's key under the event key (or no event key)
export const E_ENROL_LATE: i32 = -77; // the badge's chain already started without an enrol block

// A post's input as post.ts takes it: u8 name length | "enrol" | CBOR bytes(64) head 0x58 0x40 | cert.
export const ENROL_ITEM: u32 = 1 + 5 + 2 + CERT_BYTES;
export const enrolItem: usize = memory.data(<i32>ENROL_ITEM);
let held = false;

/** Forgets the cert (badge_init: M2). */
export function enrolForget(): void { held = false; }

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
  store<u64>(enrolItem, 0x4058_6c6f_726e_6505); // 5 "enrol" 0x58 0x40, little-endian
  memory.copy(enrolItem + 8, p, <usize>CERT_BYTES);
  held = true;
  return c < 0 ? 1 : 0;
}
