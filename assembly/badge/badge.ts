// The badge: the engine, its identity, the mesh clock, its neighbours and
// its links, behind the calls the host makes (abi/badge.ts). The host
// moves bytes and time; everything that decides is here.
//
// Flash: the host lends one region. Its last sector holds the identity
// (identity.ts); the block store mounts on the sectors before it.
// Time: every call carries the host's monotonic milliseconds (`local`);
// the engine runs on the mesh clock (clock.ts).

import { mount, tick as engineTick, quietUntil, latestBlockDate, engineStats, SKEW } from '../store/engine';
import { identityLoad, identityIsNew, publicKeyOf } from './identity';
import { clockStart, meshNow, clockJumps } from './clock';
import { beaconClear } from './beacon';
import { enrolLoad } from './enrol';
import { enrolEventKey } from '../store/enrol';
import { nonceReset } from './proof';
import { outboxPut, outboxClear, outboxDropped, ADVERTISE, CONNECT, DISCONNECT } from './outbox';
import { linkAt, linkByHandle, freeLinkSlots } from './link';
import { MAX_LINKS } from '../profile';
import { post } from './post';
import { itemsRefresh, itemsInvalidate, itemCount, itemsDigest } from '../sync/items';
import { Advert, readAdvert, writeAdvert, ADV_SIZE } from '../sync/advert';
import { peersClear, peerSlot, peerHeard, peerDone, peerHoldOff, peerSynced, peerRefused, peerLinked, addrKey, addrOfKey } from '../sync/peers';
import { later } from '../store/time';
import { MTU_MIN, MTU_MAX } from '../sync/messages';

export const E_NOT_STARTED: i32 = -73; // badge_init has not succeeded
export const E_NO_LINK: i32 = -74; // no link with that handle
export const E_LINKS_FULL: i32 = -71; // no link for this connection (slots taken, or the address is refused): the host should disconnect
export const E_GEOMETRY: i32 = -41;

export const CONNECT_TIMEOUT: u64 = 5000;
// After an attempt that never completed, attempts to neighbours never synced with wait GATE,
// doubling with each such attempt in a row up to GATE_MAX; an attempt that completes resets it.
// A spoofed advert costs a connection attempt that never completes: spoofers hold the one
// outgoing attempt at most CONNECT_TIMEOUT of every CONNECT_TIMEOUT + GATE_MAX (20%) once they
// persist (docs/SYNC.md §1).
export const GATE_MAX: u64 = 20000;

let started: bool = false;
let connecting: u64 = 0; // address key of the connection attempt in flight (P4)
let connectDeadline: u64 = 0;
let gateUntil: u64 = 0; // no attempt to a neighbour never synced with before this (local time)
let gateWait: u64 = 0;
let advDigest: u64 = 0;
let advFree: i32 = -1;
let connections: u32 = 0;
let linksOk: u32 = 0;
let linksFailed: u32 = 0;
// Totals of links that have closed.
let bytesTx: u64 = 0;
let bytesRx: u64 = 0;
let blocksRx: u32 = 0;
let blocksTx: u32 = 0;
let violations: u32 = 0;
const advert = changetype<Advert>(memory.data(<i32>offsetof<Advert>(), 8)); // static: no constructor runs
const advBuf: usize = memory.data(<i32>(<usize>ADV_SIZE));

/** The set digest two badges compare to decide whether to connect (items.ts: a hint, never proof of sync). */
function digest(): u64 {
  itemsRefresh();
  return itemsDigest();
}

function myId(): u32 { return bswap<u32>(load<u32>(publicKeyOf)); }

/** Re-advertises when what we hold or our free slots changed. */
function refreshAdvert(): void {
  const d = digest();
  const free = freeLinkSlots();
  if (d == advDigest && free == advFree) return;
  const p = outboxPut(ADVERTISE, 0, ADV_SIZE);
  if (p == 0) return; // tried again on the next call
  writeAdvert(p, publicKeyOf, <u32>itemCount(), d, <u32>free);
  advDigest = d;
  advFree = free;
}

/**
 * Starts the badge on a flash region of regionSize bytes: mounts the store
 * (recovering from a power cut), loads or creates the identity, starts the
 * mesh clock no earlier than `hint` (what the host believes the time is,
 * 0 when it has no idea) nor the latest stored block's date minus SKEW.
 */
