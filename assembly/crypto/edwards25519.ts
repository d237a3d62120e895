// The twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19):
// point formats, additions and scalar multiplications from ref10
// (Bernstein, Duif, Lange, Schwabe, Yang), plus ZIP-215 decoding.
//
// Point formats, each a run of 80-byte field elements at a pointer:
//   P3      (X, Y, Z, T)            extended: x = X/Z, y = Y/Z, xy = T/Z
//   P1P1    (X, Y, Z, T)            completed: x = X/Z, y = Y/T
//   P2      (X, Y, Z)               projective
//   CACHED  (Y+X, Y-X, Z, 2dT)      a P3 ready to be added
//   PRECOMP (y+x, y-x, 2dxy)        an affine point ready to be added
// Tables keep PRECOMP entries compactly as i32 limbs: 120 bytes each.
//
// The output of a formula must not alias its inputs (ref10 writes some
// outputs before it has read all inputs). Everything lives in static
// scratch (`memory.data`), laid out when the module is compiled.

import {
  FE, fe0, fe1, feCopy, feAdd, feSub, feNeg, feMul, feSq, feSq2, feCmov,
  feInvert, fePow22523, feFromBytes, feToBytes, feIsNegative, feIsNonZero, feLoad32, feStore32,
} from './field25519';
import { COMB_TABLES, BASE_NAF_WIDTH } from '../profile';
import { CRYPTO_SCRATCH, CRYPTO_SCRATCH_BYTES } from './scratch';

export const P3: usize = 4 * FE;
export const PRECOMP: usize = 3 * FE;
export const ENTRY: usize = 120; // compact PRECOMP
/** A comb table: 32 rows of (1..8) * 256^row * P. */
export const COMB_TABLE: usize = 32 * 8 * ENTRY;

const X: usize = 0;
const Y: usize = FE;
const Z: usize = 2 * FE;
const T: usize = 3 * FE;

// Field constants, decoded from their encodings at start.
// Checked against BigInt arithmetic in the specs: d = -121665/121666,
// sqrt(-1) = 2^((p-1)/4), the base point's y = 4/5.
const D: usize = memory.data(<i32>FE);
feFromBytes(D, memory.data<u8>([
  0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
  0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
]));
const D2: usize = memory.data(<i32>FE);
feFromBytes(D2, memory.data<u8>([
  0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
  0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
]));
const SQRTM1: usize = memory.data(<i32>FE);
feFromBytes(SQRTM1, memory.data<u8>([
  0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
  0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
]));
export const BASE_ENCODED: usize = memory.data<u8>([
  0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
]);

export function p3Identity(h: usize): void {
  fe0(h + X);
  fe1(h + Y);
  fe1(h + Z);
  fe0(h + T);
}

export function p3Copy(h: usize, p: usize): void {
  memory.copy(h, p, P3);
}

export function p3Neg(h: usize, p: usize): void {
  feNeg(h + X, p + X);
  feCopy(h + Y, p + Y);
  feCopy(h + Z, p + Z);
  feNeg(h + T, p + T);
}

const t0: usize = memory.data(<i32>FE);

/** r (P1P1) = 2 p, where p is a P2 (or the first three coordinates of a P3). */
export function dbl(r: usize, p: usize): void {
  feSq(r + X, p + X);
  feSq(r + Z, p + Y);
  feSq2(r + T, p + Z);
  feAdd(r + Y, p + X, p + Y);
  feSq(t0, r + Y);
  feAdd(r + Y, r + Z, r + X);
  feSub(r + Z, r + Z, r + X);
  feSub(r + X, t0, r + Y);
  feSub(r + T, r + T, r + Z);
}

export function p1p1ToP2(r: usize, p: usize): void {
  feMul(r + X, p + X, p + T);
  feMul(r + Y, p + Y, p + Z);
  feMul(r + Z, p + Z, p + T);
}

export function p1p1ToP3(r: usize, p: usize): void {
  feMul(r + X, p + X, p + T);
  feMul(r + Y, p + Y, p + Z);
  feMul(r + Z, p + Z, p + T);
  feMul(r + T, p + X, p + Y);
}

