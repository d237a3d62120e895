// One BLE connection's share of the sync protocol (docs/SYNC.md): frames
// in and out, the reconciliation, wants and the blocks that answer them.
//
// Per link, everything is fixed-size and static (profile.ts): a reassembly
// buffer of one message, a queue of control messages (the one being sent is
// its head; RECON replies are written straight into it), WANTS wants and
// SERVES requests. Runs of blocks being served are read from flash into the
// scratch buffer (scratch.ts) all links share. A peer that overflows any of them, breaks the
// framing, sends what nobody asked for, or a block that does not verify,
// is a broken or hostile peer: the link drops (violation()), the store has
// lost nothing (every block was verified before it was stored), and the
// peer is backed off.
//
// Conversation (both sides run the same code; the central leads):
//   both      HELLO                      key, nonce, clock, the set's digest (a hint)
//   both      PROOF                      the key's signature over our nonce and its HELLO (proof.ts);
//                                        nothing a HELLO says counts before it (P1); and the set's
//                                        summary keyed by the link's key: whether the sets differ
//   either    BEACON                     once, when ours is newer than the peer's HELLO says (beacon.ts)
//   central   RECON (opening)            when they differ
//   each      RECON replies              until one side answers all-SKIP
//   each      WANT × k                   for chains it lacks or holds lower
//   each      BLOCKS … END per WANT      the other side serves, in order
//   each      DONE                       reconciled, every WANT answered
// The central disconnects once both sides are DONE and it has served all;
// a peripheral that stays connected LINGER after that disconnects itself.

import { reconcile, openRecon, SKIP } from '../sync/recon';
import { WireReader, WireWriter } from '../sync/wire';
import { itemsRefresh, itemCount, itemsDigest, itemsKeyed, rangeFp, heightOf, keyOfOwner, ownerCompare } from '../sync/items';
import {
  FRAME_FIRST, FRAME_LAST, FRAME_SEQ, ATT_OVERHEAD, PROTOCOL_VERSION, MSG_MAX, HELLO_SIZE, PROOF_SIZE, BEACON_SIZE,
  MSG_HELLO, MSG_RECON, MSG_WANT, MSG_BLOCKS, MSG_END, MSG_DONE, MSG_PROOF, MSG_BEACON,
} from '../sync/messages';
import { outboxPut, SEND, DISCONNECT, STORED } from './outbox';
import { dispatch, E_GUEST } from '../store/engine';
import { pendingSource } from '../store/pending';
import { repoLoad, repoFreeChains, repoFreeBlocks, repoChainIndex } from '../repo/repo';
import { scanFeedBlock, OUT_BLOCK_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_SIZE, SCAN_OK } from '../feed/block';
import { clockObserve, meshNow } from './clock';
import { publicKeyOf } from './identity';
import { nonceDraw, helloWrite, proofFrame, proofSign, proofVerify, linkKeyDerive, HELLO_BODY } from './proof';
import { beaconOffer, beaconTimeHeld, beaconWrite, BEACON_BYTES } from './beacon';
import { peerDone, peerBlame } from '../sync/peers';
import { logEvent } from './log';
import { scratch, scratchTake, scratchHolds } from './scratch';
import { MAX_LINKS, TX_WINDOW, CTL_CAP, WANTS, SERVES, RECON_CAP, BLOCK_MAX, SCRATCH_CAP } from '../profile';

export const STALL_MS: u64 = 10000; // silence while we wait for the peer
export const LINK_MAX_MS: u64 = 120000; // no sync takes longer; a peer that drags one out is dropped
// A link that is not done must make progress: a block stored, or a run of blocks served, at
// least this often (from the link's start). A reconciliation takes a few round trips; a run of
// blocks, a few seconds at the slowest. A peer that keeps a link busy with nothing (messages that
// never end, answers that store nothing) holds it this long, not LINK_MAX_MS (#12, finding 4).
export const PROGRESS_MS: u64 = 20000;
// RECONs one link answers. Depth alone is log8 of the sets (3 at MAX_CHAINS), but a reply folds
// what does not fit in RECON_CAP and the peer splits it again, so rounds grow with the difference:
// 22 for 128 chains against none (the most a badge holds, measured both ways and at both MTUs in
// tests/hostile-dos.test.ts), 16 for 120 against 120 others. 32 leaves a margin.
export const RECON_ROUNDS_MAX: u32 = 32;
// Wants whose blocks the rules refused without fault of the peer: dated ahead of our clock, of a
// chain we evicted, over BLOCK_MAX, waiting for a parent, or a full store. Each cost a run of
// signature checks. An honest neighbour causes a few (a chain our collector evicts between the
// WANT and its blocks, a neighbour near the skew bound with fresh posts, a store filling up): 8 is
// half the open wants. A peer past it is a violation (#12, finding 4). After one refusal, the rest
// of that want's blocks are dropped without a check: they cannot link without the refused one.
export const QUIET_MAX: u32 = 8;
export const LINGER_MS: u64 = 2000;
export const NEW_CHAINS_MAX: u32 = 16; // chains one link may bring that we did not hold (flood bound)
export const CHAIN_RESERVE: i32 = 8; // chain slots sync leaves free: new chains are neither asked for nor taken into a full store

