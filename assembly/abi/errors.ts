// Error codes returned by the core's exports. Negative values are errors;
// zero and positive values are results. Stable across versions: the host
// maps them to messages (host/errors.ts).
export const OK: i32 = 0;
export const E_RANGE: i32 = -1; // a pointer range leaves linear memory
export { E_STATE } from "../crypto/ed25519"; // -2: a streaming call out of order
// -90 … -93, the app asked while it started for what the engine cannot hold,
// are store/collection.ts's (E_APP_*), beside the registry that refuses, as
// every other module's codes are beside their code: store/ may not depend on
// abi/ (assembly/README.md), and a re-export here would pull the store into
// the resident verifier, which imports this file.
