// Reads an ESP-IDF partitions.csv the way gen_esp32part.py does, for the
// layouts picobadge checks without an IDF install (tests, the boards'
// README): names, types and subtypes by name or number, sizes with K/M,
// empty offsets placed after the previous partition (app partitions on
// 64 KiB, others on 4 KiB), starting after the partition table.

import { PARTITION_TABLE_OFFSET, type Partition } from './partitions.js'

const TYPES: Record<string, number> = { app: 0x00, data: 0x01 }
const SUBTYPES: Record<string, Record<string, number>> = {
  app: { factory: 0x00, test: 0x20, ota_0: 0x10, ota_1: 0x11 },
  data: { ota: 0x00, phy: 0x01, nvs: 0x02, coredump: 0x03, nvs_keys: 0x04, efuse: 0x05, undefined: 0x06, fat: 0x81, spiffs: 0x82, littlefs: 0x83 }
}

export class PartitionCsvError extends Error { override name = 'PartitionCsvError' }

function number (text: string, where: string): number {
  const m = /^(0x[0-9a-f]+|[0-9]+)([km]?)$/i.exec(text.trim())
  if (!m) throw new PartitionCsvError(`${where}: "${text}" is not a number`)
  const n = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : parseInt(m[1], 10)
  return n * (m[2].toLowerCase() === 'k' ? 1024 : m[2].toLowerCase() === 'm' ? 1024 * 1024 : 1)
}

export function parsePartitionsCsv (text: string, source = 'partitions.csv', tableOffset = PARTITION_TABLE_OFFSET): Partition[] {
  const out: Partition[] = []
  let next = tableOffset + 0x1000
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (!line) return
    const where = `${source}:${i + 1}`
    const f = line.split(',').map(c => c.trim())
    if (f.length < 5) throw new PartitionCsvError(`${where}: expected name, type, subtype, offset, size`)
    const [label, typeText, subText, offText, sizeText, flagsText = ''] = f
    const type = TYPES[typeText] ?? number(typeText, where)
    const subtype = SUBTYPES[typeText]?.[subText] ?? number(subText, where)
    const align = type === 0x00 ? 0x10000 : 0x1000
    const offset = offText ? number(offText, where) : Math.ceil(next / align) * align
    const size = number(sizeText, where)
    out.push({ label, type, subtype, offset, size, flags: flagsText.includes('encrypted') ? 1 : 0 })
    next = offset + size
  })
  return out
}
