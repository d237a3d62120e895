// The I/O window: the one region the host writes inputs into and reads
// outputs from. Fixed size, so no host call can make the core allocate.
//
// Every pointer a host passes must lie inside it. A range that left linear
// memory would trap on the first load; a range elsewhere in memory would
// let a host bug overwrite the core's tables and caches. Exports check
// first and answer E_RANGE instead.

import { IO_CAP as CAP } from '../profile';

// The largest single input (a block of BLOCK_MAX) after the host's 256-byte area; bigger inputs come
// in chunks (profile.ts).
export const IO_CAP: usize = <usize>CAP;
export const IO: usize = memory.data(<i32>IO_CAP, 16);

/** True when [ptr, ptr + len) lies inside the I/O window (no overflow). */
export function inWindow(ptr: usize, len: usize): bool {
  return ptr >= IO && len <= IO_CAP && ptr - IO <= IO_CAP - len;
}
