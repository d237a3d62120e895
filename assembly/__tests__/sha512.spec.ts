import { Sha512 } from '../crypto/sha512';

function digestOf(msg: string, chunk: i32 = 1 << 30): string {
  const h = new Sha512();
  const bytes = String.UTF8.encode(msg);
  const p = changetype<usize>(bytes);
  const n = bytes.byteLength;
  for (let i = 0; i < n; i += chunk) h.update(p + <usize>i, <usize>min(chunk, n - i));
  const out = new ArrayBuffer(64);
  h.final(changetype<usize>(out));
  return hex(changetype<usize>(out), 64);
}

// FIPS 180-4 example vectors (NIST CSRC "SHA512.pdf").
describe('Sha512 (FIPS 180-4 vectors)', () => {
  it('hashes the empty string', () => {
    expect(digestOf('')).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e');
  });
  it('hashes "abc"', () => {
    expect(digestOf('abc')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  });
  it('hashes the 896-bit two-block message', () => {
    const m = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
    const want = '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909';
    expect(digestOf(m)).toBe(want);
    expect(digestOf(m, 7)).toBe(want, 'streamed in 7-byte pieces');
    expect(digestOf(m, 128)).toBe(want, 'streamed in whole blocks');
  });
  it('hashes one million "a" streamed', () => {
    const h = new Sha512();
    const a = new ArrayBuffer(1000);
    memory.fill(changetype<usize>(a), 0x61, 1000);
    for (let i = 0; i < 1000; i++) h.update(changetype<usize>(a), 1000);
    const out = new ArrayBuffer(64);
    h.final(changetype<usize>(out));
    expect(hex(changetype<usize>(out), 64)).toBe(
      'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b');
  });
  it('handles the 111/112-byte padding boundary', () => {
    // 111 bytes fits the length in the same block; 112 forces an extra block.
    let s111 = '', s112 = '';
    for (let i = 0; i < 111; i++) s111 += 'a';
    s112 = s111 + 'a';
    expect(digestOf(s111)).toBe('fa9121c7b32b9e01733d034cfc78cbf67f926c7ed83e82200ef86818196921760b4beff48404df811b953828274461673c68d04e297b0eb7b2b4d60fc6b566a2');
    expect(digestOf(s112)).toBe('c01d080efd492776a1c43bd23dd99d0a2e626d481e16782e75d54c2503b5dc32bd05f0f1ba33e568b88fd2d970929b719ecbb152f58f130a407c8830604b70ca');
  });
});
