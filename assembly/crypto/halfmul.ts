// Multi-scalar multiplication for verification (variable time: public
// inputs only), and its main use, a verification with half-size scalars
// (lattice.ts):
//
//   h = t·B − w·R − u'·A,   t = w·S mod L < 2^253, w < 2^126, |u'| < 2^127
//
// as one interleaved run of ~127 doublings: t splits into t0 + 2^127·t1 on
// the fixed points B and 2^127·B (odd multiples built at start, NAF width
// BASE_NAF_WIDTH), and R and A get 8 odd multiples each (NAF width
// POINT_NAF_WIDTH) built here. Against ref10's double_scalarmult_vartime
// on (k, S): half the doublings, about the same number of additions.
// Batch verification (batch.ts) runs the same loop over more terms.
//
// A term is a scalar's NAF digits and the table its digits index: a fixed
// point's compact PRECOMP entries (120 B) or a point's compact CACHED
// entries (160 B: four elements as i32 limbs, which a CACHED point's
// limbs always fit: sums of two carried elements at most). The tables and
// digits live in the crypto scratch (scratch.ts); nothing allocates.

import {
  P3, ENTRY, ODD_B, ODD_B127, BASE_NAF_WIDTH,
  dbl, p1p1ToP2, p1p1ToP3, p3ToCached, addCached, addPrecomp, loadEntry, p3Identity, expandAffine,
} from './edwards25519';
import { FE, feLoad32, feStore32 } from './field25519';
import { NAF_LEN, nafRecode } from './naf';
import { CRYPTO_SCRATCH, CRYPTO_SCRATCH_BYTES } from './scratch';
import { POINT_NAF_WIDTH } from '../profile';

/** A compact CACHED entry: 4 elements as i32 limbs. */
export const CACHED_ENTRY: usize = 160;
/** Bytes of a table of odd multiples for NAF width w. */
export function oddTableBytes(w: i32): usize { return <usize>(1 << (w - 2)) * CACHED_ENTRY; }

// mulHalf lays out two point tables and four digit strings in CRYPTO_SCRATCH
// (scratch.ts sizes it): a mismatch stops the module's start.
if (<usize>2 * oddTableBytes(POINT_NAF_WIDTH) + <usize>4 * NAF_LEN > <usize>CRYPTO_SCRATCH_BYTES) unreachable();

export const TERMS_MAX: i32 = 10;
const TERM: usize = 16; // digits (u32), table (u32), flags (u32), positions the digits cover (u32)
const FIXED: u32 = 1; // the table holds compact PRECOMP entries
const NEGATE: u32 = 2; // subtract this term
const terms: usize = memory.data(<i32>(<usize>TERMS_MAX * TERM));
let termCount: i32 = 0;
let termTop: i32 = 0;

const sum: usize = memory.data(<i32>P3); // P1P1
const p3: usize = memory.data(<i32>P3);
const two: usize = memory.data(<i32>P3);
const entry: usize = memory.data(<i32>P3); // a PRECOMP or CACHED entry, unpacked
// The first addition starts from the identity: no doubling, no conversion.
let fresh: bool = false;

/**
 * Fills table with P, 3P, ..., (2n − 1)P of the P3 point p as compact
 * CACHED entries. p is read before anything is written, so it may be p3.
 */
export function oddMultiples(table: usize, p: usize, n: i32): void {
  p3ToCached(entry, p);
  storeCached(table, entry);
  dbl(sum, p);
  p1p1ToP3(two, sum);
  for (let i = 1; i < n; i++) {
    addCached(sum, two, entry, false); // entry: the previous multiple
    p1p1ToP3(p3, sum);
    p3ToCached(entry, p3);
    storeCached(table + <usize>i * CACHED_ENTRY, entry);
  }
}

function storeCached(e: usize, c: usize): void {
  feStore32(e, c);
  feStore32(e + 40, c + FE);
  feStore32(e + 80, c + 2 * FE);
  feStore32(e + 120, c + 3 * FE);
}

/** Starts a multi-scalar multiplication with no terms. */
export function termsBegin(): void {
  termCount = 0;
  termTop = 0;
}

