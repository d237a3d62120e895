import { BlockContext, Latch, ACCEPT, NEVER, PER_CHAIN } from '../store/collection';
import { CborReader } from '../store/cbor';
import { registerCollection, mount, dispatch, readState } from '../store/engine';
import { publicKey, sign } from '../crypto/ed25519';
import { repoHas } from '../repo/repo';

// A collection keyed per chain: a running count of notes in each chain.
function countNote(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 {
  if (!payload.text()) return 1;
  store<u64>(draft, load<u64>(state) + 1);
  return ACCEPT;
}
function notesNeverExpire(state: usize, latch: Latch): u64 { return NEVER; }
const notes = registerCollection('notes', PER_CHAIN, 8, countNote, notesNeverExpire);

const T0: u64 = 1_700_000_000_000;
const feed: usize = heap.alloc(4096);
const seed: usize = heap.alloc(32);
const pk: usize = heap.alloc(32);
const out: usize = heap.alloc(64);

/**
 * Writes a signed picofeed block at at: SIG | varint size | AUTHOR | [PSIG] | body
 * (body: CBOR ['notes', 'hi', T0]). Returns its length.
 */
function block(at: usize, parent: usize): i32 {
  const body = bytes('83656e6f746573626869' + '1b0000018bcfe56800'); // ['notes', 'hi', 1700000000000]
  const bodyLen = 1 + 6 + 3 + 9;
  const headers = 34 + (parent ? 66 : 0);
  const size = headers + bodyLen;
  let o = at + 64;
  store<u8>(o++, <u8>(size & 0x7f | 0x80));
  store<u8>(o++, <u8>(size >> 7));
  store<u8>(o++, 0); store<u8>(o++, 1); memory.copy(o, pk, 32); o += 32;
  if (parent) { store<u8>(o++, 0); store<u8>(o++, 2); memory.copy(o, parent, 64); o += 64; }
  memory.copy(o, body, bodyLen); o += bodyLen;
  const len = <i32>(o - at);
  sign(seed, at + 64, <usize>(len - 64), at);
  return len;
}

describe('engine with a per-chain collection (in-memory flash)', () => {
  it('keys states by the chain genesis signature', () => {
    memory.fill(seed, 7, 32);
    publicKey(seed, pk);
    expect(mount(4096, 4, 16 * 4096, T0)).toBe(0);
    const a = block(feed, 0);
    const b = block(feed + <usize>a, feed);
    expect(dispatch(feed, <u32>a, T0)).toBe(1);
    expect(readState(notes, feed, out)).toBe(8, 'state after genesis');
    expect(repoHas(feed)).toBe(true, 'genesis stored');
    expect(dispatch(feed + <usize>a, <u32>b, T0)).toBe(1);
    expect(dispatch(feed, <u32>(a + b), T0)).toBe(0, 'the whole feed again: nothing new');
    // The object's id is the first 32 bytes of the genesis signature.
    expect(readState(notes, feed, out)).toBe(8);
    expect(load<u64>(out)).toBe(2);
    expect(readState(notes, pk, out)).toBe(-58, 'not keyed by author');
    // States are rebuilt from flash at mount.
    expect(mount(4096, 4, 16 * 4096, T0)).toBe(0);
    expect(readState(notes, feed, out)).toBe(8);
    expect(load<u64>(out)).toBe(2);
  });
});