// The log's texts, one literal of '|'-separated fields (each static string costs ~24 bytes
// of data segments besides its chars); T_LINK and the reasons a link drops (R_*) index it.
const TEXTS: string = '\
link|\
broken framing|\
message too large|\
bad or repeated HELLO|\
protocol version differs|\
peer has our own key|\
second link to the same badge|\
malformed reconciliation|\
queue overflow|\
blocks nobody asked for|\
a block that does not verify or parse|\
END out of order|\
unknown message type|\
stalled|\
sync took too long|\
too many blocks refused|\
reconciliation does not end|\
no progress|\
a PROOF that does not verify';
const T_LINK: i32 = 0;
const R_FRAME: i32 = 1;
const R_TOO_BIG: i32 = 2;
const R_HELLO: i32 = 3;
const R_VERSION: i32 = 4;
const R_SELF: i32 = 5;
const R_DUPLICATE: i32 = 6;
const R_RECON: i32 = 7;
const R_QUEUE: i32 = 8;
const R_UNASKED: i32 = 9;
const R_BAD_BLOCK: i32 = 10;
const R_END: i32 = 11;
const R_TYPE: i32 = 12;
const R_STALL: i32 = 13;
const R_LONG: i32 = 14;
const R_QUIET: i32 = 15;
const R_ROUNDS: i32 = 16;
const R_PROGRESS: i32 = 17;
const R_PROOF: i32 = 18;
const NONE: i32 = -1; // no reason: the message was sound

// One message is handled at a time: one reader and one writer, in static memory (all fields start at 0).
const reader = changetype<WireReader>(memory.data(<i32>offsetof<WireReader>(), 8));
const writer = changetype<WireWriter>(memory.data(<i32>offsetof<WireWriter>(), 8));
// The length of the BLOCKS message last loaded into the scratch buffer (at scratch + 2).
let serveLen: u32 = 0;
const TX_CTL: u8 = 1;
const TX_BLOCKS: u8 = 2;
const scanOut: usize = memory.data(<i32>(<usize>OUT_SIZE));
// Where a Link's per-connection fields begin (see the class).
const CONNECTION_STATE: usize = offsetof<Link>('used');

// A Link lives in static memory (links, below): no constructor or field initializer runs, so
// the slot's own fields are set once at start and open() sets up each connection.
export class Link {
  // The slot's own: its number and its buffers (static tables, below), kept from one connection to the next.
  index: i32 = 0;
  peerPk: usize = 0;
  rx: usize = 0; // the message being received
  ctl: usize = 0; // the control queue
  wOwner: usize = 0;
  wHave: usize = 0;
  wTheirs: usize = 0;
  sOwner: usize = 0;
  sNext: usize = 0;
  // One connection's state, from `used` to the last field: open() zeroes it in one fill
  // (CONNECTION_STATE), so every field below starts a connection at 0 / false unless open() sets it.
  used: bool = false;
  handle: u32 = 0;
  mtu: u32 = 23;
  central: bool = false;
  addrKey: u64 = 0;
  peerFp: u64 = 0;
  // What our HELLO said of our set (its chains and digest, a hint): kept to sign our PROOF over it.
  helloItems: u32 = 0;
  helloFp: u64 = 0;
  // The rest of our HELLO and all of the peer's, kept to sign and check the PROOFs (proof.ts).
  // The nonces are two u64 fields each: 16 contiguous bytes (nonceAt(), peerNonceAt()), ours then the peer's (linkKeyDerive).
  nonce0: u64 = 0;
  nonce1: u64 = 0;
  peerNonce0: u64 = 0;
  peerNonce1: u64 = 0;
  helloTime: u64 = 0;
  helloBeacon: u64 = 0;
  peerTime: u64 = 0;
  peerBeacon: u64 = 0;
  peerItems: u32 = 0;
  // The link's key (16 contiguous bytes, keyAt()), drawn when our PROOF is signed; and the keyed
  // summary of our set that PROOF carried, which the peer's is compared with (K1, sync/items.ts).
  key0: u64 = 0;
  key1: u64 = 0;
  proofItems: u32 = 0;
  proofFp: u64 = 0;
  proven: bool = false; // the peer's PROOF verified: its HELLO counts (P1)
  beaconSent: bool = false;
  gotBeacon: bool = false;
  // Signature work a message left for settle() (see there): sign our PROOF, check theirs, check a beacon.
  proofDue: bool = false;
  proofIn: bool = false;
  beaconIn: bool = false;
  upAt: u64 = 0;
  lastRx: u64 = 0;
  doneAt: u64 = 0;
  gotHello: bool = false;
  reconDone: bool = false;
  sentDone: bool = false;
  gotDone: bool = false;
  closing: bool = false;
  ok: bool = false;
  wRefused: bool = false; // the oldest open want's run was refused: drop the rest unchecked
  quiet: u8 = 0; // wants refused without fault (QUIET_MAX)
  rounds: u8 = 0; // RECONs answered (RECON_ROUNDS_MAX)
  progressAt: u64 = 0; // local time of the link's start, its last block stored or run served (PROGRESS_MS)
  newChains: u32 = 0;
  // Receiving, into rx.
  rxLen: u32 = 0;
  rxSeq: u32 = 0;
  rxOpen: bool = false;
  // Sending: the message being fragmented is the head of the control queue (CTL), or a run of
  // blocks in the shared scratch buffer (BLOCKS), reloaded from flash when someone else took it.
  txKind: u8 = 0;
  txLen: u32 = 0;
  txOff: u32 = 0;
  blkFrom: u32 = 0;
  blkN: u32 = 0;
  blkSerial: u32 = 0;
  txSeq: u32 = 0;
  inflight: u32 = 0;
  ctlLen: u32 = 0;
  // Wants we ask (wOwner, wHave, wTheirs): [wHead, wSent) sent and open, [wSent, wTail) to send.
  wHead: u32 = 0;
  wSent: u32 = 0;
  wTail: u32 = 0;
  wGot: u32 = 0; // blocks received for the oldest open want
  // Requests we serve (sOwner, sNext): [sHead, sTail).
  sHead: u32 = 0;
  sTail: u32 = 0;
  // Counters.
  bytesTx: u32 = 0;
  bytesRx: u32 = 0;
  blocksRx: u32 = 0;
  blocksTx: u32 = 0;
  violations: u32 = 0;

