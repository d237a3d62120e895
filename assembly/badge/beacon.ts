// Time beacons: the evidence that lets the mesh clock jump (clock.ts, C5).
// Keys are free, so no number of neighbours may fling a clock forward; the
// event's organiser can. A beacon is
//   time u64 LE | Ed25519 signature (64) by the event key over "picobadge BEACON" | time u64 LE
// made by the organiser's tool (host/beacon.ts, `picobadge beacon`) and
// handed to any badge (badge_beacon); badges pass the newest they verified
// to their neighbours (link.ts: the HELLO says which one a badge holds, a
// BEACON message carries a newer one), so each badge verifies each newer
// beacon once. The firmware tells the core the event key (badge_event_key,
// the key it already checks app images with); without one, beacons are
// refused and only the slew bound (C3) moves the clock.
// Invariants:
//   B1 beaconTime is 0 or the time of a beacon that verified under eventKey.
//   B2 A beacon not newer than beaconTime is never verified (no work for a replay).
//   B3 Nothing here survives a reboot (RAM only, cleared by badge_init): the
//      clock's floor after a reboot comes from stored blocks (C1), dated by
//      a clock no beacon moved further than the organiser signed.

import { verify } from '../crypto/ed25519';
import { MAX_TIME } from '../store/time';
import { clockBeacon } from './clock';

export const BEACON_BYTES: u32 = 8 + 64;
export const E_BEACON: i32 = -75; // no event key, or the beacon does not verify under it

const eventKey: usize = memory.data(32);
let hasKey: bool = false;
let beaconTime: u64 = 0;
const beaconSig: usize = memory.data(64);
const message: usize = memory.data(24); // the domain, then the time: what the event key signs

/** Forgets the event key and the beacon (badge_init: B3). */
export function beaconClear(): void {
  hasKey = false;
  beaconTime = 0;
}

/** The event's public key (32 bytes at pk); a new key forgets the beacon held (B1). */
export function beaconSetKey(pk: usize): void {
  memory.copy(eventKey, pk, 32);
  hasKey = true;
  beaconTime = 0;
}

/** Where the event key lies (32 bytes; meaningful only while beaconHasKey()): enrolment certs are checked against it too (store/enrol.ts). */
export function beaconKey(): usize { return eventKey; }

/** True once the firmware told the core the event key. */
export function beaconHasKey(): bool { return hasKey; }

/** The time of the newest verified beacon, 0 for none. */
export function beaconTimeHeld(): u64 { return beaconTime; }

/** Writes the beacon held (BEACON_BYTES) at out. */
export function beaconWrite(out: usize): void {
  store<u64>(out, beaconTime);
  memory.copy(out + 8, beaconSig, 64);
}

/**
 * A beacon (BEACON_BYTES at p) at local time `local`: 1 verified, newer than
 * the one held, kept, and the clock jumped to its time if behind; 0 not
 * newer (not even checked, B2); E_BEACON without an event key or when the
 * signature does not verify.
 */
export function beaconOffer(p: usize, local: u64): i32 {
  if (!hasKey) return E_BEACON;
  const time = load<u64>(p);
  if (time <= beaconTime) return 0;
  if (time > MAX_TIME) return E_BEACON; // no block can carry such a date: the organiser's tool never signs one
  store<u64>(message, 0x676461626f636970); // "picobadg"
  store<u64>(message, 0x4e4f434145422065, 8); // "e BEACON"
  store<u64>(message, time, 16);
  if (verify(p + 8, eventKey, message, 24) != 1) return E_BEACON;
  beaconTime = time;
  memory.copy(beaconSig, p + 8, 64);
  clockBeacon(time, local);
  return 1;
}