export function p3ToCached(r: usize, p: usize): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feCopy(r + Z, p + Z);
  feMul(r + T, p + T, D2);
}

/** r (P1P1) = p (P3) + q (CACHED), or p - q when negate is true. */
export function addCached(r: usize, p: usize, q: usize, negate: bool): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feMul(r + Z, r + X, q + (negate ? Y : X));
  feMul(r + Y, r + Y, q + (negate ? X : Y));
  feMul(r + T, q + T, p + T);
  feMul(r + X, p + Z, q + Z);
  feAdd(t0, r + X, r + X);
  feSub(r + X, r + Z, r + Y);
  feAdd(r + Y, r + Z, r + Y);
  if (negate) {
    feSub(r + Z, t0, r + T);
    feAdd(r + T, t0, r + T);
  } else {
    feAdd(r + Z, t0, r + T);
    feSub(r + T, t0, r + T);
  }
}

/** r (P1P1) = p (P3) + q (PRECOMP), or p - q when negate is true. */
export function addPrecomp(r: usize, p: usize, q: usize, negate: bool): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feMul(r + Z, r + X, q + (negate ? Y : X));
  feMul(r + Y, r + Y, q + (negate ? X : Y));
  feMul(r + T, q + Z, p + T); // xy2d is the third element
  feAdd(t0, p + Z, p + Z);
  feSub(r + X, r + Z, r + Y);
  feAdd(r + Y, r + Z, r + Y);
  if (negate) {
    feSub(r + Z, t0, r + T);
    feAdd(r + T, t0, r + T);
  } else {
    feAdd(r + Z, t0, r + T);
    feSub(r + T, t0, r + T);
  }
}

/** 1 when the P2/P3 point p is the identity (X = 0 and Y = Z). Variable time. */
export function isIdentity(p: usize): i32 {
  if (feIsNonZero(p + X)) return 0;
  feSub(t0, p + Y, p + Z);
  return <i32>!feIsNonZero(t0);
}

const coord: usize = memory.data(<i32>FE);

/**
 * 1 when [8]p = 0 for the P2/P3 point p, with one doubling instead of
 * three: [8]p = 0 ⇔ 2p is in the 4-torsion {(0, 1), (0, -1), (±√-1, 0)}
 * (the torsion is cyclic of order 8) ⇔ x(2p)·y(2p) = 0. The completed
 * point's denominators never vanish; its numerators are multiplied by them
 * (as for a P2) so feIsNonZero gets carried limbs. Variable time.
 */
export function isTorsion8(p: usize): i32 {
  const twice = r2;
  dbl(twice, p);
  feMul(coord, twice + X, twice + T);
  if (!feIsNonZero(coord)) return 1;
  feMul(coord, twice + Y, twice + Z);
  return <i32>!feIsNonZero(coord);
}

// ---- encoding ------------------------------------------------------------

const u: usize = memory.data(<i32>FE);
const v: usize = memory.data(<i32>FE);
const v3: usize = memory.data(<i32>FE);
const vx2: usize = memory.data(<i32>FE);
const chk: usize = memory.data(<i32>FE);
const recip: usize = memory.data(<i32>FE);

/**
 * Decodes 32 bytes into h (P3) the way ZIP-215 and @noble/curves (zip215: true)
 * do: y is bits 0..254 taken as they are, even when >= p; x is the square
 * root of (y^2 - 1) / (d y^2 + 1), and bit 255 picks its sign, also when
 * x = 0. Returns 0, or -1 when there is no square root. Variable time.
 */
