import { Sha256 } from '../crypto/sha256';

function digestOf(msg: string, chunk: i32 = 1 << 30): string {
  const h = new Sha256();
  const bytes = String.UTF8.encode(msg);
  const p = changetype<usize>(bytes);
  const n = bytes.byteLength;
  for (let i = 0; i < n; i += chunk) h.update(p + <usize>i, <usize>min(chunk, n - i));
  const out = new ArrayBuffer(32);
  h.final(changetype<usize>(out));
  return hex(changetype<usize>(out), 32);
}

// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf") and the million-'a' vector.
describe('Sha256 (FIPS 180-4 vectors)', () => {
  it('hashes the empty string', () => {
    expect(digestOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('hashes "abc"', () => {
    expect(digestOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('hashes the 448-bit two-block message, whole and streamed', () => {
    const m = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    const want = '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1';
    expect(digestOf(m)).toBe(want);
    expect(digestOf(m, 7)).toBe(want, 'streamed in 7-byte pieces');
    expect(digestOf(m, 64)).toBe(want, 'streamed in whole blocks');
  });
  it('hashes a million "a"', () => {
    const h = new Sha256();
    const block = new ArrayBuffer(1000);
    memory.fill(changetype<usize>(block), 0x61, 1000);
    for (let i = 0; i < 1000; i++) h.update(changetype<usize>(block), 1000);
    const out = new ArrayBuffer(32);
    h.final(changetype<usize>(out));
    expect(hex(changetype<usize>(out), 32)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it('pads messages of 55, 56 and 64 bytes correctly (one or two final blocks)', () => {
    expect(digestOf('a'.repeat(55))).toBe('9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318');
    expect(digestOf('a'.repeat(56))).toBe('b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a');
    expect(digestOf('a'.repeat(64))).toBe('ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb');
  });
});
