// Ed25519 through the core: the host only moves bytes. Messages larger than
// the window are streamed in chunks (the core hashes as they arrive).

import { core, Core, IO_SIG, IO_PK, IO_SEED, IO_DATA } from './core.js'

function check (rc: number, what: string): number {
  if (rc < 0) throw new Error(`core ${what} failed with code ${rc}`)
  return rc
}

/** Public key (32 bytes) of a 32-byte seed. */
export function publicKeyOf (seed: Uint8Array, c: Core = core()): Uint8Array {
  c.put(IO_SEED, seed)
  check(c.x.ed25519_public_key(c.io + IO_SEED, c.io + IO_PK), 'public key')
  return c.get(IO_PK, 32)
}

/** Streams msg into the core chunk by chunk through the data area. */
function stream (c: Core, msg: Uint8Array, update: (ptr: number, len: number) => number, what: string): void {
  for (let o = 0; o < msg.length; o += c.dataCap) {
    const chunk = msg.subarray(o, Math.min(msg.length, o + c.dataCap))
    c.put(IO_DATA, chunk)
    check(update(c.io + IO_DATA, chunk.length), what)
  }
}

/** RFC 8032 signature (64 bytes) of msg by seed. */
export function signWith (seed: Uint8Array, msg: Uint8Array, c: Core = core()): Uint8Array {
  c.put(IO_SEED, seed)
  if (msg.length <= c.dataCap) {
    c.put(IO_DATA, msg)
    check(c.x.ed25519_sign(c.io + IO_SEED, c.io + IO_DATA, msg.length, c.io + IO_SIG), 'sign')
  } else {
    check(c.x.ed25519_sign_begin(c.io + IO_SEED), 'sign')
    stream(c, msg, (p, n) => c.x.ed25519_sign_update(p, n), 'sign')
    check(c.x.ed25519_sign_commit(), 'sign')
    stream(c, msg, (p, n) => c.x.ed25519_sign_update(p, n), 'sign')
    check(c.x.ed25519_sign_end(c.io + IO_SIG), 'sign')
  }
  return c.get(IO_SIG, 64)
}

/** Verdict of the core's ZIP-215 verifier (the rules picofeed's noble applies). */
export function verifyWith (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array, c: Core = core()): boolean {
  c.put(IO_SIG, sig)
  c.put(IO_PK, pk)
  if (msg.length <= c.dataCap) {
    c.put(IO_DATA, msg)
    return check(c.x.ed25519_verify(c.io + IO_SIG, c.io + IO_PK, c.io + IO_DATA, msg.length), 'verify') === 1
  }
  check(c.x.ed25519_verify_begin(c.io + IO_SIG, c.io + IO_PK), 'verify')
  stream(c, msg, (p, n) => c.x.ed25519_verify_update(p, n), 'verify')
  return check(c.x.ed25519_verify_end(), 'verify') === 1
}