export function decodeZip215(h: usize, s: usize): i32 {
  feFromBytes(h + Y, s);
  fe1(h + Z);
  feSq(u, h + Y);
  feMul(v, u, D);
  feSub(u, u, h + Z); // u = y^2 - 1
  feAdd(v, v, h + Z); // v = d y^2 + 1

  feSq(v3, v);
  feMul(v3, v3, v); // v^3
  feSq(h + X, v3);
  feMul(h + X, h + X, v);
  feMul(h + X, h + X, u); // u v^7
  fePow22523(h + T, h + X); // (u v^7)^((p - 5) / 8)
  feMul(h + X, h + T, v3);
  feMul(h + X, h + X, u); // x = u v^3 (u v^7)^((p - 5) / 8)

  feSq(vx2, h + X);
  feMul(vx2, vx2, v);
  feSub(chk, vx2, u);
  if (feIsNonZero(chk)) {
    feAdd(chk, vx2, u);
    if (feIsNonZero(chk)) return -1;
    feMul(h + X, h + X, SQRTM1);
  }
  // Take the even root, then the sign bit's choice (so x = 0 stays 0).
  if (feIsNegative(h + X)) feNeg(h + X, h + X);
  if ((load<u8>(s + 31) >> 7) != 0) feNeg(h + X, h + X);
  feMul(h + T, h + X, h + Y);
  return 0;
}

/** Writes the canonical encoding of the P3 point p to s (32 bytes). */
export function encode(s: usize, p: usize): void {
  feInvert(recip, p + Z);
  feMul(u, p + X, recip);
  feMul(v, p + Y, recip);
  feToBytes(s, v);
  store<u8>(s + 31, load<u8>(s + 31) ^ <u8>(feIsNegative(u) << 7));
}

/** Canonical encoding of a point with Z = 1 (fresh from decodeZip215): no inversion needed. */
export function encodeAffine(s: usize, p: usize): void {
  feToBytes(s, p + Y);
  store<u8>(s + 31, load<u8>(s + 31) ^ <u8>(feIsNegative(p + X) << 7));
}

// ---- comb tables -----------------------------------------------------------

// Entries normalised per inversion: a comb table 64 at a time (host), the
// odd-multiple tables of B at once (their size: 8 on a badge, 40 B each).
const CHUNK: i32 = COMB_TABLES ? 64 : 1 << (BASE_NAF_WIDTH - 2);
// Temporaries of table builds and of mulBase. On a badge (no comb tables)
// tables are built only at module start and mulBase runs only in signing:
// both borrow the crypto scratch (scratch.ts), laid out here; the host
// builds comb tables during verification and keeps them static.
const S_R2: usize = 0;
const S_SEL: usize = S_R2 + P3;
const S_CAND: usize = S_SEL + 3 * FE;
const S_HALVES: usize = S_CAND + 3 * FE; // halfLo, halfHi: 20 bytes each
const S_T3: usize = S_HALVES + 40;
const S_ROW: usize = S_T3 + P3;
const S_ACC: usize = S_ROW + P3;
const S_CQ: usize = S_ACC + P3;
const S_R1: usize = S_CQ + P3;
const S_Z: usize = S_R1 + P3; // zacc, zinv, ax, ay, tz
const S_PREFIX: usize = S_Z + 5 * FE;
const S_END: usize = S_PREFIX + <usize>CHUNK * 40;
if (!COMB_TABLES && S_END > <usize>CRYPTO_SCRATCH_BYTES) unreachable();

const prefix: usize = COMB_TABLES ? memory.data(<i32>(<usize>CHUNK * 40)) : CRYPTO_SCRATCH + S_PREFIX;
const row: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_ROW;
const acc: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_ACC;
const cq: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_CQ;
const r1: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_R1;
const zacc: usize = COMB_TABLES ? memory.data(<i32>FE) : CRYPTO_SCRATCH + S_Z;
const zinv: usize = COMB_TABLES ? memory.data(<i32>FE) : CRYPTO_SCRATCH + S_Z + FE;
const ax: usize = COMB_TABLES ? memory.data(<i32>FE) : CRYPTO_SCRATCH + S_Z + 2 * FE;
const ay: usize = COMB_TABLES ? memory.data(<i32>FE) : CRYPTO_SCRATCH + S_Z + 3 * FE;
const tz: usize = COMB_TABLES ? memory.data(<i32>FE) : CRYPTO_SCRATCH + S_Z + 4 * FE;

/**
 * Fills table (COMB_TABLE bytes) with (j + 1) * 256^i * P as compact
 * PRECOMP entries, for rows i < 32 and j < 8: ref10's base table, for any P.
 * Projective points are parked in the entries and turned affine CHUNK at a
 * time with one inversion (Montgomery's trick).
 */
