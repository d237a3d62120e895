import { FE, feFromBytes, feToBytes, feMul, feSq, feInvert, feSub, feIsNonZero, feIsNegative } from '../crypto/field25519';
import { scReduce64, scMulAdd, scIsCanonical } from '../crypto/scalar25519';
import { publicKey, sign, verify } from '../crypto/ed25519';
import { slotHolds, slotClaim, slotForget } from '../crypto/keyslot';

/** Zeroed scratch for n field elements (the core itself uses static `memory.data`). */
function feAlloc(n: i32): usize {
  const p = heap.alloc(<usize>n * FE);
  memory.fill(p, 0, <usize>n * FE);
  return p;
}

const P_LE = 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'; // p = 2^255 - 19
const L_LE = 'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';

describe('GF(2^255 - 19)', () => {
  it('encodes canonically: p reads as 0, p + 1 as 1, 2^255 - 1 as 18', () => {
    const f = feAlloc(1);
    const out = heap.alloc(32);
    feFromBytes(f, bytes(P_LE));
    feToBytes(out, f);
    expect(hex(out, 32)).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    feFromBytes(f, bytes('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'));
    feToBytes(out, f);
    expect(hex(out, 32)).toBe('0100000000000000000000000000000000000000000000000000000000000000');
    feFromBytes(f, bytes('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'));
    feToBytes(out, f);
    expect(hex(out, 32)).toBe('1200000000000000000000000000000000000000000000000000000000000000', 'bit 255 ignored');
  });

  it('round-trips canonical values', () => {
    const f = feAlloc(1);
    const out = heap.alloc(32);
    const v = 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'; // p - 1
    feFromBytes(f, bytes(v));
    feToBytes(out, f);
    expect(hex(out, 32)).toBe(v);
    expect(feIsNegative(f)).toBe(0, 'p - 1 is even');
  });

  it('inverts: x * (1 / x) = 1, and (p - 1)^2 = 1', () => {
    const x = feAlloc(1), y = feAlloc(1), z = feAlloc(1);
    const out = heap.alloc(32);
    feFromBytes(x, bytes('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd0f'));
    feInvert(y, x);
    feMul(z, x, y);
    feToBytes(out, z);
    expect(hex(out, 32)).toBe('0100000000000000000000000000000000000000000000000000000000000000');
    feFromBytes(x, bytes('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'));
    feSq(y, x);
    feToBytes(out, y);
    expect(hex(out, 32)).toBe('0100000000000000000000000000000000000000000000000000000000000000');
    feSub(z, y, y);
    expect(feIsNonZero(z)).toBe(0);
  });
});

describe('scalars mod L', () => {
  it('reduces L to 0 and L + 5 to 5', () => {
    const wide = heap.alloc(64);
    const out = heap.alloc(32);
    memory.fill(wide, 0, 64);
    memory.copy(wide, bytes(L_LE), 32);
    scReduce64(out, wide);
    expect(hex(out, 32)).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    store<u8>(wide, load<u8>(wide) + 5);
    scReduce64(out, wide);
    expect(hex(out, 32)).toBe('0500000000000000000000000000000000000000000000000000000000000000');
  });

  it('multiplies and adds: 3 * 5 + 7 = 22; (L - 1) * (L - 1) + 0 = 1', () => {
    const a = bytes('0300000000000000000000000000000000000000000000000000000000000000');
    const b = bytes('0500000000000000000000000000000000000000000000000000000000000000');
    const c = bytes('0700000000000000000000000000000000000000000000000000000000000000');
    const out = heap.alloc(32);
    scMulAdd(out, a, b, c);
    expect(hex(out, 32)).toBe('1600000000000000000000000000000000000000000000000000000000000000');
    const m = bytes('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    scMulAdd(out, m, m, bytes('0000000000000000000000000000000000000000000000000000000000000000'));
    expect(hex(out, 32)).toBe('0100000000000000000000000000000000000000000000000000000000000000');
  });

  it('tells canonical S (below L) from S >= L', () => {
    expect(scIsCanonical(bytes('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'))).toBe(1);
    expect(scIsCanonical(bytes(L_LE))).toBe(0);
    expect(scIsCanonical(bytes('0000000000000000000000000000000000000000000000000000000000000000'))).toBe(1);
    expect(scIsCanonical(bytes('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'))).toBe(0);
  });
});

// RFC 8032 section 7.1, TEST 1 and TEST 3.
describe('Ed25519 (RFC 8032 vectors)', () => {
  it('TEST 1: empty message', () => {
    const seed = bytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pk = heap.alloc(32);
    const sig = heap.alloc(64);
    publicKey(seed, pk);
    expect(hex(pk, 32)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    sign(seed, 0, 0, sig);
    expect(hex(sig, 64)).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
    expect(verify(sig, pk, 0, 0)).toBe(1);
    store<u8>(sig + 40, load<u8>(sig + 40) ^ 1);
    expect(verify(sig, pk, 0, 0)).toBe(0);
  });

  it('TEST 3: two-byte message, verified repeatedly (cached key path)', () => {
    const seed = bytes('c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7');
    const msg = bytes('af82');
    const pk = heap.alloc(32);
    const sig = heap.alloc(64);
    publicKey(seed, pk);
    expect(hex(pk, 32)).toBe('fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025');
    sign(seed, msg, 2, sig);
    expect(hex(sig, 64)).toBe('6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a');
    for (let i = 0; i < 3; i++) expect(verify(sig, pk, msg, 2)).toBe(1);
    expect(verify(sig, pk, msg, 1)).toBe(0);
  });
});

// Drives the bookkeeping exactly as ed25519.ts's decodeKey does and
// counts table builds: 30 KiB of work each on the host.
function tableBuilds(keys: string): i32 {
  slotForget();
  const a = heap.alloc(32); memory.fill(a, 0xaa, 32);
  const b = heap.alloc(32); memory.fill(b, 0xbb, 32);
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    const pk = keys.charAt(i) == 'A' ? a : b;
    if (slotHolds(pk)) continue;
    if (slotClaim(pk)) n++;
  }
  return n;
}

describe("the comb table's owner (keyslot.ts, host profile)", () => {
  it('gives the table to a key seen twice in a row, and keeps it while authors alternate', () => {
    expect(tableBuilds('AB')).toBe(0, 'no key twice in a row');
    expect(tableBuilds('AA')).toBe(1);
    expect(tableBuilds('AAAAAA')).toBe(1, 'one author: one build');
    // The bug of issue #9: a table hit left the last key behind, so this built 4 tables.
    expect(tableBuilds('AABABABAB')).toBe(1, 'A, A, then A and B alternating');
    expect(tableBuilds('AABB')).toBe(2, 'B seen twice in a row takes the table');
    expect(tableBuilds('AABBAB')).toBe(2);
  });
});
