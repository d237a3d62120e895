// The host's fast accept (the optional `env.host_ed25519_verify` import), asked
// before the core spends anything on a signature: by verify() for one, by
// the engine for each of a run it would otherwise batch. Checked on the
// bytes alone, so a yes costs no decompression. The host is asked only
// where its "yes" cannot differ from ours: A and R canonically encoded
// (y < p, and no sign bit on an x = 0 point) and s < L. Then a strict,
// even cofactorless, verifier's yes implies the cofactored ZIP-215 yes,
// and the challenge it hashes is the one we would. Anything else, or a
// "no", leaves the verdict to the core's own verifier.

import { scIsCanonical } from './scalar25519';

@external("env", "host_ed25519_verify")
declare function hostVerify(sig: usize, pk: usize, msg: usize, len: i32): i32;

// p = 2^255 - 19, little-endian u64 limbs.
const P0: u64 = 0xffffffffffffffed;
const P3: u64 = 0x7fffffffffffffff;

/** True when the 32-byte encoding at e is a canonical point encoding (y < p; x = 0 points without the sign bit). */
function canonical(e: usize): bool {
  const a = load<u64>(e);
  const b = load<u64>(e, 8);
  const c = load<u64>(e, 16);
  const d = load<u64>(e, 24) & P3;
  const sign = (load<u64>(e, 24) >> 63) != 0;
  const ones = b == 0xffffffffffffffff && c == 0xffffffffffffffff && d == P3;
  if (ones && a >= P0) return false; // y ≥ p
  // y = 1 or y = p − 1 is an x = 0 point: the sign bit must be clear.
  if (sign && ((a == 1 && b == 0 && c == 0 && d == 0) || (ones && a == P0 - 1))) return false;
  return true;
}

/** True when the host vouches for the signature (sig 64 bytes, key pk, message msg of len bytes); false means "ask the core". */
export function hostAccepts(sig: usize, pk: usize, msg: usize, len: u32): bool {
  return canonical(pk) && canonical(sig) && scIsCanonical(sig + 32) == 1 && hostVerify(sig, pk, msg, <i32>len) == 1;
}