  open(handle: u32, mtu: u32, central: bool, addrKey: u64, now: u64): void {
    memory.fill(changetype<usize>(this) + CONNECTION_STATE, 0, offsetof<Link>() - CONNECTION_STATE);
    this.used = true;
    this.handle = handle;
    this.mtu = mtu;
    this.central = central;
    this.addrKey = addrKey;
    this.upAt = now;
    this.lastRx = now;
    this.progressAt = now;
    memory.fill(this.peerPk, 0, 32);
    this.queueHello(now);
  }

  // ---- outgoing -------------------------------------------------------------------

  // The control queue holds entries u16 length | type | body. A message is written in place: its
  // body at body(), after a check that `len` bytes fit (room()), then commit() appends it. What
  // must fit at once (CTL_CAP, profile.ts): one small message being sent and one RECON reply; an
  // honest peer never asks for more, as it answers a RECON only after it has received ours.

  /** Where the body of the next control message goes. */
  private body(): usize { return this.ctl + <usize>this.ctlLen + 3; }

  /** True when a body of up to len bytes fits in the queue. */
  private room(len: u32): bool { return this.ctlLen + 3 + len <= CTL_CAP; }

  /** Appends the message whose len body bytes were written at body() (room(len) was checked). */
  private commit(type: u8, len: u32): void {
    const p = this.ctl + <usize>this.ctlLen;
    store<u16>(p, <u16>(len + 1));
    store<u8>(p, type, 2);
    this.ctlLen += 3 + len;
  }

  private nonceAt(): usize { return changetype<usize>(this) + offsetof<Link>('nonce0'); }
  private peerNonceAt(): usize { return changetype<usize>(this) + offsetof<Link>('peerNonce0'); }
  private keyAt(): usize { return changetype<usize>(this) + offsetof<Link>('key0'); }

  /** Brings the set up to date and keys its fingerprints for this link (K1). */
  private keyed(): void {
    itemsRefresh();
    itemsKeyed(this.keyAt());
  }

  private queueHello(local: u64): void {
    itemsRefresh();
    this.helloItems = <u32>itemCount();
    this.helloFp = itemsDigest();
    this.helloTime = meshNow(local);
    this.helloBeacon = beaconTimeHeld();
    nonceDraw(this.nonceAt(), local);
    // open() emptied the queue, so it fits.
    helloWrite(this.body(), publicKeyOf, this.nonceAt(), this.helloTime, this.helloItems, this.helloFp, this.helloBeacon);
    this.commit(MSG_HELLO, HELLO_BODY);
  }