export function combTableBuild(table: usize, p: usize): void {
  p3Copy(row, p);
  for (let i = 0; i < 32; i++) {
    p3Copy(acc, row);
    p3ToCached(cq, row);
    park(table + <usize>(i * 8) * ENTRY, 8);
    if (i < 31) {
      for (let k = 0; k < 8; k++) {
        dbl(r1, row);
        if (k < 7) p1p1ToP2(row, r1);
        else p1p1ToP3(row, r1);
      }
    }
    if (((i + 1) * 8) % CHUNK == 0) normalise(table + <usize>((i + 1) * 8 - CHUNK) * ENTRY, CHUNK);
  }
}

/** Parks acc, acc + Q, …, acc + (n − 1)Q (Q in cq, as CACHED) as projective entries (X, Y, Z) from first on. */
function park(first: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    const e = first + <usize>j * ENTRY;
    if (j > 0) {
      addCached(r1, acc, cq, false);
      p1p1ToP3(acc, r1);
    }
    feStore32(e, acc + X);
    feStore32(e + 40, acc + Y);
    feStore32(e + 80, acc + Z);
  }
}

/** Turns n ≤ CHUNK parked projective entries (X, Y, Z) into PRECOMP (y+x, y-x, 2dxy). */
function normalise(first: usize, n: i32): void {
  fe1(zacc);
  for (let k = 0; k < n; k++) {
    feStore32(prefix + <usize>k * 40, zacc);
    feLoad32(tz, first + <usize>k * ENTRY + 80);
    feMul(zacc, zacc, tz);
  }
  feInvert(zinv, zacc);
  for (let k = n - 1; k >= 0; k--) {
    const e = first + <usize>k * ENTRY;
    feLoad32(tz, prefix + <usize>k * 40);
    feMul(tz, tz, zinv); // 1 / Z_k
    feLoad32(ax, e + 80);
    feMul(zinv, zinv, ax); // drop Z_k from the running inverse
    feLoad32(ax, e);
    feMul(ax, ax, tz);
    feLoad32(ay, e + 40);
    feMul(ay, ay, tz);
    feAdd(u, ay, ax);
    feStore32(e, u);
    feSub(u, ay, ax);
    feStore32(e + 40, u);
    feMul(u, ax, ay);
    feMul(u, u, D2);
    feStore32(e + 80, u);
  }
}

/**
 * Fills table with the odd multiples P, 3P, ..., (2n - 1)P of p as compact
 * PRECOMP entries (n ≤ CHUNK): the fixed points' tables of a width-w NAF.
 */
export function oddTableBuild(table: usize, p: usize, n: i32): void {
  p3Copy(acc, p);
  dbl(r1, p);
  p1p1ToP3(row, r1);
  p3ToCached(cq, row); // 2P
  park(table, n);
  normalise(table, n);
}

/** Unpacks a compact PRECOMP entry into q (3 elements). */
export function loadEntry(q: usize, e: usize): void {
  feLoad32(q, e);
  feLoad32(q + FE, e + 40);
  feLoad32(q + 2 * FE, e + 80);
}

// ---- scalar recoding -------------------------------------------------------

/** 64 signed radix-16 digits in [-8, 8] of a scalar below 2^255. Branch-free. */
export function recode16(e: usize, a: usize): void {
  for (let i: usize = 0; i < 32; i++) {
    const b = <i32>load<u8>(a + i);
    store<i8>(e + 2 * i, <i8>(b & 15));
    store<i8>(e + 2 * i + 1, <i8>(b >> 4));
  }
  let carry: i32 = 0;
  for (let i: usize = 0; i < 63; i++) {
    let d = <i32>load<i8>(e + i) + carry;
    carry = (d + 8) >> 4;
    d -= carry << 4;
    store<i8>(e + i, <i8>d);
  }
  store<i8>(e + 63, <i8>(<i32>load<i8>(e + 63) + carry));
}

// ---- base-point multiplication (constant time) ------------------------------

