import { Sha512 } from '../crypto/sha512';

// The I/O window: the one region the host writes inputs into and reads
// outputs from. Fixed size, so no host call can make the core allocate.
export const IO_CAP: i32 = 16384;
const IO: usize = memory.data(IO_CAP, 16);

export function io(): usize { return IO; }
export function io_cap(): i32 { return IO_CAP; }

const hasher = new Sha512();

/** SHA-512 of len bytes at ptr, written to out. Returns 0, or -1 when a range leaves memory. */
export function sha512(ptr: usize, len: usize, out: usize): i32 {
  hasher.update(ptr, len);
  hasher.final(out);
  return 0;
}
