import { halfSize } from '../crypto/lattice';
import { nafRecode, NAF_LEN } from '../crypto/naf';
import { mulHalf } from '../crypto/halfmul';
import { scReduce64, scMulAdd } from '../crypto/scalar25519';
import { scReduce64Vartime, scMul128Vartime } from '../crypto/scalar-vartime';
import { Sha512 } from '../crypto/sha512';
import { P3, basePoint, storeAffine, isIdentity, isTorsion8, times8, decodeZip215, p3ToCached, addCached, p1p1ToP3 } from '../crypto/edwards25519';

const L_LE = 'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';

// [name, k, u, |v|, sign of v]: the half-way extended Euclid on (L, k),
// computed with BigInt (remainders r ≡ t·k mod L, stopped at the first
// r < 2^127), little-endian hex.
const EXPECTED: string[][] = [
  ['k = 0', '0000000000000000000000000000000000000000000000000000000000000000', '00000000000000000000000000000000', '01000000000000000000000000000000', '1'],
  ['k = 1', '0100000000000000000000000000000000000000000000000000000000000000', '01000000000000000000000000000000', '01000000000000000000000000000000', '1'],
  ['k = 2', '0200000000000000000000000000000000000000000000000000000000000000', '02000000000000000000000000000000', '01000000000000000000000000000000', '1'],
  ['k = L - 1', 'ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', '01000000000000000000000000000000', '01000000000000000000000000000000', '-1'],
  ['k = (L - 1) / 2', 'f6e97a2e8d31092c6bce7b51ef7c6f0a00000000000000000000000000000008', '01000000000000000000000000000000', '02000000000000000000000000000000', '-1'],
  ['k = 2^127 - 1', 'ffffffffffffffffffffffffffffff7f00000000000000000000000000000000', 'ffffffffffffffffffffffffffffff7f', '01000000000000000000000000000000', '1'],
  ['k = 2^127', '0000000000000000000000000000008000000000000000000000000000000000', 'edd3f55c1a631258d69cf7a2def9de14', '00000000000000000000000000000020', '-1'],
  ['k = 2^252', '0000000000000000000000000000000000000000000000000000000000000010', 'edd3f55c1a631258d69cf7a2def9de14', '01000000000000000000000000000000', '-1'],
  ['k = SHA-512("0") mod L', '08336c2a13451f14afae2644775fef8dd015988bd69795e0b443e0994de47b00', '05ce16ecdb7c5bd4e0e4268afb227c48', '1b71e68873403ad28db53ad3fa9cb004', '1'],
  ['k = SHA-512("1") mod L', '8f7065e6cdf9cb668e006212ce2d7bba08463df98a2164ab32d8dda39f69cb09', '1013b0bfc49622da8d3bec62deb4fb3c', 'b7b012d81d34a663312fce27b51d0113', '1'],
  ['k = SHA-512("2") mod L', 'ca537cf33097fca71a262fe40345b81ddfb8ffd95c4822611aeb2753aadcb104', '375039d1f42fcc4c57f471f812de527c', '95afdd912922598674b7c5a7662f7e19', '-1'],
  ['k = SHA-512("3") mod L', '969d0208fc894bfd7e845aea18e8bee729259c93e7466a43ee155745a988840d', 'f1e6b52f4c7792d013a1338d945ce81a', '8e626f7c7e808af576c50fb2befebf02', '-1'],
];

const u = heap.alloc(32);
const v = heap.alloc(32);
const vk = heap.alloc(32);
const zero = heap.alloc(32);
const lMinusU = heap.alloc(32);

/** Checks u ≡ sign·|v|·k (mod L) with scalar arithmetic independent of lattice.ts. */
function congruent(k: usize, sign: i32): bool {
  memory.fill(zero, 0, 32);
  memory.fill(u + 16, 0, 16);
  memory.fill(v + 16, 0, 16);
  scMulAdd(vk, v, k, zero); // |v| k mod L
  if (sign > 0) return hex(vk, 32) == hex(u, 32);
  // -|v| k ≡ u  ⇔  |v| k + u ≡ 0
  scMulAdd(lMinusU, v, k, u);
  return hex(lMinusU, 32) == hex(zero, 32);
}

