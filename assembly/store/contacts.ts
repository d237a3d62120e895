// The example collection a badge runs: contact cards. Each author has one
// card, `{ name }`, which they may update; a card is forgotten an hour after
// its owner's last update, and with it, once nothing else refers to it, the
// owner's chain. The same rules in JavaScript (tests/engine-oracle.test.ts)
// run on @telamon/picostore 3, and both must agree block for block.
//
// State (33 bytes): updated u64 (the block's date) | name length u8 | name (≤ 24 bytes, UTF-8).

import { registerCollection, BlockContext, Latch, ACCEPT, PER_AUTHOR } from './collection';
import { CborReader, MAJOR_TEXT } from './cbor';
import { sameKey } from '../feed/equal';
import { later } from './time';

export const CARD_TTL: u64 = 60 * 60 * 1000;
export const NAME_MAX: u32 = 24;

// Reasons a card is refused.
export const NOT_A_MAP: i32 = 1;
export const NO_NAME: i32 = 2;
export const BAD_NAME: i32 = 3;
export const STALE: i32 = 4;
export const NOT_OWNER: i32 = 5;

const NAME_KEY: u32 = 0x656d616e; // "name" as a little-endian u32

/**
 * A card's input consensus: only its owner writes it (the engine's E6 holds
 * this for every collection; a card says so itself too), a map whose last
 * "name" is 1 to NAME_MAX bytes of text, not older than the card it replaces.
 */
function computeCard(state: usize, draft: usize, payload: CborReader, ctx: BlockContext): i32 {
  if (!sameKey(ctx.author, ctx.owner)) return NOT_OWNER;
  const pairs = payload.mapLength();
  if (pairs == -2) return NOT_A_MAP;
  // A later "name" wins, as in the JavaScript object cborg builds from the map.
  let name = NO_NAME;
  for (let i: i64 = 0; pairs == -1 ? !payload.isBreak() : i < pairs; i++) {
    if (!payload.text()) return NOT_A_MAP;
    const isName = payload.spanLen == 4 && load<u32>(payload.spanPtr) == NAME_KEY;
    if (isName && payload.peekMajor() == MAJOR_TEXT) {
      if (!payload.text()) return NOT_A_MAP;
      if (payload.spanLen == 0 || payload.spanLen > NAME_MAX) { name = BAD_NAME; continue; }
      store<u8>(draft, <u8>payload.spanLen, 8);
      memory.fill(draft + 9, 0, NAME_MAX);
      memory.copy(draft + 9, payload.spanPtr, payload.spanLen);
      name = ACCEPT;
    } else {
      if (!payload.skip()) return NOT_A_MAP;
      if (isName) name = BAD_NAME;
    }
  }
  if (payload.failed) return NOT_A_MAP;
  if (name != ACCEPT) return name;
  if (!ctx.fresh && ctx.date < load<u64>(state)) return STALE;
  store<u64>(draft, ctx.date);
  return ACCEPT;
}

/** A card is forgotten CARD_TTL after its owner's last update. */
function cardExpiresAt(state: usize, latch: Latch): u64 {
  return later(load<u64>(state), CARD_TTL);
}

/** The cards collection's index (registered when the module starts). */
export const cards: i32 = registerCollection('cards', PER_AUTHOR, 33, computeCard, cardExpiresAt);
