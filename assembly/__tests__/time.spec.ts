import { BlockContext, Latch, ACCEPT, PER_AUTHOR, collectionAt } from '../store/collection';
import { CborReader } from '../store/cbor';
import { registerCollection, mount, dispatch, tick, E_FUTURE } from '../store/engine';
import { E_EVICTED } from '../repo/repo';
import { cards, NOT_OWNER } from '../store/contacts';
import { later } from '../store/time';
import { publicKey, sign } from '../crypto/ed25519';

// Issue #12, finding 1's arithmetic: times near 2^64 must not wrap (store/time.ts).

// A collection whose states expire near the end of u64 time, but not NEVER.
const FAR: u64 = 0xfffffffffffffff0;
function anyText(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 {
  return payload.text() ? ACCEPT : 1;
}
function expireFar(state: usize, latch: Latch): u64 { return FAR; }
registerCollection('far', PER_AUTHOR, 8, anyText, expireFar);

const END: u64 = 0xffffffffffffffff;
const T0: u64 = 1_700_000_000_000;
const buf: usize = heap.alloc(1024);
const seed: usize = heap.alloc(32);
const pk: usize = heap.alloc(32);

/** A genesis block by the key from seed byte s: body ['far', 'hi', 1700000000000]. Its length. */
function genesis(s: u8): i32 {
  memory.fill(seed, s, 32);
  publicKey(seed, pk);
  const body = bytes('83636661726268691b0000018bcfe56800');
  const bodyLen = 17;
  const size = 34 + bodyLen;
  let o = buf + 64;
  store<u8>(o++, <u8>size);
  store<u8>(o++, 0); store<u8>(o++, 1); memory.copy(o, pk, 32); o += 32;
  memory.copy(o, body, bodyLen); o += bodyLen;
  const len = <i32>(o - buf);
  sign(seed, buf + 64, <usize>(len - 64), buf);
  return len;
}

describe('saturating time', () => {
  it('adds without wrapping', () => {
    expect(later(1, 2)).toBe(3);
    expect(later(END - 5, 5)).toBe(END);
    expect(later(END - 5, 6)).toBe(END);
    expect(later(END, END)).toBe(END);
  });

  it('does not refuse a block as dated ahead when the clock is near 2^64 (now + SKEW used to wrap)', () => {
    expect(mount(4096, 4, 16 * 4096, 0)).toBe(0);
    const n = genesis(1);
    expect(dispatch(buf, <u32>n, END - 1000)).not.toBe(E_FUTURE);
    expect(dispatch(buf, <u32>n, END - 1000)).toBe(0, 'stored before');
  });

  it('evicts a state that expires near 2^64 with a tombstone whose time does not wrap into the past', () => {
    expect(mount(4096, 4, 16 * 4096, T0)).toBe(0);
    const n = genesis(2);
    expect(dispatch(buf, <u32>n, T0)).toBe(1);
    expect(tick(END)).toBeGreaterThanOrEqual(1, 'FAR has passed (for the chain the test before stored too)');
    // The tombstone holds until FAR + SKEW, saturated: the chain may not come back.
    expect(dispatch(buf, <u32>n, T0)).toBe(E_EVICTED);
  });
});

describe('the cards collection', () => {
  it('refuses a block whose author is not the card\'s owner, by itself', () => {
    const col = collectionAt(cards);
    const ctx = new BlockContext();
    const state = heap.alloc(64);
    const draft = heap.alloc(64);
    memory.fill(state, 0, 64);
    const payload = bytes('a1646e616d656178'); // { name: 'x' }
    const reader = new CborReader();
    const alice = heap.alloc(32);
    const mallory = heap.alloc(32);
    memory.fill(alice, 0xa1, 32);
    memory.fill(mallory, 0xa1, 32);
    store<u8>(mallory, 0x33, 31); // differs in the last byte only
    ctx.owner = alice;
    ctx.chain = alice;
    ctx.date = T0;
    ctx.fresh = true;
    ctx.author = mallory;
    reader.reset(payload, 8);
    expect(col.compute(state, draft, reader, ctx)).toBe(NOT_OWNER);
    ctx.author = alice;
    reader.reset(payload, 8);
    expect(col.compute(state, draft, reader, ctx)).toBe(ACCEPT);
  });
});
