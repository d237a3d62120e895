// The picofeed 8 block: SIG(64) | varint(size) | headers | body.
//
// A header is 0x00, type, payload: AUTHOR (1) carries a 32-byte public key,
// PSIG (2) the parent's 64-byte signature. Headers repeat while the next byte
// is 0x00, which is why a body may never start with 0x00. `size` counts
// headers and body; the signature covers every byte after itself.
//
// The scanner reproduces picofeed's Block constructor field for field,
// including its leniencies (a key or parent signature cut short by the
// declared size is returned short, and the body size may go below zero when
// headers overrun it), so that a block means the same thing on a badge and
// in a browser. It reads only [ptr, ptr+have); `avail` is how many bytes the
// caller's buffer really holds from ptr on, which may be more than the
// window it copied in.

import { varintDecode, varintValue, varintLength } from './varint';

export const SIG_SIZE: i32 = 64;
export const KEY_SIZE: i32 = 32;
export const HDR_AUTHOR: i32 = 1;
export const HDR_PSIG: i32 = 2;

// Scan results (negative: the block is malformed).
export const SCAN_OK: i32 = 0;
export const SCAN_END: i32 = 1; // feed walk only: no further block here
export const E_VARINT: i32 = -10; // "Insufficient bytes in buffer"
export const E_UNDERFLOW: i32 = -11; // "BufferUnderflow"
export const E_UNKNOWN_HEADER: i32 = -12; // "DecodedUnknownHeader: <type>"
export const E_BLOCK_SIZE: i32 = -13; // size varint decodes below zero
export const E_WINDOW: i32 = -14; // headers run past the bytes copied in

/** Layout of a scanned block, as i32 fields at the `out` pointer. */
export const OUT_BLOCK_SIZE: usize = 0;
export const OUT_VARINT_LEN: usize = 4;
export const OUT_BODY_OFFSET: usize = 8;
export const OUT_BODY_SIZE: usize = 12;
export const OUT_KEY_OFFSET: usize = 16; // -1 when there is no AUTHOR header
export const OUT_KEY_LEN: usize = 20;
export const OUT_PSIG_OFFSET: usize = 24; // -1 on a genesis block
export const OUT_PSIG_LEN: usize = 28;
export const OUT_HEADER_TYPE: usize = 32; // the unknown type on E_UNKNOWN_HEADER (-1: past the end)
export const OUT_SIZE: i32 = 36;

/** Scans one block the way `new Block(buffer, offset)` does. */
export function scanBlock(ptr: usize, have: i32, avail: i32, out: usize): i32 {
  if (have > avail) have = avail;
  // The varint starts after the signature; picofeed reads it up to the end of
  // the buffer, so a short buffer reports "Insufficient bytes" as it does.
  if (avail <= SIG_SIZE) return E_VARINT;
  if (!varintDecode(ptr + <usize>SIG_SIZE, min(have, avail) - SIG_SIZE)) {
    return have < avail ? E_WINDOW : E_VARINT;
  }
  const dataSize = varintValue;
  const vo = varintLength;
  if (dataSize < 0) return E_BLOCK_SIZE;
  const blockSize = <i64>dataSize + <i64>SIG_SIZE + <i64>vo;
  if (<i64>avail < blockSize) return E_UNDERFLOW;
  const blk = <i32>blockSize;
  let bo = SIG_SIZE + vo;
  let size = dataSize;
  let keyOffset: i32 = -1, keyLen: i32 = 0, psigOffset: i32 = -1, psigLen: i32 = 0;
  store<i32>(out + OUT_HEADER_TYPE, 0);
  while (bo < blk) {
    if (bo >= have) return E_WINDOW;
    if (load<u8>(ptr + <usize>bo) != 0) break;
    bo++;
    if (bo >= blk) {
      store<i32>(out + OUT_HEADER_TYPE, -1);
      return E_UNKNOWN_HEADER;
    }
    if (bo >= have) return E_WINDOW;
    const type = <i32>load<u8>(ptr + <usize>bo);
    bo++;
    if (type == HDR_AUTHOR) {
      keyOffset = bo;
      keyLen = min(KEY_SIZE, blk - bo);
      bo += KEY_SIZE;
      size -= KEY_SIZE;
    } else if (type == HDR_PSIG) {
      psigOffset = bo;
      psigLen = min(SIG_SIZE, blk - bo);
      bo += SIG_SIZE;
      size -= SIG_SIZE;
    } else {
      store<i32>(out + OUT_HEADER_TYPE, type);
      return E_UNKNOWN_HEADER;
    }
  }
  store<i32>(out + OUT_BLOCK_SIZE, blk);
  store<i32>(out + OUT_VARINT_LEN, vo);
  store<i32>(out + OUT_BODY_OFFSET, bo);
  store<i32>(out + OUT_BODY_SIZE, size);
  store<i32>(out + OUT_KEY_OFFSET, keyOffset);
  store<i32>(out + OUT_KEY_LEN, keyLen);
  store<i32>(out + OUT_PSIG_OFFSET, psigOffset);
  store<i32>(out + OUT_PSIG_LEN, psigLen);
  return SCAN_OK;
}

/**
 * Scans the block at a feed position the way picofeed's Feed indexer does:
 * first its end-of-feed rules (fewer than 66 bytes left, a zero size byte,
 * or a size that runs past the buffer end all mean "no more blocks"), then
 * the block itself.
 */
export function scanFeedBlock(ptr: usize, have: i32, avail: i32, out: usize): i32 {
  if (avail < SIG_SIZE + 2) return SCAN_END;
  if (have <= SIG_SIZE) return E_WINDOW;
  if (load<u8>(ptr + <usize>SIG_SIZE) == 0) return SCAN_END;
  if (!varintDecode(ptr + <usize>SIG_SIZE, min(have, avail) - SIG_SIZE)) {
    return have < avail ? E_WINDOW : E_VARINT;
  }
  // picofeed compares against the bytes after the varint counted from the
  // block start, not after the signature: a block cut short by up to 64
  // bytes is reported as BufferUnderflow rather than as the end of the feed.
  if (<i64>avail - <i64>varintLength < <i64>varintValue) return SCAN_END;
  return scanBlock(ptr, have, avail, out);
}
