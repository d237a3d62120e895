// App image exports (docs/ABI.md, "App image"): the check firmware runs on
// an app before it runs it, and that `picobadge build` runs on what it made.

import { inWindow } from './window';
import { E_RANGE } from './errors';
import { imageBegin, imageUpdate, imageEnd, IMAGE_HEADER } from '../image/image';

/**
 * Checks the 144-byte header at h against the 32-byte event key at pk and the
 * badge's version floor (unsigned; 0: any version); the module's length, or an error.
 */
export function image_verify_begin(h: usize, pk: usize, floor: u32): i32 {
  if (!inWindow(h, <usize>IMAGE_HEADER) || !inWindow(pk, 32)) return E_RANGE;
  return imageBegin(h, pk, floor);
}

/** Hashes the next len bytes of the module. 0 or an error. */
export function image_verify_update(ptr: usize, len: i32): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len)) return E_RANGE;
  return imageUpdate(ptr, <u32>len);
}

/** 0 when the image is intact and signed by the event key; otherwise why not. */
export function image_verify_end(): i32 {
  return imageEnd();
}
