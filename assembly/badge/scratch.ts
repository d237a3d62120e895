// One buffer lent to one user at a time (SCRATCH_CAP, profile.ts): the
// BLOCKS message a link is serving (link.ts), or the block a local action
// signs (post.ts). What a link put there can be read from flash again, so
// whoever takes the buffer takes it outright; a link whose run was
// overwritten reloads it (it checks the serial it got).

import { SCRATCH_CAP } from '../profile';

export const scratch: usize = memory.data(<i32>SCRATCH_CAP, 8);
let serial: u32 = 0;

/** Takes the buffer, discarding what it held; the serial that marks this filling. */
export function scratchTake(): u32 {
  return ++serial;
}

/** True while the buffer still holds what was put there under this serial. */
export function scratchHolds(s: u32): bool {
  return s == serial;
}
