import { scanBlock, scanFeedBlock, SCAN_OK, SCAN_END, E_VARINT, E_UNDERFLOW, E_UNKNOWN_HEADER, E_BLOCK_SIZE, E_WINDOW,
  OUT_BLOCK_SIZE, OUT_VARINT_LEN, OUT_BODY_OFFSET, OUT_BODY_SIZE, OUT_KEY_OFFSET, OUT_KEY_LEN, OUT_PSIG_OFFSET, OUT_PSIG_LEN, OUT_HEADER_TYPE } from '../feed/block';
import { varintDecode, varintEncode, varintValue, varintLength, varintSize } from '../feed/varint';

const buf = new ArrayBuffer(4096);
const p = changetype<usize>(buf);
const outBuf = new ArrayBuffer(64); // kept referenced so the GC leaves it alone
const out = changetype<usize>(outBuf);

function field(off: usize): i32 { return load<i32>(out + off); }

/** Writes a block with the given headers and body length at p; returns its size. */
function writeBlock(author: bool, psig: bool, bodyLen: i32): i32 {
  memory.fill(p, 0xAA, 64); // signature bytes (not checked by the scanner)
  const size = (author ? 34 : 0) + (psig ? 66 : 0) + bodyLen;
  let o = 64 + varintEncode(<u32>size, p + 64);
  if (author) { store<u8>(p + o, 0); store<u8>(p + o + 1, 1); memory.fill(p + o + 2, 0x11, 32); o += 34; }
  if (psig) { store<u8>(p + o, 0); store<u8>(p + o + 1, 2); memory.fill(p + o + 2, 0x22, 64); o += 66; }
  memory.fill(p + o, 0x42, bodyLen);
  return o + bodyLen;
}

describe('varint (picofeed arithmetic)', () => {
  it('round-trips sizes', () => {
    const values: u32[] = [0, 1, 127, 128, 300, 16383, 16384, 65535, 1 << 20, 0x7fffffff];
    for (let i = 0; i < values.length; i++) {
      const n = varintEncode(values[i], p);
      expect(n).toBe(varintSize(values[i]));
      expect(varintDecode(p, 10)).toBe(true);
      expect(varintValue).toBe(<i32>values[i]);
      expect(varintLength).toBe(n);
    }
  });
  it('refuses a varint cut off by the buffer end', () => {
    store<u8>(p, 0x80); store<u8>(p + 1, 0x80);
    expect(varintDecode(p, 2)).toBe(false);
  });
  it('wraps overlong varints to 32 bits as JavaScript does', () => {
    // Six bytes: the sixth shifts by 35, which JavaScript (and wasm) take mod 32.
    store<u8>(p, 0x81); store<u8>(p + 1, 0x80); store<u8>(p + 2, 0x80);
    store<u8>(p + 3, 0x80); store<u8>(p + 4, 0x80); store<u8>(p + 5, 0x01);
    expect(varintDecode(p, 6)).toBe(true);
    expect(varintValue).toBe(1 | (1 << 3));
    expect(varintLength).toBe(6);
  });
});