export function badgeInit(sectorSize: u32, wordSize: u32, regionSize: u32, local: u64, hint: u64): i32 {
  started = false;
  if (sectorSize == 0 || regionSize % sectorSize != 0 || regionSize / sectorSize < 4) return E_GEOMETRY;
  const storeSize = regionSize - sectorSize;
  // The collector's clock starts at 0, not at `local` (the host's clock, not the mesh's: a local
  // time ahead of the mesh clock would make every state due); the tick below moves it to mesh time.
  let rc = mount(sectorSize, wordSize, storeSize, 0);
  if (rc != 0) return rc;
  rc = identityLoad(storeSize / sectorSize);
  if (rc != 0) return rc;
  const latest = latestBlockDate();
  clockStart(local, max(hint, latest > SKEW ? latest - SKEW : 0));
  beaconClear(); // RAM only (beacon.ts, B3): the firmware sets the event key again after init
  enrolEventKey(0); // forgotten with the beacon's (N3: no admission by a key not told since this start)
  enrolLoad(storeSize); // the enrolment cert, if the desk gave one (enrol.ts: in the identity sector)
  nonceReset();
  for (let i = 0; i < MAX_LINKS; i++) linkAt(i).used = false;
  peersClear();
  outboxClear();
  itemsInvalidate();
  connecting = 0;
  gateUntil = 0; gateWait = 0;
  advDigest = 0;
  advFree = -1;
  connections = 0; linksOk = 0; linksFailed = 0;
  bytesTx = 0; bytesRx = 0; blocksRx = 0; blocksTx = 0; violations = 0;
  started = true;
  engineTick(meshNow(local));
  refreshAdvert();
  return 0;
}

export function badgeStarted(): bool { return started; }

/** Time passes: the collector, link timeouts, the advertisement, and frames waiting to go. */
export function badgeTick(local: u64): i32 {
  if (!started) return E_NOT_STARTED;
  const evicted = engineTick(meshNow(local));
  if (connecting != 0 && local >= connectDeadline) {
    peerDone(connecting, false, digest(), 0, local);
    connecting = 0;
    gateWait = min(max(gateWait * 2, CONNECT_TIMEOUT), GATE_MAX);
    gateUntil = later(local, gateWait);
  }
  for (let i = 0; i < MAX_LINKS; i++) linkAt(i).tick(local);
  refreshAdvert();
  return evicted;
}

/**
 * How long from `local` (ms) badgeTick would do nothing but move the clocks: no link to watch, no
 * connection attempt to time out, the advertisement current, nothing the collector must do
 * sooner. Any other call may end that: the host asks again after it (docs/ABI.md, badge_idle).
 * Reading the mesh clock moves its guard against going backwards (clock.ts) to `local`: harmless,
 * since the next call comes at `local` or later and reads the same time.
 */
export function badgeIdle(local: u64): i32 {
  if (!started) return E_NOT_STARTED;
  const free = freeLinkSlots();
  if (connecting != 0 || free != MAX_LINKS || free != advFree || digest() != advDigest) return 0;
  const at = quietUntil();
  const now = meshNow(local);
  return at <= now ? 0 : <i32>min(at - now, <u64>i32.MAX_VALUE);
}

/** An advertisement from the 6-byte address at addr. 1 when it asks the host to connect, else 0. */
export function badgeAdvertSeen(addr: usize, data: usize, len: u32, local: u64): i32 {
  if (!started) return E_NOT_STARTED;
  if (!readAdvert(data, len, advert)) return 0;
  const key = addrKey(addr);
  const slot = peerSlot(key, local);
  // The same digest as the HELLO's (peerDone is given that one): P3 compares them.
  const go = peerHeard(slot, advert.id, advert.fp, advert.free, digest(), myId(), local);
  if (!go || connecting != 0 || freeLinkSlots() == 0) return 0;
  // P4 (peers.ts): one never synced with not while gated.
  if (!peerSynced(slot) && local < gateUntil) return 0;
  for (let i = 0; i < MAX_LINKS; i++) if (linkAt(i).used && linkAt(i).addrKey == key) return 0;
  const p = outboxPut(CONNECT, 0, 6);
  if (p == 0) return 0;
  addrOfKey(key, p);
  connecting = key;
  connectDeadline = later(local, CONNECT_TIMEOUT);
  peerHoldOff(key, connectDeadline);
  return 1;
}

