// Which public key owns the comb table (host profile; ed25519.ts): a key
// seen twice in a row gets it, and keeps it until another key is seen twice
// in a row. A feed is usually one author, so its blocks then verify with
// the table. Only the bookkeeping lives here (64 bytes), so a spec can
// drive it in any profile; the table itself is ed25519.ts's.
//
// Invariant: lastKey is the key of the last verification that got past
// decoding, whichever path it took. (It once was not updated on a table
// hit, so A, A, B, A, B, ... rebuilt A's 30 KiB table on every other
// verification.) Keys are public: comparisons are variable time.

const slotKey: usize = memory.data(32);
let slotValid: bool = false;
const lastKey: usize = memory.data(32);
let lastValid: bool = false;

function same(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) &&
    load<u64>(a, 16) == load<u64>(b, 16) && load<u64>(a, 24) == load<u64>(b, 24);
}

/** True when pk owns the table (it is then also the last key seen). */
export function slotHolds(pk: usize): bool {
  if (!slotValid || !same(pk, slotKey)) return false;
  memory.copy(lastKey, pk, 32);
  lastValid = true;
  return true;
}

/**
 * Records pk (which decoded, and does not own the table) as the last key
 * seen. True when it was also the one before: the caller then builds its
 * table, which pk owns from now on.
 */
export function slotClaim(pk: usize): bool {
  const again = lastValid && same(pk, lastKey);
  memory.copy(lastKey, pk, 32);
  lastValid = true;
  if (again) {
    memory.copy(slotKey, pk, 32);
    slotValid = true;
  }
  return again;
}

/** Forgets the owner and the last key (the table's memory was lent out). */
export function slotForget(): void {
  slotValid = false;
  lastValid = false;
}
