// The multiplication of a verification with half-size scalars (lattice.ts):
//
//   h = t·B − w·R − u'·A,   t = w·S mod L < 2^253, w < 2^126, |u'| < 2^127
//
// as one interleaved run of ~127 doublings: t splits into t0 + 2^127·t1 on
// the fixed points B and 2^127·B (tables of 32 odd multiples built at start,
// NAF width 7: width 8 was 1 µs faster and 7.5 KiB bigger than the badge
// can spare), and R and A get 8 odd multiples each (NAF width 5) built
// here. Against ref10's double_scalarmult_vartime on (k, S): half the
// doublings, about the same number of additions. Variable time (public
// inputs only); nothing allocates after start.

import {
  P3, PRECOMP, ODD_B, ODD_B127, BASE_NAF_WIDTH, ENTRY,
  dbl, p1p1ToP2, p1p1ToP3, p3ToCached, addCached, addPrecomp, loadEntry, p3Identity,
} from './edwards25519';
import { NAF_LEN, nafRecode } from './naf';

const POINT_NAF_WIDTH: i32 = 5; // digits ±1..±15: P, 3P, ..., 15P
const ODD_POINTS: usize = 8;

const tableR: usize = memory.data(<i32>(ODD_POINTS * P3)); // CACHED
const tableA: usize = memory.data(<i32>(ODD_POINTS * P3));
const digitsT0: usize = memory.data(<i32>(NAF_LEN));
const digitsT1: usize = memory.data(<i32>(NAF_LEN));
const digitsR: usize = memory.data(<i32>(NAF_LEN));
const digitsA: usize = memory.data(<i32>(NAF_LEN));
const half0: usize = memory.data(16); // t mod 2^127
const half1: usize = memory.data(16); // t >> 127
const sum: usize = memory.data(<i32>P3); // P1P1
const p3: usize = memory.data(<i32>P3);
const two: usize = memory.data(<i32>P3);
const entry: usize = memory.data(<i32>PRECOMP);
// The first addition starts from the identity: no doubling, no conversion.
let fresh: bool = false;

/** P, 3P, ..., 15P as CACHED points. */
function oddMultiples(table: usize, p: usize): void {
  p3ToCached(table, p);
  dbl(sum, p);
  p1p1ToP3(two, sum);
  for (let i: usize = 1; i < ODD_POINTS; i++) {
    addCached(sum, two, table + (i - 1) * P3, false);
    p1p1ToP3(p3, sum);
    p3ToCached(table + i * P3, p3);
  }
}

/** p3 = the running sum as a P3 (the identity before the first addition). */
@inline function current(): void {
  if (fresh) {
    p3Identity(p3);
    fresh = false;
  } else p1p1ToP3(p3, sum);
}

/** sum (P1P1) += d · (fixed point's entry), from a width-8 table. */
@inline function addFixed(table: usize, d: i32): void {
  current();
  loadEntry(entry, table + <usize>((d < 0 ? -d : d) >> 1) * ENTRY);
  addPrecomp(sum, p3, entry, d < 0);
}

/** sum (P1P1) += ±|d| · (point's entry); negate picks the minus. */
@inline function addPoint(table: usize, d: i32, negate: bool): void {
  current();
  addCached(sum, p3, table + <usize>((d < 0 ? -d : d) >> 1) * P3, negate);
}

/**
 * h (P3) = t·B − w·R − u'·A with u' = −u when uNegative, else u. t is 32
 * bytes below 2^253 (w·S mod L), w and u 16 bytes each below 2^127; R and
 * A are P3.
 */
export function mulHalf(h: usize, t: usize, r: usize, w: usize, a: usize, u: usize, uNegative: bool): void {
  const t1 = load<u64>(t, 8);
  const t2 = load<u64>(t, 16);
  const t3 = load<u64>(t, 24);
  store<u64>(half0, load<u64>(t));
  store<u64>(half0, t1 & 0x7fffffffffffffff, 8);
  store<u64>(half1, (t1 >> 63) | (t2 << 1));
  store<u64>(half1, (t2 >> 63) | (t3 << 1), 8);
  let top = nafRecode(digitsT0, half0, 16, BASE_NAF_WIDTH);
  top = max(top, nafRecode(digitsT1, half1, 16, BASE_NAF_WIDTH));
  top = max(top, nafRecode(digitsR, w, 16, POINT_NAF_WIDTH));
  top = max(top, nafRecode(digitsA, u, 16, POINT_NAF_WIDTH));
  oddMultiples(tableR, r);
  oddMultiples(tableA, a);
  p3Identity(h);
  // At top - 1 some digit is non-zero, so the first addition happens there.
  fresh = true;
  for (let i = top - 1; i >= 0; i--) {
    if (!fresh) dbl(sum, h);
    const at = <usize>i;
    let d = <i32>load<i8>(digitsT0 + at);
    if (d != 0) addFixed(ODD_B, d);
    d = <i32>load<i8>(digitsT1 + at);
    if (d != 0) addFixed(ODD_B127, d);
    d = <i32>load<i8>(digitsR + at);
    if (d != 0) addPoint(tableR, d, d > 0); // − w R
    d = <i32>load<i8>(digitsA + at);
    if (d != 0) addPoint(tableA, d, (d > 0) != uNegative); // − u' A
    if (i > 0) p1p1ToP2(h, sum);
    else p1p1ToP3(h, sum);
  }
}