// B's comb table (host profile; 8 bytes of nothing on a badge).
const BASE_TABLE: usize = memory.data(<i32>(COMB_TABLES ? COMB_TABLE : 8));
const digits: usize = COMB_TABLES ? memory.data(64) : 0; // comb digits (host)
const digits2: usize = COMB_TABLES ? memory.data(64) : 0;
const sel: usize = COMB_TABLES ? memory.data(3 * <i32>FE) : CRYPTO_SCRATCH + S_SEL;
const cand: usize = COMB_TABLES ? memory.data(3 * <i32>FE) : CRYPTO_SCRATCH + S_CAND;
// Also times8's: batch.ts multiplies by 8 after its scratch is done with.
const r2: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_R2;

/** sel = sign(b) * table[pos][|b| - 1], or the identity for b = 0, in constant time. */
function selectCt(table: usize, pos: i32, b: i32): void {
  const neg = <i64>((b >> 31) & 1);
  const babs = b - ((b + b) & (b >> 31)); // |b|
  fe1(sel);
  fe1(sel + FE);
  fe0(sel + 2 * FE);
  for (let j = 1; j <= 8; j++) {
    loadEntry(cand, table + <usize>(pos * 8 + j - 1) * ENTRY);
    const eq = <i64>(((babs ^ j) - 1) >>> 31); // 1 when babs == j
    feCmov(sel, cand, eq);
    feCmov(sel + FE, cand + FE, eq);
    feCmov(sel + 2 * FE, cand + 2 * FE, eq);
  }
  negateSelCt(neg);
}

/** sel = -sel when neg == 1, in constant time: -P swaps y+x with y-x and negates 2dxy. */
function negateSelCt(neg: i64): void {
  feCopy(cand, sel + FE);
  feCopy(cand + FE, sel);
  feNeg(cand + 2 * FE, sel + 2 * FE);
  feCmov(sel, cand, neg);
  feCmov(sel + FE, cand + FE, neg);
  feCmov(sel + 2 * FE, cand + 2 * FE, neg);
}

/** h (P3) = a * B for a secret scalar a < 2^255, in constant time. */
export function mulBase(h: usize, a: usize): void {
  if (COMB_TABLES) mulBaseComb(h, a);
  else mulBaseOdd(h, a);
}

function mulBaseComb(h: usize, a: usize): void {
  recode16(digits, a);
  p3Identity(h);
  for (let i = 1; i < 64; i += 2) {
    selectCt(BASE_TABLE, i >> 1, <i32>load<i8>(digits + <usize>i));
    addPrecomp(r2, h, sel, false);
    p1p1ToP3(h, r2);
  }
  times16(h);
  for (let i = 0; i < 64; i += 2) {
    selectCt(BASE_TABLE, i >> 1, <i32>load<i8>(digits + <usize>i));
    addPrecomp(r2, h, sel, false);
    p1p1ToP3(h, r2);
  }
}

// Without comb tables (badge profile), a * B = lo * B + hi * 2^127 B with
// lo = a mod 2^127 and hi = a >> 127 (< 2^128), each over the odd
// multiples (B, 3B, ..., (2^r - 1)B, r = BASE_NAF_WIDTH - 1) of ODD_B and
// ODD_B127, in the regular signed recoding of Joye and Tunstall (radix
// 2^r, every digit odd, |d| < 2^r): for odd m, m_0 = m,
// d_i = (m_i mod 2^(r+1)) - 2^r, m_(i+1) = (m_i - d_i) / 2^r = (m_i >> r) | 1.
// So m_i = (m >> ri) | 1 and
//   d_i = (((m >> ri) mod 2^(r+1)) | 1) - 2^r  (i < n - 1),   d_(n-1) = (m >> r(n-1)) | 1,
// with n = ceil(128 / r) and m = sum d_i 2^(ri): every digit from fixed
// bits, no carry, no zero digit, one addition per digit from a table scan
// with masks. An even half is made odd (m | 1) and its B (or 2^127 B)
// subtracted at the end, the choice again by masks. Radix 8 (a badge):
// 126 doublings and 88 additions.
const RADIX_BITS: i32 = BASE_NAF_WIDTH - 1;
const ODD_DIGITS: i32 = (128 + RADIX_BITS - 1) / RADIX_BITS;
const ODD_SCAN: i32 = 1 << (RADIX_BITS - 1); // table entries a digit can pick
// 16 bytes and zero padding for 4-byte loads, each.
const halfLo: usize = COMB_TABLES ? memory.data(20) : CRYPTO_SCRATCH + S_HALVES;
const halfHi: usize = COMB_TABLES ? memory.data(20) : CRYPTO_SCRATCH + S_HALVES + 20;