  /** Loads a run of owner's blocks from height `from` into the scratch buffer as a BLOCKS message; the block count (0: none). */
  private loadRun(owner: usize, from: u32): i32 {
    this.blkSerial = scratchTake();
    // repoLoad writes a u32 byte count, then the blocks: the message's type and count overwrite the
    // count's upper half (read first), so the message is scratch + 2 .. and at most MSG_MAX bytes long.
    const n = from <= 0xffff ? repoLoad(owner, <i32>from, scratch, SCRATCH_CAP) : 0;
    if (n <= 0) return 0;
    serveLen = 2 + load<u32>(scratch);
    store<u8>(scratch, MSG_BLOCKS, 2);
    store<u8>(scratch, <u8>n, 3);
    return n;
  }

  /** Where the BLOCKS message being sent is; 0 when it can no longer be had (its chain was evicted meanwhile). */
  private blocksAt(): usize {
    if (scratchHolds(this.blkSerial)) return scratch + 2;
    const owner = this.sOwner + (<usize>(this.sHead % SERVES) << 5);
    if (<u32>this.loadRun(owner, this.blkFrom) != this.blkN || serveLen != this.txLen) return 0;
    return scratch + 2;
  }

  /** Starts the next message; false when there is nothing to send. */
  private nextMessage(): bool {
    if (this.ctlLen == 0) {
      if (this.proven && !this.beaconSent && beaconTimeHeld() > this.peerBeacon) {
        // Only into an empty queue: then a RECON reply still fits beside it (CTL_CAP).
        beaconWrite(this.body());
        this.commit(MSG_BEACON, BEACON_BYTES);
        this.beaconSent = true;
      } else if (this.wSent != this.wTail) {
        const i = <usize>(this.wSent % WANTS);
        writer.reset(this.body(), 37); // the queue is empty: it fits
        writer.bytes(this.wOwner + (i << 5), 32);
        writer.varint(load<u32>(this.wHave + (i << 2)));
        this.commit(MSG_WANT, writer.length());
        this.wSent++;
      } else if (this.sHead != this.sTail) {
        const i = <usize>(this.sHead % SERVES);
        const owner = this.sOwner + (i << 5);
        const from = load<u32>(this.sNext + (i << 2));
        const n = this.loadRun(owner, from);
        if (n > 0) {
          this.txKind = TX_BLOCKS;
          this.txLen = serveLen;
          this.blkFrom = from;
          this.blkN = <u32>n;
          store<u32>(this.sNext + (i << 2), from + <u32>n);
          this.blocksTx += <u32>n;
          return true;
        }
        memory.copy(this.body(), owner, 32); // the queue is empty: it fits
        this.commit(MSG_END, 32);
        this.sHead++;
      } else if (this.reconDone && this.wHead == this.wTail && !this.sentDone) {
        this.commit(MSG_DONE, 0);
        this.sentDone = true;
      } else return false;
    }
    this.txKind = TX_CTL;
    this.txLen = <u32>load<u16>(this.ctl);
    return true;
  }

  /** Hands the host as many frames as the window and the outbox take. */
  pump(now: u64): void {
    if (!this.used || this.closing) return;
    const payload = this.mtu - ATT_OVERHEAD - 1;
    while (this.inflight < TX_WINDOW) {
      if (this.txKind == 0) {
        if (!this.nextMessage()) break;
        if (this.txKind == TX_BLOCKS) this.progressAt = now;
      }
      const src = this.txKind == TX_CTL ? this.ctl + 2 : this.blocksAt();
      if (src == 0) { this.close(false, now); return; } // half a message sent and the rest gone: hang up
      const n = min(payload, this.txLen - this.txOff);
      const p = outboxPut(SEND, this.handle, 1 + n);
      if (p == 0) break;
      let h = this.txSeq;
      if (this.txOff == 0) h |= FRAME_FIRST;
      if (this.txOff + n == this.txLen) h |= FRAME_LAST;
      store<u8>(p, <u8>h);
      memory.copy(p + 1, src + <usize>this.txOff, <usize>n);
      this.txSeq = (this.txSeq + 1) & FRAME_SEQ;
      this.txOff += n;
      this.inflight++;
      this.bytesTx += 1 + n;
      if (this.txOff == this.txLen) {
        if (this.txKind == TX_CTL) { // the head of the queue went out: drop it
          const size = 2 + this.txLen;
          memory.copy(this.ctl, this.ctl + <usize>size, <usize>(this.ctlLen - size));
          this.ctlLen -= size;
        }
        this.txKind = 0; this.txLen = 0; this.txOff = 0;
      }
    }
    this.checkFinished(now);
  }

  /** The host sent what it was given: more may go. */
  ready(now: u64): void {
    this.inflight = 0;
    this.pump(now);
  }

  /** True when both sides said DONE and nothing is left to send: the sync ran to its end. */
  idle(): bool {
    return this.sentDone && this.gotDone && this.sHead == this.sTail && this.txKind == 0 && this.ctlLen == 0;
  }

  private checkFinished(now: u64): void {
    // Not before the host has sent our last frames: the peer must hear our DONE.
    if (this.closing || !this.idle() || this.inflight != 0) return;
    if (this.doneAt == 0) this.doneAt = now;
    if (this.central || now - this.doneAt >= LINGER_MS) this.close(true, now);
  }

