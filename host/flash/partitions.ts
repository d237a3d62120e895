// ESP-IDF's binary partition table (what gen_esp32part.py writes to
// partition-table.bin, flashed at 0x8000): 32-byte entries
//   magic AA 50 | type u8 | subtype u8 | offset u32 | size u32 | label[16] | flags u32
// then an MD5 entry (EB EB, 14 × FF, MD5 of every entry before it), then
// 0xFF to the end of the table's 0xC00 bytes.
//
// The badge's app image lives in a data partition of its own:
//   label "picobadge", type 0x40, subtype 0x00
// Type 0x40 is the first of the types ESP-IDF leaves to applications
// (0x40–0xFE), so no IDF component ever claims it; the firmware finds the
// partition with esp_partition_find_first(0x40, 0x00, "picobadge").
// partitions.csv line:   picobadge, 0x40, 0x00, , 256K

import { md5, bytesEqual } from '../hash.js'

export const PARTITION_TABLE_OFFSET = 0x8000
export const PARTITION_TABLE_MAX = 0xc00
export const PARTITION_ENTRY_SIZE = 32
export const PARTITION_MAGIC = 0x50aa // bytes AA 50, little-endian
export const PARTITION_MD5_MAGIC = 0xebeb
export const PARTITION_TYPE_APP = 0x00
export const PARTITION_TYPE_DATA = 0x01

/** The badge's app-image partition. */
export const PICOBADGE_PARTITION = { label: 'picobadge', type: 0x40, subtype: 0x00 } as const
export const PICOBADGE_CSV_LINE = 'picobadge, 0x40, 0x00, , 256K'
/**
 * The badge's flash region (block store and identity) on the ESP32: a partition the firmware
 * (boards/esp32) lends to the core and the flasher never writes, so updates keep what a badge holds.
 */
export const BADGE_REGION_PARTITION = { label: 'badge', type: 0x40, subtype: 0x01 } as const

export interface Partition { label: string, type: number, subtype: number, offset: number, size: number, flags: number }

export class PartitionTableError extends Error { override name = 'PartitionTableError' }

/** Parse a binary partition table; `source` names it in errors (a file, "the board"). */
export function parsePartitionTable (bin: Uint8Array, source = 'partition table'): Partition[] {
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength)
  const parts: Partition[] = []
  let md5Seen = false
  for (let o = 0; o + PARTITION_ENTRY_SIZE <= Math.min(bin.length, PARTITION_TABLE_MAX); o += PARTITION_ENTRY_SIZE) {
    const magic = view.getUint16(o, true)
    if (magic === 0xffff) break
    if (magic === PARTITION_MD5_MAGIC) {
      if (!bytesEqual(md5(bin.subarray(0, o)), bin.subarray(o + 16, o + 32))) throw new PartitionTableError(`${source}: the MD5 entry at byte ${o} does not match the entries before it (corrupt table)`)
      md5Seen = true
      continue
    }
    if (magic !== PARTITION_MAGIC) throw new PartitionTableError(`${source}: entry ${o / PARTITION_ENTRY_SIZE} at byte ${o} has magic 0x${magic.toString(16)}, not 0x${PARTITION_MAGIC.toString(16)} (is this an ESP-IDF partition-table.bin?)`)
    if (md5Seen) throw new PartitionTableError(`${source}: an entry follows the MD5 entry at byte ${o}`)
    const labelBytes = bin.subarray(o + 12, o + 28)
    const end = labelBytes.indexOf(0)
    parts.push({
      type: bin[o + 2],
      subtype: bin[o + 3],
      offset: view.getUint32(o + 4, true),
      size: view.getUint32(o + 8, true),
      label: new TextDecoder().decode(end < 0 ? labelBytes : labelBytes.subarray(0, end)),
      flags: view.getUint32(o + 28, true)
    })
  }
  if (parts.length === 0) throw new PartitionTableError(`${source}: no partition entries (the table is empty or erased)`)
  return parts
}

/** The picobadge app-image partition, or an error that says how to add one. */
export function findAppPartition (parts: Partition[], source = 'partition table'): Partition {
  const want = PICOBADGE_PARTITION
  const byLabel = parts.find(p => p.label === want.label)
  if (byLabel && (byLabel.type !== want.type || byLabel.subtype !== want.subtype)) {
    throw new PartitionTableError(`${source}: partition "${want.label}" has type 0x${byLabel.type.toString(16)} subtype 0x${byLabel.subtype.toString(16)}; the badge's app image needs type 0x${want.type.toString(16)} subtype 0x${want.subtype.toString(16)} (partitions.csv: ${PICOBADGE_CSV_LINE})`)
  }
  const found = byLabel ?? parts.find(p => p.type === want.type && p.subtype === want.subtype)
  if (!found) {
    const have = parts.map(p => `${p.label} (0x${p.type.toString(16)}/0x${p.subtype.toString(16)} at 0x${p.offset.toString(16)})`).join(', ')
    throw new PartitionTableError(`${source} has no "${want.label}" partition for the app image (type 0x${want.type.toString(16)}, subtype 0x${want.subtype.toString(16)}). It has: ${have}. Add this line to partitions.csv and rebuild: ${PICOBADGE_CSV_LINE}`)
  }
  return found
}
