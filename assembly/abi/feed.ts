// Block-format exports. The host copies bytes into the I/O window and asks
// the core what they are; the core never trusts a length it is given.

import { inWindow } from './window';
import { E_RANGE } from './errors';
import { scanBlock, scanFeedBlock, OUT_SIZE } from '../feed/block';
import { varintDecode, varintValue, varintLength, varintEncode } from '../feed/varint';

/** The checks both scans make: lengths not negative, the bytes read and the layout written inside the window. */
function scanArgsOk(ptr: usize, have: i32, avail: i32, out: usize): bool {
  return have >= 0 && avail >= 0 && inWindow(ptr, <usize>have) && inWindow(out, <usize>OUT_SIZE);
}

/** Scans the block at ptr (see feed/block.ts); writes the layout to out. */
export function block_scan(ptr: usize, have: i32, avail: i32, out: usize): i32 {
  return scanArgsOk(ptr, have, avail, out) ? scanBlock(ptr, have, avail, out) : E_RANGE;
}

/** Scans the block at a feed position, applying picofeed's end-of-feed rules. */
export function feed_block_scan(ptr: usize, have: i32, avail: i32, out: usize): i32 {
  return scanArgsOk(ptr, have, avail, out) ? scanFeedBlock(ptr, have, avail, out) : E_RANGE;
}

/** Decodes a varint at ptr; writes [value, length] as i32 to out. 0 ok, -10 truncated. */
export function varint_decode(ptr: usize, len: i32, out: usize): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len) || !inWindow(out, 8)) return E_RANGE;
  if (!varintDecode(ptr, len)) return -10;
  store<i32>(out, varintValue);
  store<i32>(out, varintLength, 4);
  return 0;
}

/** Encodes value (unsigned 32-bit) at ptr; returns the number of bytes written. */
export function varint_encode(value: u32, ptr: usize): i32 {
  if (!inWindow(ptr, 5)) return E_RANGE;
  return varintEncode(value, ptr);
}