  /** Asks the host to disconnect. `ok`: the sync ran to its end. */
  close(ok: bool, now: u64): void {
    if (this.closing) return;
    if (outboxPut(DISCONNECT, this.handle, 0) == 0) return; // tried again on the next call
    this.closing = true;
    this.ok = ok;
    itemsRefresh();
    peerDone(this.addrKey, ok, itemsDigest(), this.peerFp, now);
  }

  violation(why: i32, now: u64): void {
    logEvent(TEXTS, T_LINK, this.handle, why);
    this.violations++;
    this.close(false, now);
    peerBlame(this.addrKey);
  }

  /** Time passes: drops a stalled or endless link. */
  tick(now: u64): void {
    if (!this.used || this.closing) return;
    if (now - this.upAt > LINK_MAX_MS) { this.violation(R_LONG, now); return; }
    if (!this.idle() && now - this.lastRx > STALL_MS) { this.violation(R_STALL, now); return; }
    if (!this.idle() && now - this.progressAt > PROGRESS_MS) { this.violation(R_PROGRESS, now); return; }
    this.pump(now);
  }

  // ---- incoming -------------------------------------------------------------------

  /** The reconciliation found a chain to ask for (through wantOf(), the recon's WantSink). */
  want(owner: usize, have: u32, theirs: u32): void {
    if (this.wTail - this.wHead >= WANTS) return; // the rest waits for the next sync
    for (let c = this.wHead; c != this.wTail; c++) {
      if (ownerCompare(this.wOwner + (<usize>(c % WANTS) << 5), owner) == 0) return;
    }
    if (have == 0) {
      // A full store would evict one chain to take another, and fetch the evicted one back from the
      // next neighbour: churn without end. So sync only fills free slots; the collector frees them.
      if (this.newChains >= NEW_CHAINS_MAX || repoFreeChains() - <i32>this.newChains <= CHAIN_RESERVE) return;
      this.newChains++;
    }
    const i = <usize>(this.wTail % WANTS);
    memory.copy(this.wOwner + (i << 5), owner, 32);
    store<u32>(this.wHave + (i << 2), have);
    store<u32>(this.wTheirs + (i << 2), theirs);
    this.wTail++;
  }

  /** A frame arrived (one BLE write or notification). */
  frame(ptr: usize, len: u32, local: u64): void {
    if (!this.used || this.closing) return;
    const now = meshNow(local);
    this.lastRx = local;
    this.bytesRx += len;
    if (len < 2 || len > this.mtu - ATT_OVERHEAD) { this.violation(R_FRAME, local); return; }
    const h = <u32>load<u8>(ptr);
    const first = (h & FRAME_FIRST) != 0;
    if ((h & FRAME_SEQ) != this.rxSeq || first == this.rxOpen) { this.violation(R_FRAME, local); return; }
    this.rxSeq = (this.rxSeq + 1) & FRAME_SEQ;
    if (first) { this.rxOpen = true; this.rxLen = 0; }
    if (this.rxLen + len - 1 > MSG_MAX) { this.violation(R_TOO_BIG, local); return; }
    memory.copy(this.rx + <usize>this.rxLen, ptr + 1, <usize>(len - 1));
    this.rxLen += len - 1;
    if ((h & FRAME_LAST) != 0) {
      this.rxOpen = false;
      this.message(local, now);
    }
    this.pump(local);
  }

  // The message handlers return NONE, or why the peer broke the protocol: message() then drops the link.

  private message(local: u64, now: u64): void {
    const type = load<u8>(this.rx);
    reader.reset(this.rx + 1, <usize>this.rxLen - 1);
    let why: i32 = R_TYPE;
    if (type == MSG_HELLO) why = this.onHello(local);
    else if (!this.gotHello) why = R_HELLO;
    else if (type == MSG_PROOF) why = this.onProof();
    else if (!this.proven) why = R_HELLO; // P1: nothing before the PROOF
    else if (type == MSG_BEACON) why = this.onBeacon();
    else if (type == MSG_RECON) why = this.onRecon(now);
    else if (type == MSG_WANT) why = this.onWant();
    else if (type == MSG_BLOCKS) why = this.onBlocks(now);
    else if (type == MSG_END) why = this.onEnd();
    else if (type == MSG_DONE) { this.gotDone = true; if (reader.remaining() == 0) why = NONE; }
    if (why != NONE) this.violation(why, local);
  }

