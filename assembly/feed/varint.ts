// LEB128-style varints with picofeed 8's exact arithmetic.
//
// picofeed decodes with JavaScript's 32-bit `value |= (b & 0x7f) << (i * 7)`:
// the shift count wraps at 32 and the result is a signed 32-bit integer.
// Wasm's i32.shl also masks its count to 5 bits, so the same expression gives
// the same number for every input, overlong and hostile ones included. Sizes
// that come out negative are refused by the block scanner.

/** Result of the last decode: value and the number of bytes read. */
export let varintValue: i32 = 0;
export let varintLength: i32 = 0;

/**
 * Decodes a varint from [ptr, ptr+avail). Returns false when the buffer ends
 * before a byte without the continuation bit ("Insufficient bytes in buffer").
 */
export function varintDecode(ptr: usize, avail: i32): bool {
  let value: i32 = 0;
  for (let i: i32 = 0; i < avail; i++) {
    const b = <i32>load<u8>(ptr + <usize>i);
    value |= (b & 0x7f) << (i * 7);
    if ((b & 0x80) == 0) {
      varintValue = value;
      varintLength = i + 1;
      return true;
    }
  }
  return false;
}

/** Number of bytes varintEncode writes for a non-negative value. */
export function varintSize(value: u32): i32 {
  let n: i32 = 1;
  while (value >= 0x80) {
    value >>>= 7;
    n++;
  }
  return n;
}

/** Encodes a non-negative value at ptr; returns the number of bytes written. */
export function varintEncode(value: u32, ptr: usize): i32 {
  let i: i32 = 0;
  while (value >= 0x80) {
    store<u8>(ptr + <usize>i, <u8>((value & 0x7f) | 0x80));
    value >>>= 7;
    i++;
  }
  store<u8>(ptr + <usize>i, <u8>value);
  return i + 1;
}
