// Ed25519 exports. Inputs come through the I/O window (or anywhere in
// memory); every range is checked before the core touches it.

import { inWindow } from './window';
import { E_RANGE } from './errors';
import {
  publicKey, sign, signBegin, signUpdate, signCommit, signEnd,
  verify, verifyBegin, verifyUpdate, verifyEnd,
} from '../crypto/ed25519';
import { verifyRun, BATCH_MAX } from '../crypto/batch';

const runSigs: usize = memory.data(<i32>(<usize>BATCH_MAX * 4));
const runMsgs: usize = memory.data(<i32>(<usize>BATCH_MAX * 4));
const runLens: usize = memory.data(<i32>(<usize>BATCH_MAX * 4));

/** Public key (32 bytes) of a 32-byte seed, written to out. 0, or E_RANGE. */
export function ed25519_public_key(seed: usize, out: usize): i32 {
  if (!inWindow(seed, 32) || !inWindow(out, 32)) return E_RANGE;
  publicKey(seed, out);
  return 0;
}

/** RFC 8032 signature (64 bytes) of len bytes at msg, written to out. 0, or E_RANGE. */
export function ed25519_sign(seed: usize, msg: usize, len: i32, out: usize): i32 {
  if (len < 0 || !inWindow(seed, 32) || !inWindow(msg, <usize>len) || !inWindow(out, 64)) return E_RANGE;
  sign(seed, msg, <usize>len, out);
  return 0;
}

/** 1 valid, 0 invalid (ZIP-215, as picofeed 8.0.5 decides), or E_RANGE. */
export function ed25519_verify(sig: usize, pk: usize, msg: usize, len: i32): i32 {
  if (len < 0 || !inWindow(sig, 64) || !inWindow(pk, 32) || !inWindow(msg, <usize>len)) return E_RANGE;
  return verify(sig, pk, msg, <usize>len);
}

/** Starts a streamed verification; the message follows through _update. */
export function ed25519_verify_begin(sig: usize, pk: usize): i32 {
  if (!inWindow(sig, 64) || !inWindow(pk, 32)) return E_RANGE;
  verifyBegin(sig, pk);
  return 0;
}

/** 0, E_RANGE, or E_STATE (-2) without a begin. */
export function ed25519_verify_update(ptr: usize, len: i32): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len)) return E_RANGE;
  return verifyUpdate(ptr, <usize>len);
}

/** 1 valid, 0 invalid, or E_STATE (-2) without a begin. */
export function ed25519_verify_end(): i32 {
  return verifyEnd();
}

/** Starts a streamed signature: the message follows, then _commit, then the message again. */
export function ed25519_sign_begin(seed: usize): i32 {
  if (!inWindow(seed, 32)) return E_RANGE;
  signBegin(seed);
  return 0;
}

/** 0, E_RANGE, or E_STATE (-2) without a begin. */
export function ed25519_sign_update(ptr: usize, len: i32): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len)) return E_RANGE;
  return signUpdate(ptr, <usize>len);
}

/** Ends the first pass over the message. 0, or E_STATE (-2) out of order. */
export function ed25519_sign_commit(): i32 {
  return signCommit();
}

/** Writes R || S (64 bytes) to out. 0, E_RANGE, or E_STATE (-2) out of order. */
export function ed25519_sign_end(out: usize): i32 {
  if (!inWindow(out, 64)) return E_RANGE;
  return signEnd(out);
}

/**
 * Verifies n signatures by the key at pk at once (a chain's run of blocks):
 * entries is n records of three u32s (sig pointer, message pointer, message
 * length), every range in the window. 1 all valid, 0 some invalid, or E_RANGE.
 */
export function ed25519_verify_run(n: i32, entries: usize, pk: usize): i32 {
  if (n < 1 || n > BATCH_MAX || !inWindow(entries, <usize>n * 12) || !inWindow(pk, 32)) return E_RANGE;
  for (let i = 0; i < n; i++) {
    const e = entries + <usize>i * 12;
    const len = load<u32>(e, 8);
    if (!inWindow(<usize>load<u32>(e), 64) || !inWindow(<usize>load<u32>(e, 4), <usize>len)) return E_RANGE;
    store<u32>(runSigs + (<usize>i << 2), load<u32>(e));
    store<u32>(runMsgs + (<usize>i << 2), load<u32>(e, 4));
    store<u32>(runLens + (<usize>i << 2), len);
  }
  return verifyRun(n, runSigs, runMsgs, runLens, pk);
}
