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

  /** True when n more bytes are there; otherwise marks the read failed. */
  has(n: usize): bool {
    if (this.failed || this.end - this.pos < n) { this.failed = true; return false; }
    return true;
  }

  u8(): u32 {
    if (!this.has(1)) return 0;
    return <u32>load<u8>(this.pos++);
  }

  u64(): u64 {
    if (!this.has(8)) return 0;
    const v = load<u64>(this.pos);
    this.pos += 8;
    return v;
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

  /** Skips n bytes and returns where they start (0 when they are not all there). */
  span(n: usize): usize {
    if (!this.has(n)) return 0;
    const p = this.pos;
    this.pos += n;
    return p;
  }
}

export class WireWriter {
  start: usize = 0;
  pos: usize = 0;
  end: usize = 0;
  failed: bool = false;

  reset(ptr: usize, cap: usize): void {
    this.start = ptr;
    this.pos = ptr;
    this.end = ptr + cap;
    this.failed = false;
  }

  length(): u32 { return <u32>(this.pos - this.start); }

  private room(n: usize): bool {
    if (this.failed || this.end - this.pos < n) { this.failed = true; return false; }
    return true;
  }

  u8(v: u32): void {
    if (this.room(1)) store<u8>(this.pos++, <u8>v);
  }

  u64(v: u64): void {
    if (!this.room(8)) return;
    store<u64>(this.pos, v);
    this.pos += 8;
  }

  varint(v: u32): void {
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v >>= 7;
    }
    this.u8(v);
  }

  bytes(ptr: usize, n: usize): void {
    if (!this.room(n)) return;
    memory.copy(this.pos, ptr, n);
    this.pos += n;
  }
}
