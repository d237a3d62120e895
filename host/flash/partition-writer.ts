// Writes ESP-IDF binary partition tables, byte for byte what
// gen_esp32part.py makes: entries, the MD5 entry, 0xFF padding to 0xC00.
// Used by tests to build synthetic firmware folders, and handy for
// checking a partitions.csv layout without an IDF install.

import { createHash } from 'node:crypto'
import { PARTITION_ENTRY_SIZE, PARTITION_MAGIC, PARTITION_MD5_MAGIC, PARTITION_TABLE_MAX, type Partition } from './partitions.js'

export function writePartitionTable (parts: Array<Omit<Partition, 'flags'> & { flags?: number }>, opts: { md5?: boolean } = {}): Uint8Array {
  const out = new Uint8Array(PARTITION_TABLE_MAX).fill(0xff)
  const view = new DataView(out.buffer)
  let o = 0
  for (const p of parts) {
    const label = new TextEncoder().encode(p.label)
    if (label.length > 16) throw new Error(`partition label "${p.label}" is longer than 16 bytes`)
    view.setUint16(o, PARTITION_MAGIC, true)
    out[o + 2] = p.type
    out[o + 3] = p.subtype
    view.setUint32(o + 4, p.offset, true)
    view.setUint32(o + 8, p.size, true)
    out.fill(0, o + 12, o + 28)
    out.set(label, o + 12)
    view.setUint32(o + 28, p.flags ?? 0, true)
    o += PARTITION_ENTRY_SIZE
  }
  if (opts.md5 ?? true) {
    view.setUint16(o, PARTITION_MD5_MAGIC, true)
    out.set(createHash('md5').update(out.subarray(0, o)).digest(), o + 16)
  }
  return out
}
