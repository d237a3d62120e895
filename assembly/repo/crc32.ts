// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum every
// flash record carries, so a record torn by a power cut or worn bits is
// never mistaken for a committed one. The 1 KiB table is built at start.

const TABLE: usize = memory.data(<i32>(256 * 4));

function buildTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(TABLE + (<usize>n << 2), c);
  }
}
buildTable();

/** Continues a CRC over len bytes at ptr; start with crc = 0. */
export function crc32(crc: u32, ptr: usize, len: usize): u32 {
  let c = ~crc;
  for (let i: usize = 0; i < len; i++) {
    c = load<u32>(TABLE + (<usize>((c ^ load<u8>(ptr + i)) & 0xff) << 2)) ^ (c >>> 8);
  }
  return ~c;
}
