import { SHA512_ONE_SHOT } from '../crypto/sha512';
import { IO, IO_CAP, inWindow } from './window';
import { E_RANGE } from './errors';

// Where the window is and how big: the host asks once.
export function io(): usize { return IO; }
export function io_cap(): i32 { return <i32>IO_CAP; }

const hasher = SHA512_ONE_SHOT;

/** SHA-512 of len bytes at ptr, written to out. Returns 0, or E_RANGE when a range leaves the window. */
export function sha512(ptr: usize, len: i32, out: usize): i32 {
  if (len < 0 || !inWindow(ptr, <usize>len) || !inWindow(out, 64)) return E_RANGE;
  hasher.update(ptr, <usize>len);
  hasher.final(out);
  return 0;
}