  private onHello(local: u64): i32 {
    if (this.gotHello || this.rxLen != HELLO_SIZE) return R_HELLO;
    // Its size is right, so the fields are where helloWrite() puts them (after the type byte).
    const body = this.rx + 1;
    if (<u32>load<u8>(body) != PROTOCOL_VERSION) return R_VERSION;
    const pk = body + 1;
    if (ownerCompare(pk, publicKeyOf) == 0) return R_SELF;
    // Kept, but nothing of it counts until the PROOF (P1): not the clock, not the set, not
    // "a second link to the same badge" (linkToPeer() looks at proven links only).
    memory.copy(this.peerPk, pk, 32);
    memory.copy(this.peerNonceAt(), body + 33, 16);
    this.peerTime = load<u64>(body, 49);
    this.peerItems = <u32>load<u16>(body, 57);
    this.peerFp = load<u64>(body, 59);
    this.peerBeacon = load<u64>(body, 67);
    this.gotHello = true;
    this.proofDue = true; // settle() signs our PROOF
    return NONE;
  }

  /**
   * The signature work the last frame's message left: the host's frame call (badge.ts) makes
   * it once frame() has returned, as shallow in the stack as a local action's signature.
   * Nested in frame() and message(), an Ed25519 signature or verification overflowed the
   * 4 KiB stack WAMR's classic interpreter gets on a board (boards/common/pb_core.h,
   * PB_WASM_STACK; tests/sim-native.test.ts). At most one is pending: each follows one message.
   */
  settle(local: u64): void {
    if (!this.used || this.closing) return;
    let why = NONE;
    if (this.proofDue) { this.proofDue = false; why = this.sendProof(); }
    else if (this.proofIn) { this.proofIn = false; why = this.checkProof(local); }
    else if (this.beaconIn) { this.beaconIn = false; this.checkBeacon(local); }
    else return;
    if (why != NONE) this.violation(why, local);
    else this.pump(local);
  }

  private sendProof(): i32 {
    // What it signs, and the link's key, are built in rx past the HELLO (rx holds MSG_MAX bytes).
    if (!this.room(74)) return R_QUEUE;
    const m = this.rx + 128;
    helloWrite(m + 32, publicKeyOf, this.nonceAt(), this.helloTime, this.helloItems, this.helloFp, this.helloBeacon);
    proofFrame(m, this.peerNonceAt());
    const p = this.body();
    proofSign(m, p);
    // Both nonces are known now (ours, then the peer's: nonceAt()), and both sides derive the same key.
    linkKeyDerive(this.rx + 256, this.nonceAt(), this.central, this.keyAt());
    this.keyed();
    const n = itemCount();
    this.proofItems = <u32>n;
    this.proofFp = rangeFp(0, n);
    store<u16>(p, <u16>this.proofItems, 64);
    store<u64>(p, this.proofFp, 66);
    this.commit(MSG_PROOF, 74);
    return NONE;
  }

  private onProof(): i32 {
    if (this.proven || this.proofIn || this.rxLen != PROOF_SIZE) return R_HELLO;
    this.proofIn = true; // settle() checks it, in rx
    return NONE;
  }

  private checkProof(local: u64): i32 {
    // The peer's keyed summary, read before what the peer signed is built over it in rx.
    const items = <u32>load<u16>(this.rx, 65);
    const fp = load<u64>(this.rx, 67);
    const m = this.rx + 80;
    helloWrite(m + 32, this.peerPk, this.peerNonceAt(), this.peerTime, this.peerItems, this.peerFp, this.peerBeacon);
    proofFrame(m, this.nonceAt());
    if (!proofVerify(this.rx + 1, this.peerPk, m)) return R_PROOF;
    if (linkToPeer(this.peerPk) >= 0) return R_DUPLICATE;
    this.proven = true;
    clockObserve(this.peerTime, keyOfOwner(this.peerPk), local);
    // Both sides compare the same two summaries, each made under the link's key before either was
    // seen (so an author cannot have picked chains to make different sets agree): they decide alike.
    if (items == this.proofItems && fp == this.proofFp) { this.reconDone = true; return NONE; }
    if (this.central) {
      this.keyed();
      if (!this.room(RECON_CAP)) return R_QUEUE;
      this.commit(MSG_RECON, <u32>openRecon(this.body(), RECON_CAP));
    }
    return NONE;
  }

  /** A newer beacon than our HELLO said we hold; verified once (beacon.ts, B2). */
  private onBeacon(): i32 {
    if (this.gotBeacon || this.rxLen != BEACON_SIZE) return R_HELLO;
    this.gotBeacon = true;
    this.beaconIn = true; // settle() checks it, in rx
    return NONE;
  }

  private checkBeacon(local: u64): void {
    // A beacon that does not verify is ignored, not held against the peer: it is the organiser's word, not
    // the peer's, and a badge of another event (another event key) honestly passes on its own. It costs one
    // verification a link at most (gotBeacon), as the PROOF does. Without an event key nothing is checked.
    beaconOffer(this.rx + 1, local);
  }

