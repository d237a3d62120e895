// Bounds-checked little readers and writers for the sync protocol's
// messages (docs/SYNC.md). Integers are little-endian; counts and heights
// are LEB128 varints of at most 5 bytes. Neither allocates: they walk
// memory the caller owns, and a read or write past the end only sets
// `failed` (the caller checks once at the end, so parsers stay flat).

export class WireReader {
  pos: usize = 0;
  end: usize = 0;
  failed: bool = false;

  reset(ptr: usize, len: usize): void {
    this.pos = ptr;
    this.end = ptr + len;
    this.failed = false;
  }

  remaining(): usize { return this.failed ? 0 : this.end - this.pos; }

  u8(): u32 {
    const p = this.span(1);
    return p != 0 ? <u32>load<u8>(p) : 0;
  }

  u64(): u64 {
    const p = this.span(8);
    return p != 0 ? load<u64>(p) : 0;
  }

  /** A LEB128 varint of at most 5 bytes whose value fits a u32. */
  varint(): u32 {
    let v: u64 = 0;
    for (let shift: u64 = 0; shift < 35; shift += 7) {
      const b = this.u8();
      if (this.failed) return 0;
      v |= (<u64>(b & 0x7f)) << shift;
      if ((b & 0x80) == 0) {
        if (v > 0xffffffff) break;
        return <u32>v;
      }
    }
    this.failed = true;
    return 0;
  }

  /** Skips n bytes and returns where they start; 0 when they are not all there (the read failed). */
  span(n: usize): usize {
    if (this.failed || this.end - this.pos < n) { this.failed = true; return 0; }
    const p = this.pos;
    this.pos += n;
    return p;
  }
}

export class WireWriter {
  // pos, end, failed as in WireReader: take() then compiles to span()'s code, and the module keeps one copy.
  pos: usize = 0;
  end: usize = 0;
  failed: bool = false;
  start: usize = 0;

  reset(ptr: usize, cap: usize): void {
    this.start = ptr;
    this.pos = ptr;
    this.end = ptr + cap;
    this.failed = false;
  }

  length(): u32 { return <u32>(this.pos - this.start); }

  /** Reserves n bytes and returns where they start; 0 when they do not fit (the write failed). */
  private take(n: usize): usize {
    if (this.failed || this.end - this.pos < n) { this.failed = true; return 0; }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(v: u32): void {
    const p = this.take(1);
    if (p != 0) store<u8>(p, <u8>v);
  }

  u64(v: u64): void {
    const p = this.take(8);
    if (p != 0) store<u64>(p, v);
  }

  varint(v: u32): void {
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v >>= 7;
    }
    this.u8(v);
  }

  bytes(ptr: usize, n: usize): void {
    const p = this.take(n);
    if (p != 0) memory.copy(p, ptr, n);
  }
}
