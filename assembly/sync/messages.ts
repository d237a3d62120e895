// The sync protocol's framing and message types (docs/SYNC.md).
//
// Frames: what one BLE write or notification carries, at most MTU − 3
// bytes. The first byte is a header: FIRST (0x80) on the frame that starts
// a message, LAST (0x40) on the one that ends it, and a 6-bit sequence
// number that counts frames on the link in each direction. BLE delivers in
// order and does not lose frames on a live connection, so any gap, repeat,
// or misplaced FIRST / LAST means a broken or hostile peer: the link drops.
//
// Messages: a type byte, then its body.

import { MSG_MAX as PROFILE_MSG_MAX } from '../profile';

export const FRAME_FIRST: u32 = 0x80;
export const FRAME_LAST: u32 = 0x40;
export const FRAME_SEQ: u32 = 0x3f;

export const MTU_MIN: u32 = 23;
export const MTU_MAX: u32 = 247;
export const ATT_OVERHEAD: u32 = 3;

// 2: HELLOs carry a nonce and are proven (PROOF); beacons (#12). 3: the fingerprints that decide "in
// sync" are keyed per link (the PROOF carries the whole set's); HELLOs and adverts carry the set's
// unkeyed digest, a hint (#12, finding 6).
export const PROTOCOL_VERSION: u32 = 3;

export const MSG_HELLO: u8 = 1; // version u8 | public key 32 | nonce 16 | mesh time u64 | items u16 | set digest u64 | beacon time u64
export const MSG_RECON: u8 = 2; // ranges (recon.ts)
export const MSG_WANT: u8 = 3; // owner 32 | height we hold (varint)
export const MSG_BLOCKS: u8 = 4; // count u8 | picofeed blocks of one chain, in order
export const MSG_END: u8 = 5; // owner 32: nothing more for the oldest open WANT
export const MSG_DONE: u8 = 6; // we want nothing more on this link
export const MSG_PROOF: u8 = 7; // signature 64 (the sender's key over PROOF_DOMAIN | the receiver's nonce | the sender's HELLO body) | items u16 | keyed fingerprint u64 (proof.ts)
export const MSG_BEACON: u8 = 8; // time u64 | signature 64 by the event key (beacon.ts): sent once, when newer than the peer's

/** Largest message (profile.ts): a BLOCKS message of one block of BLOCK_MAX (or a run of smaller ones), or a RECON reply. */
export const MSG_MAX: u32 = <u32>PROFILE_MSG_MAX;
export const HELLO_SIZE: u32 = 1 + 1 + 32 + 16 + 8 + 2 + 8 + 8; // with the type byte
export const PROOF_SIZE: u32 = 1 + 64 + 2 + 8;
export const BEACON_SIZE: u32 = 1 + 8 + 64;
