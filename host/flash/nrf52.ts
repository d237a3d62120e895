// The nRF52840 flash layout picobadge uses, and the one Intel HEX file that
// holds a board's firmware and app image together.
//
//   0x000000 – 0x0F4000   firmware (Zephyr's zephyr.hex; on Adafruit boards
//                          it starts at 0x26000, after the MBR / SoftDevice area)
//   0x094000 – 0x0D4000   the badge's flash region (256 KiB: block store and
//                          identity; the firmware lends it to the core, erased)
//   0x0D4000 – 0x0F4000   the app image (124 KiB) and, in its last 4 KiB
//                         page, the badge's app version floor (never written here)
//   0x0F4000 – 0x100000   the Adafruit nRF52 bootloader (never written)
// The firmware must stay below the badge region; the image must fit its region.

import { COMMAND_ADVICE, type FlashAdvice } from './advice.js'
import { MemoryMap } from './memory-map.js'

export interface Nrf52Layout { flashSize: number, region: number, regionSize: number, image: number, imageSize: number, bootloader: number }

/** The last page of the app image's region keeps the badge's app version floor (docs/ABI.md, "Rollback"). */
export const NRF52_FLOOR_PAGE = 0x1000
export const NRF52840: Nrf52Layout = { flashSize: 0x100000, region: 0x94000, regionSize: 0x40000, image: 0xd4000, imageSize: 0x20000, bootloader: 0xf4000 }

export class Nrf52ImageError extends Error { override name = 'Nrf52ImageError' }

const hex = (n: number) => `0x${n.toString(16).padStart(6, '0')}`

/** Parses Intel HEX text; a clear error when it is not. */
export function parseHex (text: string, what: string): MemoryMap {
  try {
    return MemoryMap.fromHex(text).join()
  } catch (e) {
    throw new Nrf52ImageError(`${what} is not a valid Intel HEX file: ${(e as Error).message}`)
  }
}

/**
 * One memory map with the firmware (optional) and the app image (optional)
 * at the layout's addresses. Refuses firmware that reaches into the badge
 * region, the image or the bootloader, and an image larger than its region.
 */
export function mergeNrf52 (firmware: MemoryMap | undefined, image: Uint8Array | undefined, layout: Nrf52Layout = NRF52840): MemoryMap {
  const out = new MemoryMap()
  if (firmware) {
    for (const [addr, bytes] of firmware.join()) {
      const end = addr + bytes.length
      // Name what it reaches into, the furthest first: the bootloader, the app image, the badge's region.
      if (end > layout.bootloader) throw new Nrf52ImageError(`the firmware reaches ${hex(end)}, into the bootloader at ${hex(layout.bootloader)} (never written): it must end below the badge's flash region at ${hex(layout.region)}`)
      if (end > layout.image) throw new Nrf52ImageError(`the firmware reaches ${hex(end)}, into the app image's region at ${hex(layout.image)}: it must end below the badge's flash region at ${hex(layout.region)}`)
      if (end > layout.region) throw new Nrf52ImageError(`the firmware reaches ${hex(end)}, into the badge's flash region at ${hex(layout.region)}: it must end below it`)
      out.set(addr, bytes)
    }
  }
  if (image) {
    // The region's last page is the badge's app version floor (boards/nrf52/src/port_zephyr.c): never written from here.
    const room = layout.imageSize - NRF52_FLOOR_PAGE
    if (image.length > room) throw new Nrf52ImageError(`the app image is ${image.length} bytes; its region at ${hex(layout.image)} holds ${room} (${layout.imageSize} less the version floor's page at ${hex(layout.image + room)})`)
    out.set(layout.image, image)
  }
  if (out.size === 0) throw new Nrf52ImageError('nothing to write: give the firmware, the app image, or both')
  return out.join()
}

/** Where the Adafruit bootloader puts applications on an nRF52840 with the S140 6.x SoftDevice area. */
export const ADAFRUIT_APP_START = 0x26000

/**
 * The memory map as one application binary from `start` (what the serial
 * DFU sends): gaps are 0xFF, erased flash. Refuses anything below start
 * (the MBR and SoftDevice area the bootloader keeps).
 */
export function appBinary (map: MemoryMap, start = ADAFRUIT_APP_START): Uint8Array {
  let end = start
  for (const [addr, bytes] of map) {
    if (addr < start) throw new Nrf52ImageError(`the image has bytes at ${hex(addr)}, below the bootloader's application start ${hex(start)}: the serial DFU cannot write them (use the UF2 drive, or a firmware built for ${hex(start)})`)
    end = Math.max(end, addr + bytes.length)
  }
  const out = new Uint8Array(end - start).fill(0xff)
  for (const [addr, bytes] of map) out.set(bytes, addr - start)
  return out
}

/**
 * Refuses a memory map the Adafruit UF2 bootloader cannot take: bytes below
 * the application start are the MBR and SoftDevice area it keeps (a HEX
 * built for the nRF52840 DK starts at 0x0). Such a HEX is for a debugger.
 */
export function checkUf2Start (map: MemoryMap, start = ADAFRUIT_APP_START, advice: FlashAdvice = COMMAND_ADVICE): void {
  for (const [addr] of map) {
    if (addr < start) throw new Nrf52ImageError(`the firmware has bytes at ${hex(addr)}, in the MBR and SoftDevice area below ${hex(start)} that the Adafruit bootloader keeps: a UF2 cannot write them (build the firmware for the Adafruit board, or ${advice.debugger})`)
  }
}
