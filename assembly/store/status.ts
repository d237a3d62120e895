// A second example collection, to show latching: a one-line status per
// author ("at the robotics talk") that lives exactly as long as its
// author's contact card. Its expiresAt() latches onto the card's expiry, as
// picostore 3's `latch(root, id)` does: when the card is renewed the status
// lives on; when the card goes, the status goes with it.
//
// State (48 bytes): owner key (32) | text length u8 | text (≤ 15 bytes, UTF-8).

import { registerCollection, BlockContext, Latch, ACCEPT, PER_AUTHOR } from './collection';
import { CborReader, MAJOR_TEXT } from './cbor';
import { cards } from './contacts';

export const STATUS_MAX: u32 = 15;
export const NOT_TEXT: i32 = 1;
export const BAD_LENGTH: i32 = 2;

/** A status: 1 to STATUS_MAX bytes of text, kept with its owner's key (what the latch looks up). */
function computeStatus(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 {
  if (payload.peekMajor() != MAJOR_TEXT || !payload.text()) return NOT_TEXT;
  if (payload.spanLen == 0 || payload.spanLen > STATUS_MAX) return BAD_LENGTH;
  memory.copy(draft, ctx.owner, 32);
  store<u8>(draft, <u8>payload.spanLen, 32);
  memory.fill(draft + 33, 0, STATUS_MAX);
  memory.copy(draft + 33, payload.spanPtr, payload.spanLen);
  return ACCEPT;
}

/** A status lives as long as its owner's card. */
function statusExpiresAt(state: usize, latch: Latch): u64 {
  return latch.expiryOf(cards, state);
}

/** The status collection's index (registered when the module starts, after cards). */
export const status: i32 = registerCollection('status', PER_AUTHOR, 48, computeStatus, statusExpiresAt);
