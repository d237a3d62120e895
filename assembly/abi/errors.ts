// Error codes returned by the core's exports. Negative values are errors;
// zero and positive values are results. Stable across versions: the host
// maps them to messages (host/errors.ts).
export const OK: i32 = 0;
export const E_RANGE: i32 = -1; // a pointer range leaves linear memory
export { E_STATE } from "../crypto/ed25519"; // -2: a streaming call out of order
// The app asked, while it started, for what the engine cannot hold: the first
// registerCollection refused (store/collection.ts keeps it; engine_mount and
// badge_init answer it). Plain constants here, not re-exported from store/:
// the resident verifier imports this file and must not pull the store in.
export const E_APP_COLLECTIONS: i32 = -90; // more than MAX_COLLECTIONS collections
export const E_APP_STATE: i32 = -91; // a state size outside 0 … STATE_MAX bytes
export const E_APP_NAME: i32 = -92; // a name that is not 1 to 32 ASCII characters
export const E_APP_NAME_TAKEN: i32 = -93; // a name registered already
