// Error codes returned by the core's exports. Negative values are errors;
// zero and positive values are results. Stable across versions: the host
// maps them to messages (host/errors.ts).
export const OK: i32 = 0;
export const E_RANGE: i32 = -1; // a pointer range leaves linear memory
export { E_STATE } from "../crypto/ed25519"; // -2: a streaming call out of order
