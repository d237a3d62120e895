// The crypto scratch: one static area for the big temporaries of a
// verification (tables of odd multiples, NAF digit strings), which live
// only during one call: mulHalf's (halfmul.ts) in verifyEnd, the batch's
// (batch.ts) in verifyRun; on a badge also the odd-multiple tables' build
// at module start and mulBase's temporaries in signing (edwards25519.ts).
// None runs inside another, and nothing is kept there between calls. On the host the batch borrows the key's comb
// table instead (ed25519.ts), so the area only needs mulHalf's size there.

import { HOST, POINT_NAF_WIDTH, BATCH_MAX, BATCH_R_WIDTH, BATCH_A_WIDTH } from '../profile';

// Sizes (halfmul.ts's CACHED_ENTRY, naf.ts's NAF_LEN and NAF_LEN_256):
// halfmul.ts and batch.ts check at start that what they lay out fits.
const CACHED: i32 = 160;
const DIGITS_128: i32 = 136;
const DIGITS_256: i32 = 264;

/** mulHalf's share: tables for R and A, digit strings of t0, t1, w, u. */
export const HALF_SCRATCH: i32 = 2 * (1 << (POINT_NAF_WIDTH - 2)) * CACHED + 4 * DIGITS_128;
/** A batch's share: a table per R_i and for A, digits of each weight, of A's and B's scalars. */
export const BATCH_SCRATCH: i32 = BATCH_MAX * (1 << (BATCH_R_WIDTH - 2)) * CACHED +
  (1 << (BATCH_A_WIDTH - 2)) * CACHED + BATCH_MAX * DIGITS_128 + 2 * DIGITS_256;

export const CRYPTO_SCRATCH_BYTES: i32 = HOST || HALF_SCRATCH >= BATCH_SCRATCH ? HALF_SCRATCH : BATCH_SCRATCH;
export const CRYPTO_SCRATCH: usize = memory.data(CRYPTO_SCRATCH_BYTES);

/**
 * The point one call multiplies into: ed25519.ts's (a public key or R in
 * signing, the verification's sum), batch.ts's (each decoded point, then
 * the sum). Neither module calls the other while it holds it.
 */
export const CALL_POINT: usize = memory.data(320);
