// The badge runtime's exports (docs/ABI.md, "Badge"): what badge firmware
// calls. Every call carries the host's monotonic time in milliseconds
// (`local`, i64); pointers must lie in the I/O window. After each call the
// host drains the outbox with badge_outbox.

import { inWindow } from './window';
import { E_RANGE } from './errors';
import {
  badgeInit, badgeTick, badgeIdle, badgeAdvertSeen, badgeLinkUp, badgeLinkDown, badgeLinkReady, badgeFrame, badgeAction, badgeStatus,
  badgeStarted, E_NOT_STARTED,
} from '../badge/badge';
import { outboxDrain } from '../badge/outbox';
import { publicKeyOf } from '../badge/identity';
import { beaconSetKey, beaconOffer, beaconKey, BEACON_BYTES } from '../badge/beacon';
import { enrolTake } from '../badge/enrol';
import { CERT_BYTES, enrolEventKey } from '../store/enrol';

/** Starts the badge on its flash region; `hint` is the host's idea of the mesh time (0: none). 0 or an error. */
export function badge_init(sectorSize: u32, wordSize: u32, regionSize: u32, local: i64, hint: i64): i32 {
  return badgeInit(sectorSize, wordSize, regionSize, <u64>local, <u64>hint);
}

/** Time passes. The number of chains the collector evicted, or an error. */
export function badge_tick(local: i64): i32 {
  return badgeTick(<u64>local);
}

/** How many ms from `local` badge_tick would do nothing: the host may skip its ticks until then, unless another call comes first. */
export function badge_idle(local: i64): i32 {
  return badgeIdle(<u64>local);
}

/** An advertisement (len ≤ 31 bytes at data) from the 6-byte address at addr. 1 when the badge asks to connect. */
export function badge_advert(addr: usize, data: usize, len: i32, local: i64): i32 {
  if (!inWindow(addr, 6) || !inWindow(data, <usize>len)) return E_RANGE; // a negative len is a huge usize: refused
  return badgeAdvertSeen(addr, data, <u32>len, <u64>local);
}

/** A connection is up: host handle, negotiated ATT MTU, 1 when we are the central, the peer's 6-byte address. */
export function badge_link_up(handle: u32, mtu: u32, central: i32, addr: usize, local: i64): i32 {
  if (!inWindow(addr, 6)) return E_RANGE;
  return badgeLinkUp(handle & 0xffff, mtu, central != 0, addr, <u64>local);
}

/** The connection is gone. */
export function badge_link_down(handle: u32, local: i64): i32 {
  return badgeLinkDown(handle & 0xffff, <u64>local);
}

/** The frames handed over for this link have been sent: the badge may hand over more. */
export function badge_link_ready(handle: u32, local: i64): i32 {
  return badgeLinkReady(handle & 0xffff, <u64>local);
}

/** A frame (one BLE write or notification, len bytes at ptr) arrived on a link. */
export function badge_frame(handle: u32, ptr: usize, len: i32, local: i64): i32 {
  if (!inWindow(ptr, <usize>len)) return E_RANGE; // a negative len is a huge usize: refused
  return badgeFrame(handle & 0xffff, ptr, <u32>len, <u64>local);
}

/** A local action: u8 name length | collection name | CBOR payload. 1 when its block was accepted, else why not. */
export function badge_action(ptr: usize, len: i32, local: i64): i32 {
  if (!inWindow(ptr, <usize>len)) return E_RANGE; // a negative len is a huge usize: refused
  return badgeAction(ptr, <u32>len, <u64>local);
}

/** Moves whole outbox records into [out, out + cap); the number of bytes moved (0: empty). */
export function badge_outbox(out: usize, cap: i32): i32 {
  if (!inWindow(out, <usize>cap)) return E_RANGE; // a negative cap is a huge usize: refused
  return <i32>outboxDrain(out, <u32>cap);
}

/** Counters (80 bytes at out, docs/ABI.md). 0 or an error. */
export function badge_status(out: usize, local: i64): i32 {
  if (!inWindow(out, 80)) return E_RANGE;
  if (!badgeStarted()) return E_NOT_STARTED;
  badgeStatus(out, <u64>local);
  return 0;
}

/** The badge's public key (32 bytes) to out. */
export function badge_identity(out: usize): i32 {
  if (!inWindow(out, 32)) return E_RANGE;
  if (!badgeStarted()) return E_NOT_STARTED;
  memory.copy(out, publicKeyOf, 32);
  return 0;
}

/** The event's public key (32 bytes at pk), which signs time beacons (and app images). Call after badge_init. 0 or an error. */
export function badge_event_key(pk: usize): i32 {
  if (!inWindow(pk, 32)) return E_RANGE;
  if (!badgeStarted()) return E_NOT_STARTED;
  beaconSetKey(pk);
  enrolEventKey(beaconKey()); // enrolment certs are checked against it too (store/enrol.ts)
  return 0;
}

/** A time beacon (time u64 · signature 64 at ptr). 1 verified and newer: kept, the clock may jump to it; 0 not newer; -75 no event key or a bad signature. */
export function badge_beacon(ptr: usize, local: i64): i32 {
  if (!inWindow(ptr, <usize>BEACON_BYTES)) return E_RANGE;
  if (!badgeStarted()) return E_NOT_STARTED;
  return beaconOffer(ptr, <u64>local);
}

/**
 * The badge's enrolment cert (64 bytes at ptr: the event key's signature over "picobadge ENROL1" | the
 * badge's key, docs/SYNC.md §6.1). Call after badge_event_key, at every start. 1 taken: the chain is
 * empty and its first post writes the enrol block before it; 0 taken, the chain already starts with
 * one; -76 the cert does not verify (or no event key); -77 the chain started without one; -73.
 */
export function badge_enrol(ptr: usize): i32 {
  if (!inWindow(ptr, <usize>CERT_BYTES)) return E_RANGE;
  if (!badgeStarted()) return E_NOT_STARTED;
  return enrolTake(ptr);
}