  private onRecon(now: u64): i32 {
    this.keyed();
    // The reply is written straight into the queue; an honest peer leaves room for it (CTL_CAP).
    if (!this.room(RECON_CAP)) return R_QUEUE;
    if (this.rounds >= <u8>RECON_ROUNDS_MAX) return R_ROUNDS;
    this.rounds++;
    const out = this.body();
    answering = changetype<usize>(this);
    const n = reconcile(reader, out, RECON_CAP, now, wantOf);
    if (n < 0) return R_RECON;
    if (n == 0) { this.reconDone = true; return NONE; }
    // One SKIP over everything: we found nothing more; the peer will not answer.
    if (load<u8>(out) == 1 && <u32>load<u8>(out, 9) == SKIP) this.reconDone = true;
    this.commit(MSG_RECON, <u32>n);
    return NONE;
  }

  private onWant(): i32 {
    const owner = reader.span(32);
    const have = reader.varint();
    if (reader.failed || reader.remaining() != 0) return R_TYPE;
    if (this.sTail - this.sHead >= SERVES) return R_QUEUE;
    const i = <usize>(this.sTail % SERVES);
    memory.copy(this.sOwner + (i << 5), owner, 32);
    store<u32>(this.sNext + (i << 2), have < 0xffffffff ? have + 1 : have);
    this.sTail++;
    return NONE;
  }

  private onBlocks(now: u64): i32 {
    if (this.wHead == this.wSent) return R_UNASKED;
    const n = reader.u8();
    const ptr = reader.pos;
    const len = <u32>reader.remaining();
    const i = <usize>(this.wHead % WANTS);
    const asked = load<u32>(this.wTheirs + (i << 2)) - load<u32>(this.wHave + (i << 2));
    if (reader.failed || n == 0 || this.wGot + n > asked) return R_UNASKED;
    // The run must be exactly n whole blocks. A block over BLOCK_MAX is refused, as the store
    // refuses it (a rule, not the peer's fault: dropped quietly), and so is the rest of the run,
    // which cannot link without it: `fit` ends the blocks before it.
    // Every block must be by the owner we asked for: a run of another author's blocks would push in a
    // chain this badge never asked for, past the per-link bound on new chains (#12, finding 3).
    const wanted = this.wOwner + (i << 5);
    let at: u32 = 0;
    let fit: u32 = 0xffffffff;
    for (let k: u32 = 0; k < n; k++) {
      if (at >= len || scanFeedBlock(ptr + <usize>at, <i32>(len - at), <i32>(len - at), scanOut) != SCAN_OK) return R_BAD_BLOCK;
      const ko = load<i32>(scanOut + OUT_KEY_OFFSET);
      if (ko < 0 || load<i32>(scanOut + OUT_KEY_LEN) != 32 || ownerCompare(ptr + <usize>at + <usize>ko, wanted) != 0) return R_UNASKED;
      const size = <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
      if (size > <u32>BLOCK_MAX && fit > at) fit = at;
      at += size;
    }
    if (at != len) return R_BAD_BLOCK;
    this.wGot += n;
    if (this.wRefused) return NONE; // cannot link: an earlier block of this want was refused or cut
    const bigAt = fit; // where a block over BLOCK_MAX ends the run (QUIET_MAX counts it), or past its end
    // What the store takes from sync is bounded by what it can hold, not by the height the peer
    // claimed (#12, finding 3): only free room (dispatch without evict, engine E9), never the
    // chain slots sync leaves free (CHAIN_RESERVE, whatever the other links fetch meanwhile), and
    // at most as many blocks as there are free block slots. The rest of the run is dropped
    // quietly, before any signature work: an honest peer whose chain is taller than our room is
    // not at fault (and the rest of this want is dropped unchecked: it cannot link).
    if (repoChainIndex(wanted) < 0 && repoFreeChains() <= CHAIN_RESERVE) return NONE;
    const room = <u32>max(repoFreeBlocks(), 0);
    if (room == 0) return NONE;
    if (room < n) {
      at = 0;
      for (let k: u32 = 0; k < room; k++) {
        scanFeedBlock(ptr + <usize>at, <i32>(len - at), <i32>(len - at), scanOut); // parsed above
        at += <u32>load<i32>(scanOut + OUT_BLOCK_SIZE);
      }
      if (at < fit) { fit = at; this.wRefused = true; }
    }
    if (fit == 0) return this.refusedQuietly(); // only a block over BLOCK_MAX cuts a run to nothing: room > 0
    // Orphans it brings wait in the pending pool as this link's: a link flooding it drops its own (pending.ts, P4).
    pendingSource(this.index + 1);
    const rc = dispatch(ptr, min(fit, len), now, false);
    pendingSource(0);
    // Forged or broken blocks are the peer's doing, and so are blocks no honest badge stores (another
    // author on a chain, -49; dated before their parent, -68); refusals by the rules (dated ahead,
    // evicted, full, waiting for a parent, over BLOCK_MAX) need not be, but count (QUIET_MAX).
    if (rc == -60 || rc == -61 || rc == -50 || rc == -51 || rc == -49 || rc == -68) return R_BAD_BLOCK;
    // A chain without enrolment while GUEST_MAX guests are held (engine E11): not counted (QUIET_MAX). An
    // honest neighbour holding many guests offers them all; what each costs us is bounded by the new
    // chains a link may bring (NEW_CHAINS_MAX), each a run of signature checks at most.
    if (rc == E_GUEST) { this.wRefused = true; return NONE; }
    if (rc < 0 || (bigAt < len && fit == bigAt)) {
      const why = this.refusedQuietly();
      if (why != NONE) return why;
    }
    if (rc > 0) {
      this.progressAt = this.lastRx;
      this.blocksRx += <u32>rc;
      itemsRefresh();
      const owner = wanted;
      const p = outboxPut(STORED, this.handle, 36);
      if (p != 0) {
        memory.copy(p, owner, 32);
        store<u32>(p, heightOf(owner), 32);
      }
    }
    return NONE;
  }

