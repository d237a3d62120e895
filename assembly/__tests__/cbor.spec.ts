import { CborReader, MAJOR_TEXT } from '../store/cbor';

/** True when the hex is exactly one item the reader accepts. */
function wellFormed(h: string): bool {
  const r = new CborReader();
  r.reset(bytes(h), <usize>(h.length >> 1));
  return r.skip() && r.atEnd() && !r.failed;
}

function num(h: string): f64 {
  const r = new CborReader();
  r.reset(bytes(h), <usize>(h.length >> 1));
  const out = heap.alloc(8);
  if (!r.number(out)) return -12345;
  return load<f64>(out);
}

// RFC 8949 Appendix A examples (the ones cborg decodes with its defaults).
describe('CborReader (RFC 8949 Appendix A)', () => {
  it('reads integers, including 64-bit and negative', () => {
    expect(num('00')).toBe(0);
    expect(num('17')).toBe(23);
    expect(num('1818')).toBe(24);
    expect(num('1903e8')).toBe(1000);
    expect(num('1a000f4240')).toBe(1000000);
    expect(num('1b000000e8d4a51000')).toBe(1000000000000);
    expect(num('20')).toBe(-1);
    expect(num('3863')).toBe(-100);
    expect(num('3903e7')).toBe(-1000);
  });

  it('reads half, single and double floats', () => {
    expect(num('f93c00')).toBe(1.0);
    expect(num('f93e00')).toBe(1.5);
    expect(num('f97bff')).toBe(65504.0);
    expect(num('f90001')).toBe(5.960464477539063e-8);
    expect(num('f9c400')).toBe(-4.0);
    expect(num('fa47c35000')).toBe(100000.0);
    expect(num('fb3ff199999999999a')).toBe(1.1);
    expect(num('f97c00')).toBe(Infinity);
    expect(isNaN(num('f97e00'))).toBe(true);
  });

  it('skips strings, arrays, maps and indefinite arrays and maps', () => {
    expect(wellFormed('6449455446')).toBe(true);
    expect(wellFormed('62c3bc')).toBe(true);
    expect(wellFormed('4401020304')).toBe(true);
    expect(wellFormed('83010203')).toBe(true);
    expect(wellFormed('8301820203820405')).toBe(true);
    expect(wellFormed('a26161016162820203')).toBe(true);
    expect(wellFormed('9f018202039f0405ffff')).toBe(true);
    expect(wellFormed('bf61610161629f0203ffff')).toBe(true);
    expect(wellFormed('f4')).toBe(true);
    expect(wellFormed('f6')).toBe(true);
    expect(wellFormed('f7')).toBe(true);
  });

  it('reads a text span in place', () => {
    const r = new CborReader();
    r.reset(bytes('6449455446'), 5);
    expect(r.peekMajor()).toBe(MAJOR_TEXT);
    expect(r.text()).toBe(true);
    expect(r.spanLen).toBe(4);
    expect(load<u8>(r.spanPtr)).toBe(0x49);
  });

  it('refuses what cborg refuses by default', () => {
    expect(wellFormed('c074323031332d30332d32315432303a30343a30305a')).toBe(false); // tag 0
    expect(wellFormed('a1016161')).toBe(false); // non-string key
    expect(wellFormed('f0')).toBe(false); // simple value 16
    expect(wellFormed('f8ff')).toBe(false); // simple value 255
    expect(wellFormed('5f42010243030405ff')).toBe(false); // indefinite byte string
    expect(wellFormed('7f657374726561646d696e67ff')).toBe(false); // indefinite text
    expect(wellFormed('1c')).toBe(false); // reserved additional information
    expect(wellFormed('ff')).toBe(false); // lone break
    expect(wellFormed('1f')).toBe(false); // indefinite integer
  });

  it('refuses truncated items and absurd lengths without reading past the end', () => {
    expect(wellFormed('1a000f42')).toBe(false);
    expect(wellFormed('6449')).toBe(false);
    expect(wellFormed('83')).toBe(false);
    expect(wellFormed('9f01')).toBe(false);
    expect(wellFormed('9bffffffffffffffff')).toBe(false);
    expect(wellFormed('7bffffffffffffffff')).toBe(false);
  });

  it('bounds the nesting depth', () => {
    let deep = '';
    for (let i = 0; i < 40; i++) deep += '81';
    expect(wellFormed(deep + '01')).toBe(false);
    let ok = '';
    for (let i = 0; i < 20; i++) ok += '81';
    expect(wellFormed(ok + '01')).toBe(true);
  });
});
