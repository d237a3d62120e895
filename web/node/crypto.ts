// node:crypto for a browser page (host/web/modules.ts maps the specifier
// here). The page's code imports it through the simulator's signer
// (host/sim/host-signer.ts), which finds at its first call that a page
// cannot sign this way and leaves signing to the cores: their signatures
// are the same bytes (Ed25519 is deterministic), so the report matches
// Node's; and through the threads' table (host/sim/shared-signatures.ts),
// which a page, on one thread, never makes. Everything here says which
// call a page cannot make.

import { unavailable } from './unavailable.js'

/** The type of a key (host-signer.ts keeps them); a page never makes one. */
export class KeyObject { private constructor () {} }

export const createPrivateKey = (): never => unavailable('createPrivateKey()')
export const createPublicKey = (): never => unavailable('createPublicKey()')
export const sign = (): never => unavailable('crypto.sign()')
export const createHash = (alg: string): never => unavailable(`createHash(${alg}) (host/hash.ts serves both Node and the page)`)
export const randomBytes = (n: number): never => unavailable(`randomBytes(${n})`)
export const randomFillSync = (): never => unavailable('randomFillSync()')