  /** The rules refused this want's blocks without fault of the peer: the rest is dropped unchecked; QUIET_MAX. */
  private refusedQuietly(): i32 {
    this.wRefused = true;
    return ++this.quiet > <u8>QUIET_MAX ? R_QUIET : NONE;
  }

  private onEnd(): i32 {
    const owner = reader.span(32);
    if (reader.failed || reader.remaining() != 0 || this.wHead == this.wSent) return R_END;
    if (ownerCompare(owner, this.wOwner + (<usize>(this.wHead % WANTS) << 5)) != 0) return R_END;
    this.wHead++;
    this.wGot = 0;
    this.wRefused = false;
    return NONE;
  }
}

// The link slots and their buffers, in static memory (sizes and RAM costs in profile.ts).
const LINK_SIZE: usize = (offsetof<Link>() + 7) & ~7;
const links: usize = memory.data(<i32>(LINK_SIZE * <usize>MAX_LINKS), 8);
const peerPks: usize = memory.data(<i32>(32 * MAX_LINKS));
const rxs: usize = memory.data(<i32>(<usize>MSG_MAX * <usize>MAX_LINKS));
const ctls: usize = memory.data(<i32>(<usize>CTL_CAP * <usize>MAX_LINKS));
const wOwners: usize = memory.data(<i32>(<usize>WANTS * 32 * <usize>MAX_LINKS));
const wHaves: usize = memory.data(<i32>(<usize>WANTS * 4 * <usize>MAX_LINKS));
const wTheirss: usize = memory.data(<i32>(<usize>WANTS * 4 * <usize>MAX_LINKS));
const sOwners: usize = memory.data(<i32>(<usize>SERVES * 32 * <usize>MAX_LINKS));
const sNexts: usize = memory.data(<i32>(<usize>SERVES * 4 * <usize>MAX_LINKS));

/**
 * Link slot i: every caller loops over the slots (i < MAX_LINKS) or holds a
 * slot it found.
 */
@inline export function linkAt(i: i32): Link { return changetype<Link>(links + <usize>i * LINK_SIZE); }

for (let i = 0; i < MAX_LINKS; i++) {
  const l = linkAt(i);
  const k = <usize>i;
  l.index = i;
  l.peerPk = peerPks + k * 32;
  l.rx = rxs + k * <usize>MSG_MAX;
  l.ctl = ctls + k * <usize>CTL_CAP;
  l.wOwner = wOwners + k * <usize>WANTS * 32;
  l.wHave = wHaves + k * <usize>WANTS * 4;
  l.wTheirs = wTheirss + k * <usize>WANTS * 4;
  l.sOwner = sOwners + k * <usize>SERVES * 32;
  l.sNext = sNexts + k * <usize>SERVES * 4;
}

// The link whose RECON is being answered: wantOf() hands it what the reconciliation found.
let answering: usize = 0;
function wantOf(owner: usize, have: u32, theirs: u32): void {
  changetype<Link>(answering).want(owner, have, theirs);
}

/** The link slot with this host handle, or -1. */
export function linkByHandle(handle: u32): i32 {
  for (let i = 0; i < MAX_LINKS; i++) if (linkAt(i).used && linkAt(i).handle == handle) return i;
  return -1;
}

/** The link already talking to the badge with this public key (proven: P1), or -1. */
export function linkToPeer(pk: usize): i32 {
  for (let i = 0; i < MAX_LINKS; i++) {
    const l = linkAt(i);
    if (l.used && l.proven && ownerCompare(l.peerPk, pk) == 0) return i;
  }
  return -1;
}

export function freeLinkSlots(): i32 {
  let n = 0;
  for (let i = 0; i < MAX_LINKS; i++) if (!linkAt(i).used) n++;
  return n;
}