/** Digit i (0..ODD_DIGITS - 1) of the odd 128-bit number at m (see above). */
@inline function oddDigit(m: usize, i: i32): i32 {
  const at = i * RADIX_BITS;
  const w = <i32>(load<u32>(m + <usize>(at >> 3)) >> <u32>(at & 7));
  return i < ODD_DIGITS - 1
    ? ((w & ((2 << RADIX_BITS) - 1)) | 1) - (1 << RADIX_BITS)
    : (w & ((1 << RADIX_BITS) - 1)) | 1;
}

/** sel = d * table[(|d| - 1) / 2] for odd d, |d| < 2^RADIX_BITS, in constant time. */
function selectOddCt(table: usize, d: i32): void {
  const s = d >> 31;
  const idx = (((d ^ s) - s) - 1) >> 1; // (|d| - 1) / 2
  for (let j = 0; j < ODD_SCAN; j++) {
    loadEntry(cand, table + <usize>j * ENTRY);
    const eq = <i64>(((idx ^ j) - 1) >>> 31); // 1 when idx == j
    feCmov(sel, cand, eq);
    feCmov(sel + FE, cand + FE, eq);
    feCmov(sel + 2 * FE, cand + 2 * FE, eq);
  }
  negateSelCt(<i64>(s & 1));
}

/** h -= P (table's first entry) when even == 1, h -= identity otherwise, in constant time. */
function subtractIfCt(h: usize, table: usize, even: i64): void {
  fe1(sel);
  fe1(sel + FE);
  fe0(sel + 2 * FE);
  loadEntry(cand, table);
  feCmov(sel, cand, even);
  feCmov(sel + FE, cand + FE, even);
  feCmov(sel + 2 * FE, cand + 2 * FE, even);
  addPrecomp(r2, h, sel, true);
  p1p1ToP3(h, r2);
}

function mulBaseOdd(h: usize, a: usize): void {
  const a1 = load<u64>(a, 8);
  const a2 = load<u64>(a, 16);
  const a3 = load<u64>(a, 24);
  const lo0 = load<u64>(a);
  const hi0 = (a1 >> 63) | (a2 << 1);
  store<u64>(halfLo, lo0 | 1);
  store<u64>(halfLo, a1 & 0x7fffffffffffffff, 8);
  store<u32>(halfLo, 0, 16);
  store<u64>(halfHi, hi0 | 1);
  store<u64>(halfHi, (a2 >> 63) | (a3 << 1), 8);
  store<u32>(halfHi, 0, 16);
  p3Identity(h);
  for (let i = ODD_DIGITS - 1; i >= 0; i--) {
    if (i < ODD_DIGITS - 1) {
      for (let k = 1; k < RADIX_BITS; k++) {
        dbl(r2, h);
        p1p1ToP2(h, r2);
      }
      dbl(r2, h);
      p1p1ToP3(h, r2);
    }
    selectOddCt(ODD_B, oddDigit(halfLo, i));
    addPrecomp(r2, h, sel, false);
    p1p1ToP3(h, r2);
    selectOddCt(ODD_B127, oddDigit(halfHi, i));
    addPrecomp(r2, h, sel, false);
    p1p1ToP3(h, r2);
  }
  subtractIfCt(h, ODD_B, <i64>(1 - (lo0 & 1)));
  subtractIfCt(h, ODD_B127, <i64>(1 - (hi0 & 1)));
  memory.fill(halfLo, 0, 20);
  memory.fill(halfHi, 0, 20);
}

function times16(h: usize): void {
  dbl(r2, h);
  p1p1ToP2(h, r2);
  dbl(r2, h);
  p1p1ToP2(h, r2);
  dbl(r2, h);
  p1p1ToP2(h, r2);
  dbl(r2, h);
  p1p1ToP3(h, r2);
}

