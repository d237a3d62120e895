// The advertisement: a legacy BLE advertisement (31 bytes at most, which
// every BLE 4 radio can send, the original ESP32 included) that tells
// neighbours what this badge holds, so that only badges that differ
// connect. AD structures:
//   02 01 06                          flags: LE general discoverable, no BR/EDR
//   13 FF FF FF                       manufacturer data, company 0xFFFF (no company: testing / private use)
//      B3                             magic and protocol version 3 (messages.ts)
//      id (4)                         the first 4 bytes of the badge's public key
//      items u16 LE                   chains held
//      digest u64 LE                  of the whole chain set (items.ts): a hint to connect, never proof of sync
//      free u8                        connection slots free (0: do not connect)
// 23 bytes. Other advertisers are ignored.

export const ADV_SIZE: u32 = 23;
const MAGIC: u32 = 0xb3; // 0xB0 | PROTOCOL_VERSION: badges of another version do not connect

export class Advert {
  id: u32 = 0;
  items: u32 = 0;
  fp: u64 = 0;
  free: u32 = 0;
}

/** Writes the advertisement to out (ADV_SIZE bytes). */
export function writeAdvert(out: usize, id: usize, items: u32, fp: u64, free: u32): void {
  // Flags 02 01 06, the manufacturer data's head 13 FF FF FF, the magic: eight bytes, little-endian.
  store<u64>(out, 0x00ffffff13060102 | (<u64>MAGIC << 56));
  memory.copy(out + 8, id, 4);
  store<u16>(out, <u16>items, 12);
  store<u64>(out, fp, 14);
  store<u8>(out, <u8>free, 22);
}

/** Finds our manufacturer data among the AD structures at [ptr, ptr + len); false when there is none or it is malformed. */
export function readAdvert(ptr: usize, len: u32, into: Advert): bool {
  if (len > 31) return false;
  let at: usize = 0;
  while (at < <usize>len) {
    const l = <usize>load<u8>(ptr + at);
    if (l == 0) return false; // padding: nothing more
    if (at + 1 + l > <usize>len) return false;
    const p = ptr + at + 1;
    if (l == 0x13 && load<u8>(p) == 0xff && load<u16>(p + 1) == 0xffff && <u32>load<u8>(p + 3) == MAGIC) {
      // The structure's length (0x13) was checked against len: its 19 bytes are all there.
      into.id = bswap<u32>(load<u32>(p, 4));
      into.items = <u32>load<u16>(p, 8);
      into.fp = load<u64>(p, 10);
      into.free = <u32>load<u8>(p, 18);
      return true;
    }
    at += 1 + l;
  }
  return false;
}
