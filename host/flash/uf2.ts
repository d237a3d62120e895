// UF2 (Microsoft's USB flashing format, as the Adafruit nRF52 bootloader
// takes it on its USB drive): 512-byte blocks, each carrying up to 476
// bytes (here always 256, the page the bootloader writes) for one flash
// address, with the family id that tells a bootloader the file is for its
// chip. https://github.com/microsoft/uf2

import type { MemoryMap } from './memory-map.js'

export const UF2_MAGIC_START0 = 0x0a324655 // "UF2\n"
export const UF2_MAGIC_START1 = 0x9e5d5157
export const UF2_MAGIC_END = 0x0ab16f30
export const UF2_FLAG_FAMILY_ID = 0x00002000
export const UF2_BLOCK = 512
export const UF2_PAYLOAD = 256
export const NRF52840_FAMILY = 0xada52840

/** The memory map as UF2 blocks of 256-byte pages (gaps inside a page are padded with 0xFF, erased flash). */
export function toUf2 (map: MemoryMap, family: number = NRF52840_FAMILY): Uint8Array {
  const pages = new Map<number, Uint8Array>()
  for (const [addr, bytes] of map) {
    for (let o = 0; o < bytes.length;) {
      const a = addr + o
      const base = a - (a % UF2_PAYLOAD)
      let page = pages.get(base)
      if (!page) pages.set(base, page = new Uint8Array(UF2_PAYLOAD).fill(0xff))
      const n = Math.min(bytes.length - o, base + UF2_PAYLOAD - a)
      page.set(bytes.subarray(o, o + n), a - base)
      o += n
    }
  }
  const addrs = [...pages.keys()].sort((a, b) => a - b)
  const out = new Uint8Array(addrs.length * UF2_BLOCK)
  const v = new DataView(out.buffer)
  addrs.forEach((addr, i) => {
    const o = i * UF2_BLOCK
    v.setUint32(o, UF2_MAGIC_START0, true)
    v.setUint32(o + 4, UF2_MAGIC_START1, true)
    v.setUint32(o + 8, UF2_FLAG_FAMILY_ID, true)
    v.setUint32(o + 12, addr, true)
    v.setUint32(o + 16, UF2_PAYLOAD, true)
    v.setUint32(o + 20, i, true)
    v.setUint32(o + 24, addrs.length, true)
    v.setUint32(o + 28, family, true)
    out.set(pages.get(addr)!, o + 32)
    v.setUint32(o + 508, UF2_MAGIC_END, true)
  })
  return out
}