/** h (P3) = 8 h. */
export function times8(h: usize): void {
  dbl(r2, h);
  p1p1ToP2(h, r2);
  dbl(r2, h);
  p1p1ToP2(h, r2);
  dbl(r2, h);
  p1p1ToP3(h, r2);
}

// ---- double-scalar multiplication, variable time (public scalars only) -------

/** h += sign(d) * table[pos][|d| - 1]; nothing for d = 0. */
function combStep(h: usize, table: usize, pos: i32, d: i32, negate: bool): void {
  if (d == 0) return;
  const a = d < 0 ? -d : d;
  loadEntry(sel, table + <usize>(pos * 8 + a - 1) * ENTRY);
  addPrecomp(r2, h, sel, (d < 0) != negate);
  p1p1ToP3(h, r2);
}

/**
 * h (P3) = s * B - k * A, where aTable is A's comb table: 128 mixed
 * additions and 4 doublings. s and k are public scalars below 2^255.
 */
export function mulDoubleComb(h: usize, s: usize, aTable: usize, k: usize): void {
  recode16(digits, s);
  recode16(digits2, k);
  p3Identity(h);
  for (let i = 1; i < 64; i += 2) {
    combStep(h, BASE_TABLE, i >> 1, <i32>load<i8>(digits + <usize>i), false);
    combStep(h, aTable, i >> 1, <i32>load<i8>(digits2 + <usize>i), true);
  }
  times16(h);
  for (let i = 0; i < 64; i += 2) {
    combStep(h, BASE_TABLE, i >> 1, <i32>load<i8>(digits + <usize>i), false);
    combStep(h, aTable, i >> 1, <i32>load<i8>(digits2 + <usize>i), true);
  }
}

const t3: usize = COMB_TABLES ? memory.data(<i32>P3) : CRYPTO_SCRATCH + S_T3; // module start only

// ---- module start: the base point's tables ----------------------------------

// Module start only. On a badge B shares t3's place: B is done with once
// its table is built, when t3 starts as B (the copy is then a no-op).
const base: usize = COMB_TABLES ? memory.data(<i32>P3) : t3;

/** Width of the NAF digits of scalars on the fixed points B and 2^127 B (profile.ts). */
export { BASE_NAF_WIDTH };
const ODD_COUNT: i32 = 1 << (BASE_NAF_WIDTH - 2); // digits ±1, ±3, ..., ±(2^(w-1) - 1)
/** B, 3B, ..., 63B as compact PRECOMP entries. */
export const ODD_B: usize = memory.data(<i32>(<usize>ODD_COUNT * ENTRY));
/** The same multiples of 2^127 B, for the high part of a scalar. */
export const ODD_B127: usize = memory.data(<i32>(<usize>ODD_COUNT * ENTRY));

/** Writes the base point B (P3, Z = 1) to h and returns h. */
export function basePoint(h: usize): usize {
  decodeZip215(h, BASE_ENCODED);
  return h;
}

/** Writes the P3 point with Z = 1 whose x and y are stored compactly at c (80 bytes, storeAffine) to h. */
export function expandAffine(h: usize, c: usize): void {
  feLoad32(h + X, c);
  feLoad32(h + Y, c + 40);
  fe1(h + Z);
  feMul(h + T, h + X, h + Y); // as decodeZip215 computes it
}

/** Stores x and y of the P3 point p with Z = 1 fresh from decodeZip215 (carried limbs) compactly at c (80 bytes). */
export function storeAffine(c: usize, p: usize): void {
  feStore32(c, p + X);
  feStore32(c + 40, p + Y);
}

function initBaseTables(): void {
  decodeZip215(base, BASE_ENCODED);
  if (COMB_TABLES) combTableBuild(BASE_TABLE, base);
  oddTableBuild(ODD_B, base, ODD_COUNT);
  p3Copy(t3, base);
  for (let i = 0; i < 127; i++) {
    dbl(r2, t3);
    p1p1ToP3(t3, r2);
  }
  oddTableBuild(ODD_B127, t3, ODD_COUNT);
}
initBaseTables();
