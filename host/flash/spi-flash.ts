// The ESP32 module's SPI NOR flash, simulated: 4 MiB in 4 KiB sectors.
// Erase sets a whole sector to 0xFF; a page program can only clear bits
// (cell &= data), which is exactly why the bootloader must erase before it
// writes. Erases are counted per sector so tests can prove which sectors a
// flash run touched.

import { FLASH_SECTOR_SIZE } from './protocol.js'

export const FLASH_4MB = 4 * 1024 * 1024
/** JEDEC id of a typical 4 MiB part (GigaDevice GD25Q32: manufacturer C8, type 40, capacity 16 = 2^22 bytes). */
export const JEDEC_ID_4MB = 0x1640c8

export class SpiFlash {
  readonly bytes: Uint8Array
  readonly eraseCounts: Uint32Array
  programs = 0

  constructor (readonly size = FLASH_4MB, readonly jedecId = JEDEC_ID_4MB) {
    this.bytes = new Uint8Array(size).fill(0xff)
    this.eraseCounts = new Uint32Array(size / FLASH_SECTOR_SIZE)
  }

  inRange (addr: number, len: number): boolean {
    return Number.isInteger(addr) && Number.isInteger(len) && addr >= 0 && len >= 0 && addr + len <= this.size
  }

  eraseSector (sector: number): void {
    this.bytes.fill(0xff, sector * FLASH_SECTOR_SIZE, (sector + 1) * FLASH_SECTOR_SIZE)
    this.eraseCounts[sector]++
  }

  /** Erase every sector that [addr, addr + len) touches, as the ROM's FLASH_BEGIN does. */
  eraseRange (addr: number, len: number): void {
    if (len === 0) return
    const first = Math.floor(addr / FLASH_SECTOR_SIZE)
    const last = Math.floor((addr + len - 1) / FLASH_SECTOR_SIZE)
    for (let s = first; s <= last; s++) this.eraseSector(s)
  }

  program (addr: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.bytes[addr + i] &= data[i]
    this.programs++
  }

  read (addr: number, len: number): Uint8Array {
    return this.bytes.slice(addr, addr + len)
  }
}
