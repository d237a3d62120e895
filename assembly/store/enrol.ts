// Admission by the event key (docs/SYNC.md §6.1, #12): keys are free, so any
// bound per key or per link yields to an attacker with many made-up keys,
// who would fill every free chain slot of every badge over sync (sync never
// evicts, engine E9). The organiser's key is not free: it signs one
// enrolment certificate per attendee's badge at the desk,
//   cert = Ed25519 signature by the event key over "picobadge ENROL1" | the badge's public key (32)
// and the badge founds its chain with it: the genesis (height 1 in the repo)
// of an enrolled chain is a picostore block `["enrol", bytes(cert), date]`
// by the chain's owner. A chain a badge takes from a neighbour is ENROLLED
// when its genesis is such a block whose cert verifies for its owner, else a
// GUEST (phones and web apps running picostack without one), and guests are
// admitted over sync only while fewer than GUEST_MAX are held.
// Invariants:
//   N1 An enrol block is accepted at a chain's genesis only, and (when the
//      event key is known, beacon.ts) only with a cert valid for its author.
//      It keeps no state object (no RAM per badge): a chain that holds only
//      its enrol block is referenced by no state, so the collector's rules
//      for unreferenced chains apply to it (engine.ts: makeRoom, tick).
//   N2 enrolled(c) is true exactly when chain slot c holds a chain whose
//      genesis is an enrol block that was accepted: set or cleared whenever
//      a genesis is committed (a reused slot is rewritten with its new
//      chain's genesis), rebuilt at mount from the genesis blocks on flash
//      (no format change; a stored block was checked when it was stored, as
//      its signature was, so mount does not verify certs again).
//   N3 Without an event key nothing is admitted differently: every chain is
//      taken as before (the guest bound applies only when the key is known).

import { verify } from '../crypto/ed25519';
import { repoSlotHeight } from '../repo/repo';
import { MAX_CHAINS, GUEST_MAX } from '../profile';

export { GUEST_MAX };
export const CERT_BYTES: u32 = 64;
export const E_GUEST: i32 = -78; // sync: a chain without enrolment, and GUEST_MAX guests are held already

let eventKey: usize = 0; // where the event key lies (the badge's: badge/beacon.ts), 0 while none is known
const bits: usize = memory.data(<i32>(MAX_CHAINS / 8));
const message: usize = memory.data(48); // "picobadge ENROL1" | the key certified: what the event key signs

/** The collection name an enrol block carries: "enrol" (5 bytes at p). */
export function isEnrolName(p: usize, len: u32): bool {
  return len == 5 && load<u32>(p) == 0x6f726e65 && load<u8>(p, 4) == 0x6c; // "enro" "l"
}

/** The event key lies at pk (32 bytes, kept there by the caller), or none is known (0). */
export function enrolEventKey(pk: usize): void { eventKey = pk; }

/** True once the badge knows the event key. */
export function eventKnown(): bool { return eventKey != 0; }

/** True when cert (64 bytes) is the event key's for pk (32 bytes); false without an event key. */
export function certValid(cert: usize, pk: usize): bool {
  if (eventKey == 0) return false;
  store<u64>(message, 0x676461626f636970); // "picobadg"
  store<u64>(message, 0x314c4f524e452065, 8); // "e ENROL1"
  memory.copy(message + 16, pk, 32);
  return verify(cert, eventKey, message, 48) == 1;
}

/** N2: chain slot c's genesis was (true) or was not an enrol block. */
export function setEnrolled(c: i32, on: bool): void {
  if (c < 0 || c >= MAX_CHAINS) return;
  const p = bits + (<usize>c >> 3);
  const m: u32 = 1 << (c & 7);
  const v = <u32>load<u8>(p);
  store<u8>(p, <u8>(on ? v | m : v & ~m));
}

/** Whether the chain in slot c was founded by an enrol block (N2). */
export function enrolled(c: i32): bool {
  return c >= 0 && c < MAX_CHAINS && (<u32>load<u8>(bits + (<usize>c >> 3)) & (<u32>1 << (c & 7))) != 0;
}

/** Forgets every slot's bit (mount rebuilds them). */
export function enrolClear(): void { memory.fill(bits, 0, <usize>(MAX_CHAINS / 8)); }

/** N3: whether a new chain that is not enrolled may come in over sync now. */
export function guestAdmitted(): bool {
  if (eventKey == 0) return true;
  let guests = 0;
  for (let c = 0; c < MAX_CHAINS; c++) if (repoSlotHeight(c) > 0 && !enrolled(c)) guests++;
  return guests < GUEST_MAX;
}
