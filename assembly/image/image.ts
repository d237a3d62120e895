// The signed app image: how a badge app (a core.wasm with its collections)
// travels to a board, and what the firmware checks before it runs anything
// (docs/ABI.md, "App image"). Header, 144 bytes, integers little-endian:
//
//   0   magic "PBAP" (u32 0x50414250)
//   4   format u16 (2; format 1 had flags here and no app version: refused)
//   6   header size u16 (144)
//   8   module length u32
//   12  app version u32 (picobadge build --version; default: seconds since 1970)
//   16  SHA-512 of the module (64)
//   80  Ed25519 signature by the event's key over bytes 0–79 (64)
//   144 the module
//
// The signature covers the header, the header covers the module by its
// hash, so one signature check and one streamed hash vouch for every byte,
// and the module never has to fit in RAM. Verification uses the same
// ZIP-215 verifier as blocks, and the hash is the SHA-512 that Ed25519
// already needs, so the check adds no second hash function to the module.
//
// Rollback: the app version is signed with the rest, and the caller gives
// imageBegin the badge's floor (the highest version it has run, kept by the
// firmware: boards/common/floor.c). A signed image below the floor is
// refused (-86) like a forged one, so an old image with a known bug cannot
// be put back on a badge that has moved past it. Equal is allowed: the same
// image re-flashed, or the boot after the one that raised the floor.

import { sha512Context, SHA512_CONTEXT } from '../crypto/sha512';
import { verify } from '../crypto/ed25519';
import { CRYPTO_SCRATCH } from '../crypto/scratch';

export const IMAGE_MAGIC: u32 = 0x50414250;
export const IMAGE_FORMAT: u32 = 2;
export const IMAGE_HEADER: u32 = 144;
const DIGEST: u32 = 64;
const SIGNED: u32 = 16 + DIGEST;

export const E_NOT_IMAGE: i32 = -80; // no magic, or a header of another size
export const E_IMAGE_FORMAT: i32 = -81; // a format this core does not know (format 1: no app version)
export const E_IMAGE_HASH: i32 = -82; // the module is not the one the header names (tampered)
export const E_IMAGE_SIGNATURE: i32 = -83; // the header is not signed by this key (wrong key, or tampered)
export const E_IMAGE_LENGTH: i32 = -84; // the module ended early, or ran past its length
export const E_IMAGE_STATE: i32 = -85; // update or end without a verified header
export const E_IMAGE_ROLLBACK: i32 = -86; // signed, but its app version is below the badge's floor

const hasher = sha512Context(memory.data(SHA512_CONTEXT));
const expected: usize = memory.data(<i32>DIGEST);
// imageEnd's digest lives in the crypto scratch: nothing else runs while it compares.
const digest: usize = CRYPTO_SCRATCH;
let remaining: u32 = 0;
let open: bool = false;

/**
 * Checks a header (IMAGE_HEADER bytes at h) against the event key (32 bytes
 * at pk) and the badge's version floor, and starts hashing the module. The
 * module's length, or an error.
 */
export function imageBegin(h: usize, pk: usize, floor: u32): i32 {
  open = false;
  if (load<u32>(h) != IMAGE_MAGIC || <u32>load<u16>(h, 6) != IMAGE_HEADER) return E_NOT_IMAGE;
  if (<u32>load<u16>(h, 4) != IMAGE_FORMAT) return E_IMAGE_FORMAT;
  const len = load<u32>(h, 8);
  if (len > 0x7fffffff) return E_IMAGE_FORMAT;
  if (verify(h + SIGNED, pk, h, SIGNED) != 1) return E_IMAGE_SIGNATURE;
  // After the signature: only the event's own word can be "too old"; a forged header is -83.
  if (load<u32>(h, 12) < floor) return E_IMAGE_ROLLBACK;
  memory.copy(expected, h + 16, DIGEST);
  hasher.reset();
  remaining = len;
  open = true;
  return <i32>len;
}

/** Hashes the next piece of the module. 0, or an error (the verification is then over). */
export function imageUpdate(ptr: usize, len: u32): i32 {
  if (!open) return E_IMAGE_STATE;
  if (len > remaining) { open = false; return E_IMAGE_LENGTH; }
  hasher.update(ptr, len);
  remaining -= len;
  return 0;
}

/** 0 when the whole module arrived and is the one the signed header names; otherwise why not. */
export function imageEnd(): i32 {
  if (!open) return E_IMAGE_STATE;
  open = false;
  if (remaining != 0) return E_IMAGE_LENGTH;
  hasher.final(digest);
  return memory.compare(digest, expected, DIGEST) == 0 ? 0 : E_IMAGE_HASH;
}