/**
 * Adds the term ±(scalar of `bytes` bytes at s)·P, whose NAF (width w)
 * goes to digits (8·bytes + 8 bytes), with P's table of odd multiples:
 * compact PRECOMP when fixed, else compact CACHED.
 */
export function termAdd(digits: usize, s: usize, bytes: i32, w: i32, table: usize, fixed: bool, negate: bool): void {
  termTop = max(termTop, nafRecode(digits, s, bytes, w));
  const t = terms + <usize>termCount * TERM;
  store<u32>(t, <u32>digits);
  store<u32>(t, <u32>table, 4);
  store<u32>(t, (fixed ? FIXED : 0) | (negate ? NEGATE : 0), 8);
  store<u32>(t, <u32>(bytes << 3) + 8, 12); // a 128-bit weight's digits end where a 253-bit scalar's go on
  termCount++;
}

/** h (P3) = the sum of the terms added since termsBegin. */
export function termsEnd(h: usize): void {
  p3Identity(h);
  // At termTop - 1 some digit is non-zero, so the first addition happens there.
  fresh = true;
  for (let i = termTop - 1; i >= 0; i--) {
    if (!fresh) dbl(sum, h);
    for (let j = 0; j < termCount; j++) {
      const t = terms + <usize>j * TERM;
      if (<u32>i >= load<u32>(t, 12)) continue;
      const d = <i32>load<i8>(<usize>load<u32>(t) + <usize>i);
      if (d == 0) continue;
      if (fresh) {
        p3Identity(p3);
        fresh = false;
      } else p1p1ToP3(p3, sum);
      const flags = load<u32>(t, 8);
      const at = <usize>load<u32>(t, 4) + <usize>((d < 0 ? -d : d) >> 1) * ((flags & FIXED) != 0 ? ENTRY : CACHED_ENTRY);
      const negate = (d < 0) != ((flags & NEGATE) != 0);
      if ((flags & FIXED) != 0) {
        loadEntry(entry, at);
        addPrecomp(sum, p3, entry, negate);
      } else {
        loadEntry(entry, at);
        feLoad32(entry + 3 * FE, at + 120);
        addCached(sum, p3, entry, negate);
      }
    }
    if (i > 0) p1p1ToP2(h, sum);
    else p1p1ToP3(h, sum);
  }
}

const half0: usize = memory.data(16); // t mod 2^127
const half1: usize = memory.data(16); // t >> 127

/**
 * h (P3) = t·B − w·R − u'·A with u' = −u when uNegative, else u. t is 32
 * bytes below 2^253 (w·S mod L), w and u 16 bytes each below 2^127; R and
 * A are points with Z = 1 stored compactly (edwards25519.ts's storeAffine).
 */
export function mulHalf(h: usize, t: usize, r: usize, w: usize, a: usize, u: usize, uNegative: bool): void {
  const tableBytes = oddTableBytes(POINT_NAF_WIDTH);
  const tableR = CRYPTO_SCRATCH;
  const tableA = tableR + tableBytes;
  const digits = tableA + tableBytes;
  const t1 = load<u64>(t, 8);
  const t2 = load<u64>(t, 16);
  const t3 = load<u64>(t, 24);
  store<u64>(half0, load<u64>(t));
  store<u64>(half0, t1 & 0x7fffffffffffffff, 8);
  store<u64>(half1, (t1 >> 63) | (t2 << 1));
  store<u64>(half1, (t2 >> 63) | (t3 << 1), 8);
  // p3 holds each point only until its table has read it.
  expandAffine(p3, r);
  oddMultiples(tableR, p3, 1 << (POINT_NAF_WIDTH - 2));
  expandAffine(p3, a);
  oddMultiples(tableA, p3, 1 << (POINT_NAF_WIDTH - 2));
  termsBegin();
  termAdd(digits, half0, 16, BASE_NAF_WIDTH, ODD_B, true, false);
  termAdd(digits + NAF_LEN, half1, 16, BASE_NAF_WIDTH, ODD_B127, true, false);
  termAdd(digits + 2 * NAF_LEN, w, 16, POINT_NAF_WIDTH, tableR, false, true); // − w R
  termAdd(digits + 3 * NAF_LEN, u, 16, POINT_NAF_WIDTH, tableA, false, !uNegative); // − u' A
  termsEnd(h);
}
