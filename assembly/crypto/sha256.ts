// SHA-256 (FIPS 180-4), streaming, allocation-free after construction.
// Only the app image (badge/image.ts) uses it: its header carries the
// SHA-256 of the module, the digest tools and bootloaders speak.

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const BLOCK: usize = 64;

export class Sha256 {
  private h: StaticArray<u32> = new StaticArray<u32>(8);
  private w: StaticArray<u32> = new StaticArray<u32>(64);
  private buf: StaticArray<u8> = new StaticArray<u8>(<i32>BLOCK);
  private fill: usize = 0;
  private total: u64 = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    const h = this.h;
    unchecked((h[0] = 0x6a09e667));
    unchecked((h[1] = 0xbb67ae85));
    unchecked((h[2] = 0x3c6ef372));
    unchecked((h[3] = 0xa54ff53a));
    unchecked((h[4] = 0x510e527f));
    unchecked((h[5] = 0x9b05688c));
    unchecked((h[6] = 0x1f83d9ab));
    unchecked((h[7] = 0x5be0cd19));
    this.fill = 0;
    this.total = 0;
  }

  /** Absorbs len bytes at ptr. */
  update(ptr: usize, len: usize): void {
    this.total += <u64>len;
    const buf = changetype<usize>(this.buf);
    if (this.fill > 0) {
      const take = min(BLOCK - this.fill, len);
      memory.copy(buf + this.fill, ptr, take);
      this.fill += take;
      ptr += take;
      len -= take;
      if (this.fill < BLOCK) return;
      this.compress(buf);
      this.fill = 0;
    }
    while (len >= BLOCK) {
      this.compress(ptr);
      ptr += BLOCK;
      len -= BLOCK;
    }
    if (len > 0) {
      memory.copy(buf, ptr, len);
      this.fill = len;
    }
  }

  /** Writes the 32-byte digest to out and resets the context. */
  final(out: usize): void {
    const buf = changetype<usize>(this.buf);
    const bits = this.total << 3;
    let fill = this.fill;
    store<u8>(buf + fill, 0x80);
    fill++;
    if (fill > BLOCK - 8) {
      memory.fill(buf + fill, 0, BLOCK - fill);
      this.compress(buf);
      fill = 0;
    }
    memory.fill(buf + fill, 0, BLOCK - 8 - fill);
    store<u64>(buf + BLOCK - 8, bswap<u64>(bits));
    this.compress(buf);
    const h = changetype<usize>(this.h);
    for (let i: usize = 0; i < 8; i++) {
      store<u32>(out + (i << 2), bswap<u32>(load<u32>(h + (i << 2))));
    }
    this.reset();
  }

  private compress(p: usize): void {
    const w = changetype<usize>(this.w);
    for (let i: usize = 0; i < 16; i++) {
      store<u32>(w + (i << 2), bswap<u32>(load<u32>(p + (i << 2))));
    }
    for (let i: usize = 16; i < 64; i++) {
      const w15 = load<u32>(w + ((i - 15) << 2));
      const w2 = load<u32>(w + ((i - 2) << 2));
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >> 10);
      store<u32>(w + (i << 2), load<u32>(w + ((i - 16) << 2)) + s0 + load<u32>(w + ((i - 7) << 2)) + s1);
    }
    const h = changetype<usize>(this.h);
    let a = load<u32>(h, 0), b = load<u32>(h, 4), c = load<u32>(h, 8), d = load<u32>(h, 12);
    let e = load<u32>(h, 16), f = load<u32>(h, 20), g = load<u32>(h, 24), hh = load<u32>(h, 28);
    const k = changetype<usize>(K);
    for (let i: usize = 0; i < 64; i++) {
      const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = hh + S1 + ch + load<u32>(k + (i << 2)) + load<u32>(w + (i << 2));
      const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      hh = g; g = f; f = e; e = d + t1;
      d = c; c = b; b = a; a = t1 + t2;
    }
    store<u32>(h, load<u32>(h, 0) + a, 0);
    store<u32>(h, load<u32>(h, 4) + b, 4);
    store<u32>(h, load<u32>(h, 8) + c, 8);
    store<u32>(h, load<u32>(h, 12) + d, 12);
    store<u32>(h, load<u32>(h, 16) + e, 16);
    store<u32>(h, load<u32>(h, 20) + f, 20);
    store<u32>(h, load<u32>(h, 24) + g, 24);
    store<u32>(h, load<u32>(h, 28) + hh, 28);
  }
}
