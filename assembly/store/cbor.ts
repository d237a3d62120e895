// A CBOR (RFC 8949) reader over bytes in memory, for picostore 3 block
// bodies: `[collection, payload, date]` as @telamon/picostore encodes them
// with cborg. It reads in place (strings come back as spans), allocates
// nothing, and refuses what cborg's decode refuses with its default options
// where it matters for agreeing on blocks:
//   - tags (cborg decodes none by default: "tag not supported");
//   - map keys that are not text (cborg builds plain objects: "non-string keys");
//   - simple values other than false, true, null and undefined ("simple
//     values are not supported"), including the one-byte form 0xf8;
//   - indefinite-length byte and text strings ("not supported");
//   - additional-information values 28-30, and 31 on integers, tags and as a
//     break outside an indefinite array or map;
//   - trailing bytes after the top-level item (checked by the caller);
//   - nesting deeper than MAX_DEPTH (cborg has no limit; a badge must).
// Accepted as cborg does: non-minimal lengths, indefinite arrays and maps,
// half / single / double floats including NaN and infinities, integers up
// to 64 bits, any bytes in text (cborg decodes UTF-8 leniently).

export const MAX_DEPTH: i32 = 32;

export const MAJOR_UINT: i32 = 0;
export const MAJOR_NEGINT: i32 = 1;
export const MAJOR_BYTES: i32 = 2;
export const MAJOR_TEXT: i32 = 3;
export const MAJOR_ARRAY: i32 = 4;
export const MAJOR_MAP: i32 = 5;
export const MAJOR_TAG: i32 = 6;
export const MAJOR_SIMPLE: i32 = 7;

const INDEFINITE: u64 = 0xffffffffffffffff;

export class CborReader {
  pos: usize = 0;
  end: usize = 0;
  failed: bool = false;
  // The last head read.
  major: i32 = 0;
  info: i32 = 0;
  arg: u64 = 0;
  // The last string read.
  spanPtr: usize = 0;
  spanLen: u32 = 0;

  reset(ptr: usize, len: usize): void {
    this.pos = ptr;
    this.end = ptr + len;
    this.failed = false;
  }

  atEnd(): bool { return this.pos >= this.end; }

  private fail(): bool {
    this.failed = true;
    return false;
  }

  /** Reads an initial byte and its argument. False on truncation or a reserved value. */
  head(): bool {
    if (this.failed || this.pos >= this.end) return this.fail();
    const b = <i32>load<u8>(this.pos++);
    const ai = b & 31;
    this.major = b >> 5;
    this.info = ai;
    let v: u64 = <u64>ai; // 0-23: the argument itself
    if (ai == 31) v = INDEFINITE;
    else if (ai >= 24) { // 24-27: 1, 2, 4 or 8 bytes follow, big-endian; 28-30 are reserved
      if (ai > 27) return this.fail();
      const n = <usize>1 << <usize>(ai - 24);
      let p = this.pos;
      if (p + n > this.end) return this.fail();
      const e = p + n;
      for (v = 0; p < e; p++) v = (v << 8) | <u64>load<u8>(p);
      this.pos = e;
    }
    this.arg = v;
    return true;
  }

  /** Peeks the major type of the next item (-1 at the end). */
  peekMajor(): i32 {
    return this.pos < this.end ? <i32>(load<u8>(this.pos) >> 5) : -1;
  }

  /** An array header: its length, -1 for indefinite, -2 when it is not an array. */
  arrayLength(): i64 { return this.count(MAJOR_ARRAY); }

  /** A map header: its pair count, -1 for indefinite, -2 when it is not a map. */
  mapLength(): i64 { return this.count(MAJOR_MAP); }

  private count(major: i32): i64 {
    if (!this.head() || this.major != major) { this.failed = true; return -2; }
    return this.arg == INDEFINITE ? -1 : <i64>min(this.arg, <u64>0x7fffffff);
  }

  /** True (and consumes it) when the next byte is a break (0xff). */
  isBreak(): bool {
    if (this.pos < this.end && load<u8>(this.pos) == 0xff) { this.pos++; return true; }
    return false;
  }

  /** A definite text string as a span (spanPtr, spanLen). False otherwise. */
  text(): bool {
    // An indefinite length (INDEFINITE, 2^64 - 1) is longer than any span left.
    if (!this.head() || this.major != MAJOR_TEXT || this.arg > <u64>(this.end - this.pos)) return this.fail();
    const n = <usize>this.arg;
    this.spanPtr = this.pos;
    this.spanLen = <u32>n;
    this.pos += n;
    return true;
  }

  /** Any number (integer or float) as f64. False when the item is not a number. */
  number(out: usize): bool {
    if (!this.head()) return false;
    const major = this.major;
    const info = this.info;
    const arg = this.arg;
    let v: f64;
    if (major == MAJOR_UINT) v = <f64>arg;
    else if (major == MAJOR_NEGINT) v = -1.0 - <f64>arg;
    else if (major != MAJOR_SIMPLE) return this.fail();
    else if (info == 25) v = halfToF64(<u32>arg);
    else if (info == 26) v = <f64>reinterpret<f32>(<u32>arg);
    else if (info == 27) v = reinterpret<f64>(arg);
    else return this.fail();
    store<f64>(out, v);
    return true;
  }

  /** Skips one whole item, whatever it is. False when it is malformed or refused. */
  skip(): bool {
    return this.skipAt(0);
  }

  private skipAt(depth: i32): bool {
    if (depth > MAX_DEPTH || !this.head()) return this.fail();
    const major = this.major;
    const arg = this.arg;
    if (major <= MAJOR_NEGINT) return arg != INDEFINITE || this.fail();
    if (major <= MAJOR_TEXT) { // byte and text strings
      if (arg > <u64>(this.end - this.pos)) return this.fail(); // INDEFINITE included
      this.pos += <usize>arg;
      return true;
    }
    if (major <= MAJOR_MAP) {
      // Each item (a map's key: text only, then its value) takes a byte at least.
      if (arg != INDEFINITE && arg > <u64>(this.end - this.pos)) return this.fail();
      for (let i: u64 = 0; arg == INDEFINITE ? !this.isBreak() : i < arg; i++) {
        if (major == MAJOR_MAP && (this.peekMajor() != MAJOR_TEXT || !this.skipAt(depth + 1))) return this.fail();
        if (!this.skipAt(depth + 1)) return false;
      }
      return true;
    }
    // Tags are refused; of the simple values, false, true, null, undefined (20-23) and floats (25-27) only.
    const info = this.info;
    return (major == MAJOR_SIMPLE && <u32>(info - 20) <= 7 && info != 24) || this.fail();
  }
}

/** 2^k for -1022 ≤ k ≤ 1023, exactly (Math.pow would cost a kilobyte of code for this). */
function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

function halfToF64(h: u32): f64 {
  const exp = (h >> 10) & 0x1f;
  const mant = <f64>(h & 0x3ff);
  let v: f64;
  if (exp == 31) v = mant == 0 ? Infinity : NaN;
  else v = (exp == 0 ? mant : mant + 1024) * pow2(<i32>max(exp, 1) - 25); // subnormal: mant · 2^-24
  return (h & 0x8000) != 0 ? -v : v;
}