describe('half-size scalars (lattice.ts)', () => {
  it('matches the BigInt half-way Euclid on edge cases and hashed challenges, with and without Lehmer runs', () => {
    for (let i = 0; i < EXPECTED.length; i++) {
      const c = EXPECTED[i];
      const k = bytes(c[1]);
      for (let exact = 0; exact < 2; exact++) {
        const sign = halfSize(u, v, k, exact == 0);
        expect(hex(u, 16)).toBe(c[2], c[0] + ': u');
        expect(hex(v, 16)).toBe(c[3], c[0] + ': |v|');
        expect(sign).toBe(I32.parseInt(c[4]), c[0] + ': sign of v');
        expect(congruent(k, sign)).toBe(true, c[0] + ': u ≡ v k (mod L)');
      }
    }
  });

  it('keeps u ≡ v·k (mod L), u < 2^127 and 0 < |v| < 2^126 for 1000 hashed k; Lehmer runs give the exact Euclid result', () => {
    const sha = new Sha512();
    const digest = heap.alloc(64);
    const k = heap.alloc(32);
    const counter = heap.alloc(4);
    for (let i = 0; i < 1000; i++) {
      store<u32>(counter, i);
      sha.reset();
      sha.update(counter, 4);
      sha.final(digest);
      scReduce64(k, digest);
      // Every 4th k is pushed near a boundary: small, near L, near 2^127.
      if (i % 4 == 1) memory.fill(k + 16, 0, 16);
      if (i % 4 == 2) memory.copy(k + 4, bytes(L_LE) + 4, 28);
      if (i % 4 == 3) { memory.fill(k + 16, 0, 16); store<u8>(k + 15, load<u8>(k + 15) | 0x80); }
      const sign = halfSize(u, v, k);
      // Lehmer's runs must land on Euclid's own remainders: the same u, v as
      // one quotient at a time by long division.
      const uL = hex(u, 16);
      const vL = hex(v, 16);
      expect(halfSize(u, v, k, false)).toBe(sign, 'sign, exact');
      expect(hex(u, 16)).toBe(uL, 'u, Lehmer = exact');
      expect(hex(v, 16)).toBe(vL, '|v|, Lehmer = exact');
      expect(load<u8>(u + 15) < 0x80).toBe(true, 'u < 2^127');
      expect(load<u8>(v + 15) < 0x40).toBe(true, '|v| < 2^126');
      expect(load<u64>(v) | load<u64>(v, 8)).not.toBe(0, 'v ≠ 0');
      expect(congruent(k, sign)).toBe(true, 'u ≡ v k (mod L)');
    }
  });
});

/** Σ d_i 2^i over 5 signed 32-bit limbs, compared with the 16 bytes at s. */
function nafValueIs(digits: usize, s: usize): bool {
  const acc = new StaticArray<i64>(6);
  for (let i = <i32>NAF_LEN - 1; i >= 0; i--) {
    for (let j = 0; j < 6; j++) acc[j] *= 2;
    acc[0] += <i64>load<i8>(digits + <usize>i);
    for (let j = 0; j < 5; j++) {
      const c = acc[j] >> 32;
      acc[j] -= c << 32;
      acc[j + 1] += c;
    }
  }
  for (let j = 0; j < 4; j++) if (acc[j] != <i64>load<u32>(s + <usize>(j << 2))) return false;
  return acc[4] == 0 && acc[5] == 0;
}

describe('width-w NAF (naf.ts)', () => {
  it('recodes 128-bit scalars into odd digits |d| < 2^(w-1), w - 1 zeros apart, summing to the scalar', () => {
    const digits = heap.alloc(NAF_LEN);
    const s = heap.alloc(16);
    const sha = new Sha512();
    const digest = heap.alloc(64);
    const widths: i32[] = [2, 5, 8];
    for (let i = 0; i < 300; i++) {
      store<u32>(digest, i);
      sha.reset();
      sha.update(digest, 4);
      sha.final(digest);
      memory.copy(s, digest, 16);
      if (i == 0) memory.fill(s, 0, 16);
      if (i == 1) memory.fill(s, 0xff, 16); // 2^128 - 1: a carry out of the top
      if (i == 2) { memory.fill(s, 0, 16); store<u8>(s, 1); }
      for (let wi = 0; wi < widths.length; wi++) {
        const w = widths[wi];
        const top = nafRecode(digits, s, 16, w);
        expect(nafValueIs(digits, s)).toBe(true, 'value');
        let last = -1000;
        let highest = 0;
        for (let p = 0; p < <i32>NAF_LEN; p++) {
          const d = <i32>load<i8>(digits + <usize>p);
          if (d == 0) continue;
          expect(d & 1).toBe(1, 'odd');
          expect(abs(d) < (1 << (w - 1))).toBe(true, 'in range');
          expect(p - last >= w).toBe(true, 'spaced');
          last = p;
          highest = p + 1;
        }
        expect(top).toBe(highest, 'top');
        expect(top <= 129).toBe(true, 'at most 129 positions');
      }
    }
  });
});

