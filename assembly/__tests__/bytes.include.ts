// Helpers every spec gets (as-pect includes *.include.ts in each one).

/** n bytes at p as lowercase hex. */
@global function hex(p: usize, n: i32): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const b = load<u8>(p + <usize>i);
    s += (b < 16 ? '0' : '') + b.toString(16);
  }
  return s;
}

/** A fresh copy of the bytes spelled by a hex string. */
@global function bytes(h: string): usize {
  const n = h.length >> 1;
  const p = heap.alloc(<usize>max(n, 1));
  for (let i = 0; i < n; i++) store<u8>(p + <usize>i, <u8>I32.parseInt(h.substr(2 * i, 2), 16));
  return p;
}