/** A connection is up (as central when we asked for it). The link count, or E_LINKS_FULL. */
export function badgeLinkUp(handle: u32, mtu: u32, central: bool, addr: usize, local: u64): i32 {
  if (!started) return E_NOT_STARTED;
  const key = addrKey(addr);
  if (central && key == connecting) { connecting = 0; gateWait = 0; gateUntil = 0; }
  if (linkByHandle(handle) >= 0) return E_LINKS_FULL;
  let slot = -1;
  for (let i = 0; i < MAX_LINKS; i++) if (!linkAt(i).used) { slot = i; break; }
  // P6 (peers.ts): an address backed off after a violation is refused at once, inbound too.
  if (slot < 0 || peerRefused(key, local)) {
    outboxPut(DISCONNECT, handle, 0);
    return E_LINKS_FULL;
  }
  connections++;
  peerLinked(key, local); // an inbound peer gets a record too, so that a violation backs it off (P6)
  const m = mtu < MTU_MIN ? MTU_MIN : mtu > MTU_MAX ? MTU_MAX : mtu;
  linkAt(slot).open(handle, m, central, key, local);
  linkAt(slot).pump(local);
  refreshAdvert();
  return MAX_LINKS - freeLinkSlots();
}

/** The slot of the link with this handle, or E_NOT_STARTED / E_NO_LINK. */
function linkOf(handle: u32): i32 {
  if (!started) return E_NOT_STARTED;
  const i = linkByHandle(handle);
  return i < 0 ? E_NO_LINK : i;
}

/** The connection with this handle is gone (either side, or out of range). */
export function badgeLinkDown(handle: u32, local: u64): i32 {
  const i = linkOf(handle);
  if (i < 0) return i;
  const l = linkAt(i);
  // A peripheral whose central hung up after both said DONE synced to the end too.
  const ok = l.closing ? l.ok : l.idle();
  if (!l.closing) peerDone(l.addrKey, ok, digest(), l.peerFp, local);
  if (ok) linksOk++; else linksFailed++;
  bytesTx += l.bytesTx; bytesRx += l.bytesRx;
  blocksRx += l.blocksRx; blocksTx += l.blocksTx;
  violations += l.violations;
  l.used = false;
  refreshAdvert();
  return 0;
}

/** The host sent the frames it was given on this link: it may take more. */
export function badgeLinkReady(handle: u32, local: u64): i32 {
  const i = linkOf(handle);
  if (i < 0) return i;
  linkAt(i).ready(local);
  return 0;
}

/** A frame arrived on a link. */
export function badgeFrame(handle: u32, ptr: usize, len: u32, local: u64): i32 {
  const i = linkOf(handle);
  if (i < 0) return i;
  linkAt(i).frame(ptr, len, local);
  linkAt(i).settle(local); // its signature work, here: shallower in the stack (link.ts)
  refreshAdvert();
  return 0;
}

/** A local action (post.ts). 1 accepted, or why not. */
export function badgeAction(ptr: usize, len: u32, local: u64): i32 {
  if (!started) return E_NOT_STARTED;
  const rc = post(ptr, len, meshNow(local));
  refreshAdvert();
  for (let i = 0; i < MAX_LINKS; i++) linkAt(i).pump(local);
  return rc;
}

/** Counters for the host (docs/ABI.md, badge_status). */
export function badgeStatus(out: usize, local: u64): void {
  let up: u32 = 0;
  let tx = bytesTx; let rx = bytesRx; let brx = blocksRx; let btx = blocksTx; let v = violations;
  for (let i = 0; i < MAX_LINKS; i++) {
    const l = linkAt(i);
    if (!l.used) continue;
    up++;
    tx += l.bytesTx; rx += l.bytesRx; brx += l.blocksRx; btx += l.blocksTx; v += l.violations;
  }
  itemsRefresh();
  engineStats(out + 64); // borrow the tail for the engine's counters
  const evictions = load<u32>(out + 64 + 12);
  store<u32>(out, up);
  store<u32>(out, connections, 4);
  store<u32>(out, linksOk, 8);
  store<u32>(out, linksFailed, 12);
  store<u32>(out, v, 16);
  store<u32>(out, brx, 20);
  store<u32>(out, btx, 24);
  store<u32>(out, <u32>itemCount(), 28);
  store<u32>(out, evictions, 32);
  store<u32>(out, clockJumps(), 36);
  store<u32>(out, outboxDropped(), 40);
  store<u32>(out, identityIsNew() ? 1 : 0, 44);
  store<u64>(out, tx, 48);
  store<u64>(out, rx, 56);
  store<u64>(out, meshNow(local), 64);
  store<u64>(out, itemsDigest(), 72);
}