describe('block scanner', () => {
  it('reads a block with AUTHOR and PSIG headers', () => {
    const n = writeBlock(true, true, 10);
    expect(scanBlock(p, n, n, out)).toBe(SCAN_OK);
    expect(field(OUT_BLOCK_SIZE)).toBe(n);
    expect(field(OUT_VARINT_LEN)).toBe(1);
    expect(field(OUT_KEY_OFFSET)).toBe(67);
    expect(field(OUT_KEY_LEN)).toBe(32);
    expect(field(OUT_PSIG_OFFSET)).toBe(101);
    expect(field(OUT_PSIG_LEN)).toBe(64);
    expect(field(OUT_BODY_OFFSET)).toBe(165);
    // picofeed subtracts 32 and 64 per header but counted 34 and 66 in the
    // size: its Block.size is 2 bytes per header larger than the body (the
    // body view is clamped to the block). Mirrored exactly.
    expect(field(OUT_BODY_SIZE)).toBe(14);
  });
  it('reads a bare block (no headers)', () => {
    const n = writeBlock(false, false, 5);
    expect(scanBlock(p, n, n, out)).toBe(SCAN_OK);
    expect(field(OUT_KEY_OFFSET)).toBe(-1);
    expect(field(OUT_PSIG_OFFSET)).toBe(-1);
    expect(field(OUT_BODY_SIZE)).toBe(5);
  });
  it('uses a two-byte varint for large bodies', () => {
    const n = writeBlock(true, false, 2000);
    expect(scanBlock(p, n, n, out)).toBe(SCAN_OK);
    expect(field(OUT_VARINT_LEN)).toBe(2);
    expect(field(OUT_BODY_SIZE)).toBe(2002);
  });
  it('reports BufferUnderflow when the declared size runs past the buffer', () => {
    const n = writeBlock(true, false, 10);
    expect(scanBlock(p, n - 1, n - 1, out)).toBe(E_UNDERFLOW);
  });
  it('reports a varint that runs off the end', () => {
    memory.fill(p + 64, 0x80, 4);
    expect(scanBlock(p, 68, 68, out)).toBe(E_VARINT);
    expect(scanBlock(p, 64, 64, out)).toBe(E_VARINT);
  });
  it('refuses negative sizes', () => {
    memory.fill(p + 64, 0xff, 4); store<u8>(p + 68, 0x0f); // 0xffffffff
    expect(scanBlock(p, 200, 200, out)).toBe(E_BLOCK_SIZE);
  });
  it('names an unknown header', () => {
    const n = writeBlock(false, false, 5);
    store<u8>(p + 65, 0); store<u8>(p + 66, 7);
    expect(scanBlock(p, n, n, out)).toBe(E_UNKNOWN_HEADER);
    expect(field(OUT_HEADER_TYPE)).toBe(7);
  });
  it('reports a header marker on the last byte as unknown (type undefined)', () => {
    memory.fill(p, 0xAA, 64); store<u8>(p + 64, 1); store<u8>(p + 65, 0);
    expect(scanBlock(p, 66, 66, out)).toBe(E_UNKNOWN_HEADER);
    expect(field(OUT_HEADER_TYPE)).toBe(-1);
  });
  it('returns a key cut short by the declared size, as picofeed does', () => {
    memory.fill(p, 0xAA, 64);
    store<u8>(p + 64, 12); store<u8>(p + 65, 0); store<u8>(p + 66, 1); memory.fill(p + 67, 0x11, 10);
    expect(scanBlock(p, 77, 77, out)).toBe(SCAN_OK);
    expect(field(OUT_KEY_LEN)).toBe(10);
    expect(field(OUT_BODY_SIZE)).toBe(12 - 32);
  });
  it('asks for a bigger window instead of reading past it', () => {
    const n = writeBlock(true, true, 10);
    expect(scanBlock(p, 80, n, out)).toBe(E_WINDOW);
  });
});

describe('feed walk end rules', () => {
  it('ends when fewer than 66 bytes remain', () => {
    expect(scanFeedBlock(p, 65, 65, out)).toBe(SCAN_END);
  });
  it('ends at a zero size byte (unused feed space)', () => {
    memory.fill(p, 0, 200);
    expect(scanFeedBlock(p, 200, 200, out)).toBe(SCAN_END);
  });
  it('ends when the size runs past the buffer by more than the signature', () => {
    const n = writeBlock(true, false, 100);
    expect(scanFeedBlock(p, n - 70, n - 70, out)).toBe(SCAN_END);
  });
  it('reports BufferUnderflow when a block is cut within its last 64 bytes', () => {
    const n = writeBlock(true, false, 100);
    expect(scanFeedBlock(p, n - 10, n - 10, out)).toBe(E_UNDERFLOW);
  });
  it('reads a whole block', () => {
    const n = writeBlock(true, true, 3);
    expect(scanFeedBlock(p, n, n, out)).toBe(SCAN_OK);
  });
});