describe('half-size multiplication (halfmul.ts)', () => {
  it('t B - w R - u A vanishes exactly when t ≡ w + u (mod L), with R = A = B', () => {
    const h = heap.alloc(P3);
    const t = heap.alloc(32);
    const w = bytes('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    store<u8>(w + 15, load<u8>(w + 15) & 0x3f);
    const uu = bytes('8899aabbccddeeff0011223344556677');
    store<u8>(uu + 15, load<u8>(uu + 15) & 0x7f);
    const w32 = heap.alloc(32);
    memory.fill(w32, 0, 32);
    memory.copy(w32, w, 16);
    const u32 = heap.alloc(32);
    memory.fill(u32, 0, 32);
    memory.copy(u32, uu, 16);
    const one = bytes('0100000000000000000000000000000000000000000000000000000000000000');
    scMulAdd(t, w32, one, u32); // t = w + u
    const b = heap.alloc(80); // B, compactly
    storeAffine(b, basePoint(heap.alloc(P3)));
    mulHalf(h, t, b, w, b, uu, false);
    expect(isIdentity(h)).toBe(1, 't = w + u');
    // With u negated: t B - w B + u B vanishes for t = w - u = w + (L - 1) u.
    const lMinus1 = bytes('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    scMulAdd(t, lMinus1, u32, w32);
    mulHalf(h, t, b, w, b, uu, true);
    expect(isIdentity(h)).toBe(1, 't = w - u');
    store<u8>(t, load<u8>(t) ^ 1);
    mulHalf(h, t, b, w, b, uu, true);
    expect(isIdentity(h)).toBe(0, 't off by one');
  });
});

describe('scalars mod L for public values (scalar-vartime.ts)', () => {
  it('reduce 64 bytes and multiply 128 × 256 bits exactly like scalar25519.ts', () => {
    const sha = new Sha512();
    const x = heap.alloc(64);
    const a = heap.alloc(32);
    const want = heap.alloc(32);
    const got = heap.alloc(32);
    memory.fill(zero, 0, 32);
    for (let i = 0; i < 600; i++) {
      store<u32>(x, i);
      sha.reset();
      sha.update(x, 4);
      sha.final(x);
      if (i == 0) memory.fill(x, 0, 64);
      if (i == 1) memory.fill(x, 0xff, 64); // 2^512 - 1
      if (i == 2) { memory.fill(x, 0, 64); memory.copy(x, bytes(L_LE), 32); } // L
      if (i == 3) { memory.fill(x, 0, 64); memory.copy(x, bytes(L_LE), 32); store<u8>(x, 0xec); } // L - 1
      if (i == 4) { memory.fill(x, 0, 64); memory.copy(x + 32, bytes(L_LE), 32); } // 2^256 L
      if (i % 3 == 2 && i > 4) memory.fill(x + 32 + (i % 32), 0, 32 - (i % 32)); // shorter numbers
      scReduce64(want, x);
      scReduce64Vartime(got, x);
      expect(hex(got, 32)).toBe(hex(want, 32), 'reduce');
      // a < 2^128 times b < 2^256 (b need not be reduced).
      memory.fill(a, 0, 32);
      memory.copy(a, x + 7, 16);
      if (i == 1) memory.fill(a, 0xff, 16);
      scMulAdd(want, a, x + 32, zero);
      scMul128Vartime(got, a, x + 32);
      expect(hex(got, 32)).toBe(hex(want, 32), 'multiply');
    }
  });
});

// The 8 points of order dividing 8, canonically encoded.
const TORSION_ENC: string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];

describe('the cofactor check (edwards25519.ts isTorsion8)', () => {
  it('says [8]P = 0 exactly for the 8 torsion points, as three doublings do', () => {
    const p = heap.alloc(P3);
    const q = heap.alloc(P3);
    const c = heap.alloc(P3);
    const s = heap.alloc(P3);
    for (let i = 0; i < TORSION_ENC.length; i++) {
      expect(decodeZip215(p, bytes(TORSION_ENC[i]))).toBe(0, TORSION_ENC[i]);
      expect(isTorsion8(p)).toBe(1, TORSION_ENC[i]);
      memory.copy(q, p, P3);
      times8(q);
      expect(isIdentity(q)).toBe(1, TORSION_ENC[i] + ' times 8');
      // T + B and T + 2B are not torsion points.
      p3ToCached(c, basePoint(s));
      addCached(s, p, c, false);
      p1p1ToP3(q, s);
      expect(isTorsion8(q)).toBe(0, TORSION_ENC[i] + ' + B');
      addCached(s, q, c, false);
      p1p1ToP3(q, s);
      expect(isTorsion8(q)).toBe(0, TORSION_ENC[i] + ' + 2B');
    }
  });
});
