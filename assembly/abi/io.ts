import { Sha512 } from '../crypto/sha512';
import { inMemory } from './bounds';
import { E_RANGE } from './errors';

// The I/O window: the one region the host writes inputs into and reads
// outputs from. Fixed size, so no host call can make the core allocate.
export const IO_CAP: i32 = 16384;
const IO: usize = memory.data(IO_CAP, 16);

export function io(): usize { return IO; }
export function io_cap(): i32 { return IO_CAP; }

const hasher = new Sha512();

/** SHA-512 of len bytes at ptr, written to out. Returns 0, or E_RANGE when a range leaves memory. */
export function sha512(ptr: usize, len: i32, out: usize): i32 {
  if (len < 0 || !inMemory(ptr, <usize>len) || !inMemory(out, 64)) return E_RANGE;
  hasher.update(ptr, <usize>len);
  hasher.final(out);
  return 0;
}
