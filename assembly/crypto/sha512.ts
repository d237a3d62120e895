// SHA-512 (FIPS 180-4), streaming, without allocation.
//
// A context is a fixed block of linear memory (SHA512_CONTEXT bytes: state,
// block buffer, counters), so callers keep independent contexts (signing
// hashes twice per signature, verification streams large bodies) with no
// heap: a module-level context is `sha512Context(memory.data(SHA512_CONTEXT))`.
// The class has value fields only, to lay the block out (and so `new
// Sha512()` still works in the specs); its methods address the block by
// offset. The message schedule is one 16-word ring shared by every context:
// compression never re-enters, and no context keeps anything in it between
// blocks.

const K: StaticArray<u64> = [
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
];

export const SHA512_DIGEST: i32 = 64;
const BLOCK: usize = 128;
// Layout of a context: the fields below, in this order.
const STATE: usize = 0; // 8 u64
const BUF: usize = 64; // 128 bytes
const FILL: usize = 192; // bytes waiting in BUF
const TOTAL: usize = 200; // bytes absorbed
/** Bytes of one context. */
export const SHA512_CONTEXT: i32 = 208;

/** The message schedule, 16 words in a ring (W[i] at i mod 16), shared by all contexts. */
const W: usize = memory.data(16 * 8);

/** Resets the context block at p (SHA512_CONTEXT bytes of static memory) and returns it. */
export function sha512Context(p: usize): Sha512 {
  const h = changetype<Sha512>(p);
  h.reset();
  return h;
}

@unmanaged
export class Sha512 {
  // Value fields only: they reserve the layout above (STATE, BUF, FILL, TOTAL).
  // Unmanaged: a context in static memory has no object header for a GC to read.
  private s0: u64; private s1: u64; private s2: u64; private s3: u64;
  private s4: u64; private s5: u64; private s6: u64; private s7: u64;
  private b0: u64; private b1: u64; private b2: u64; private b3: u64;
  private b4: u64; private b5: u64; private b6: u64; private b7: u64;
  private b8: u64; private b9: u64; private b10: u64; private b11: u64;
  private b12: u64; private b13: u64; private b14: u64; private b15: u64;
  private fill: u64;
  private total: u64;

  constructor() {
    this.reset();
  }

  reset(): void {
    const h = changetype<usize>(this) + STATE;
    store<u64>(h, 0x6a09e667f3bcc908, 0);
    store<u64>(h, 0xbb67ae8584caa73b, 8);
    store<u64>(h, 0x3c6ef372fe94f82b, 16);
    store<u64>(h, 0xa54ff53a5f1d36f1, 24);
    store<u64>(h, 0x510e527fade682d1, 32);
    store<u64>(h, 0x9b05688c2b3e6c1f, 40);
    store<u64>(h, 0x1f83d9abfb41bd6b, 48);
    store<u64>(h, 0x5be0cd19137e2179, 56);
    store<u64>(changetype<usize>(this) + FILL, 0);
    store<u64>(changetype<usize>(this) + TOTAL, 0);
  }

  /** Absorbs len bytes at ptr. */
  update(ptr: usize, len: usize): void {
    const self = changetype<usize>(this);
    store<u64>(self + TOTAL, load<u64>(self + TOTAL) + <u64>len);
    const buf = self + BUF;
    let fill = <usize>load<u64>(self + FILL);
    if (fill > 0) {
      const take = min(BLOCK - fill, len);
      memory.copy(buf + fill, ptr, take);
      fill += take;
      ptr += take;
      len -= take;
      if (fill < BLOCK) {
        store<u64>(self + FILL, <u64>fill);
        return;
      }
      compress(self + STATE, buf);
      fill = 0;
    }
    while (len >= BLOCK) {
      compress(self + STATE, ptr);
      ptr += BLOCK;
      len -= BLOCK;
    }
    if (len > 0) {
      memory.copy(buf, ptr, len);
      fill = len;
    }
    store<u64>(self + FILL, <u64>fill);
  }

  /** Writes the 64-byte digest to out and resets the context. */
  final(out: usize): void {
    const self = changetype<usize>(this);
    const buf = self + BUF;
    const bits = load<u64>(self + TOTAL) << 3;
    let fill = <usize>load<u64>(self + FILL);
    store<u8>(buf + fill, 0x80);
    fill++;
    if (fill > BLOCK - 16) {
      memory.fill(buf + fill, 0, BLOCK - fill);
      compress(self + STATE, buf);
      fill = 0;
    }
    memory.fill(buf + fill, 0, BLOCK - 8 - fill);
    // Message length is at most 2^64 bits here; the upper 64 bits stay zero.
    store<u64>(buf + BLOCK - 8, bswap<u64>(bits));
    compress(self + STATE, buf);
    const h = self + STATE;
    for (let i: usize = 0; i < 8; i++) {
      store<u64>(out + (i << 3), bswap<u64>(load<u64>(h + (i << 3))));
    }
    this.reset();
  }
}

/** Compresses the 128-byte block at p into the state h (8 u64). */
function compress(h: usize, p: usize): void {
  let a = load<u64>(h, 0), b = load<u64>(h, 8), c = load<u64>(h, 16), d = load<u64>(h, 24);
  let e = load<u64>(h, 32), f = load<u64>(h, 40), g = load<u64>(h, 48), hh = load<u64>(h, 56);
  const k = changetype<usize>(K);
  for (let i: usize = 0; i < 80; i++) {
    const at = W + ((i & 15) << 3);
    let wi: u64;
    if (i < 16) {
      wi = bswap<u64>(load<u64>(p + (i << 3)));
    } else {
      // W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]; W[i-16] sits where W[i] goes.
      const w15 = load<u64>(W + (((i - 15) & 15) << 3));
      const w2 = load<u64>(W + (((i - 2) & 15) << 3));
      const s0 = rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >> 7);
      const s1 = rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >> 6);
      wi = load<u64>(at) + s0 + load<u64>(W + (((i - 7) & 15) << 3)) + s1;
    }
    store<u64>(at, wi);
    const S1 = rotr<u64>(e, 14) ^ rotr<u64>(e, 18) ^ rotr<u64>(e, 41);
    const ch = (e & f) ^ (~e & g);
    const t1 = hh + S1 + ch + load<u64>(k + (i << 3)) + wi;
    const S0 = rotr<u64>(a, 28) ^ rotr<u64>(a, 34) ^ rotr<u64>(a, 39);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    hh = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  store<u64>(h, load<u64>(h, 0) + a, 0);
  store<u64>(h, load<u64>(h, 8) + b, 8);
  store<u64>(h, load<u64>(h, 16) + c, 16);
  store<u64>(h, load<u64>(h, 24) + d, 24);
  store<u64>(h, load<u64>(h, 32) + e, 32);
  store<u64>(h, load<u64>(h, 40) + f, 40);
  store<u64>(h, load<u64>(h, 48) + g, 48);
  store<u64>(h, load<u64>(h, 56) + hh, 56);
}

// The fields must lay out the context exactly.
if (offsetof<Sha512>() != <usize>SHA512_CONTEXT || offsetof<Sha512>('fill') != FILL || offsetof<Sha512>('total') != TOTAL) unreachable();

/**
 * A context for one-shot hashes: used from a reset (or the final before it)
 * to a final within one call, with no other use in between, it can be
 * shared by everyone who hashes that way (batch.ts, sync/items.ts,
 * abi/io.ts's sha512), saving a context each. A hash that streams across
 * calls (signing, verification, the app image) keeps its own.
 */
export const SHA512_ONE_SHOT: Sha512 = sha512Context(memory.data(SHA512_CONTEXT));
