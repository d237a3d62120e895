// One flash layout per board, held in three places that must agree: the
// firmware's partition tables (boards/esp32/partitions.csv, the nRF52
// overlays), what `picobadge flash` writes (host/flash/partitions.ts,
// esp32.ts, nrf52.ts), and the guide (boards/README.md). These tests read
// the committed tables and check the flasher's numbers against them, and
// plan an ESP32 flash against a build folder laid out as ESP-IDF makes it.

import { describe, test, expect, beforeAll } from 'vitest'
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePartitionsCsv } from '../host/flash/partitions-csv.js'
import { PICOBADGE_PARTITION, BADGE_REGION_PARTITION, PARTITION_TABLE_OFFSET, parsePartitionTable, findAppPartition, type Partition } from '../host/flash/partitions.js'
import { writePartitionTable } from '../host/flash/partition-writer.js'
import { planEsp32Flash } from '../host/flash/esp32.js'
import { NRF52840, ADAFRUIT_APP_START, mergeNrf52 } from '../host/flash/nrf52.js'
import { MemoryMap } from '../host/flash/memory-map.js'
import { unsignedImage, writeIdfBuild } from './support/esp32-board.js'

const root = join(__dirname, '..')
const read = (p: string) => readFileSync(join(root, p), 'utf8')
const hex = (n: number) => `0x${n.toString(16)}`

/** The fixed partitions of a devicetree overlay: node label -> [start, size]. */
function dtsPartitions (text: string): Map<string, { start: number, size: number, readOnly: boolean }> {
  const out = new Map<string, { start: number, size: number, readOnly: boolean }>()
  const re = /(\w+):\s*partition@([0-9a-f]+)\s*\{([^}]*)\}/gi
  for (const m of text.matchAll(re)) {
    const reg = /reg\s*=\s*<\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s*>/i.exec(m[3])
    if (!reg) throw new Error(`partition ${m[1]} has no reg`)
    const start = parseInt(reg[1], 16)
    expect(start, `${m[1]}: unit address and reg agree`).toBe(parseInt(m[2], 16))
    out.set(m[1], { start, size: parseInt(reg[2], 16), readOnly: /read-only/.test(m[3]) })
  }
  return out
}

function noOverlaps (parts: Array<{ name: string, start: number, size: number }>): void {
  const sorted = [...parts].sort((a, b) => a.start - b.start)
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i - 1].start + sorted[i - 1].size, `${sorted[i - 1].name} ends before ${sorted[i].name} starts`).toBeLessThanOrEqual(sorted[i].start)
  }
}

describe('nRF52840: the overlays and host/flash/nrf52.ts hold one layout', () => {
  const boards = {
    'nrf52840dk/nrf52840': { file: 'boards/nrf52/boards/nrf52840dk_nrf52840.overlay', codeStart: 0 },
    'adafruit_feather_nrf52840/nrf52840/uf2': { file: 'boards/nrf52/boards/adafruit_feather_nrf52840_nrf52840_uf2.overlay', codeStart: ADAFRUIT_APP_START }
  }
  for (const [board, { file, codeStart }] of Object.entries(boards)) {
    test(`${board}: storage is the badge's flash region, picobadge_partition the app image, code ends where the region starts`, () => {
      const text = read(file)
      const p = dtsPartitions(text)
      expect(p.get('storage_partition')).toEqual({ start: NRF52840.region, size: NRF52840.regionSize, readOnly: false })
      expect(p.get('picobadge_partition')).toEqual({ start: NRF52840.image, size: NRF52840.imageSize, readOnly: false })
      const code = p.get('code_partition')!
      expect(code.start).toBe(codeStart)
      expect(code.start + code.size).toBe(NRF52840.region)
      expect(NRF52840.image + NRF52840.imageSize).toBeLessThanOrEqual(NRF52840.bootloader)
      expect(text).toMatch(/zephyr,code-partition\s*=\s*&code_partition;/)
      // Sectors of 4 KiB: every partition starts and ends on one.
      for (const [name, { start, size }] of p) expect([name, start % 4096, size % 4096]).toEqual([name, 0, 0])
      noOverlaps([...p].map(([name, v]) => ({ name, ...v })))
      for (const [, v] of p) expect(v.start + v.size).toBeLessThanOrEqual(NRF52840.flashSize)
    })
  }

  test('the Feather keeps the bootloader and the SoftDevice area read-only, where nrf52.ts expects them', () => {
    const p = dtsPartitions(read(boards['adafruit_feather_nrf52840/nrf52840/uf2'].file))
    expect(p.get('boot_partition')).toEqual({ start: NRF52840.bootloader, size: NRF52840.flashSize - NRF52840.bootloader, readOnly: true })
    expect(p.get('reserved_partition_0')).toEqual({ start: 0, size: ADAFRUIT_APP_START, readOnly: true })
  })

  test('mergeNrf52 takes a firmware that fills the code partition and refuses one a byte longer', () => {
    const code = dtsPartitions(read(boards['adafruit_feather_nrf52840/nrf52840/uf2'].file)).get('code_partition')!
    const fits = new MemoryMap(); fits.set(code.start, new Uint8Array(code.size).fill(0x5a))
    const merged = mergeNrf52(fits, new Uint8Array(100).fill(1))
    expect(merged.get(code.start)?.length).toBe(code.size)
    expect(merged.get(NRF52840.image)?.length).toBe(100)
    const over = new MemoryMap(); over.set(code.start, new Uint8Array(code.size + 1))
    expect(() => mergeNrf52(over, undefined)).toThrow(/into the badge's flash region at 0x094000/)
  })
})

describe('ESP32: partitions.csv and what picobadge flash writes', () => {
  const csv = () => parsePartitionsCsv(read('boards/esp32/partitions.csv'), 'boards/esp32/partitions.csv')
  const byLabel = (parts: Partition[], l: string) => parts.find(p => p.label === l)

  test('the picobadge and badge partitions have the types and subtypes the flasher and the firmware look for', () => {
    const parts = csv()
    expect(byLabel(parts, PICOBADGE_PARTITION.label)).toMatchObject({ type: PICOBADGE_PARTITION.type, subtype: PICOBADGE_PARTITION.subtype, offset: 0x190000, size: 0x40000 })
    expect(byLabel(parts, BADGE_REGION_PARTITION.label)).toMatchObject({ type: BADGE_REGION_PARTITION.type, subtype: BADGE_REGION_PARTITION.subtype, offset: 0x1d0000, size: 0x40000 })
    expect(byLabel(parts, 'factory')).toMatchObject({ type: 0x00, subtype: 0x00, offset: 0x10000 })
    // The firmware finds them by these numbers and labels (boards/esp32/main/port_esp32.c).
    const port = read('boards/esp32/main/port_esp32.c')
    expect(port).toMatch(/#define APP_TYPE 0x40/)
    expect(port).toMatch(/#define APP_SUBTYPE 0x00/)
    expect(port).toMatch(/#define REGION_SUBTYPE 0x01/)
    expect(port).toContain('"badge")')
    expect(port).toContain('"picobadge")')
    for (const p of parts) {
      expect([p.label, p.offset % 4096, p.size % 4096]).toEqual([p.label, 0, 0])
      expect(p.offset + p.size, `${p.label} fits a 4 MB flash`).toBeLessThanOrEqual(4 * 1024 * 1024)
      expect(p.offset, `${p.label} lies after the partition table`).toBeGreaterThanOrEqual(PARTITION_TABLE_OFFSET + 0x1000)
    }
    noOverlaps(parts.map(p => ({ name: p.label, start: p.offset, size: p.size })))
    expect(read('boards/esp32/sdkconfig.defaults')).toMatch(/CONFIG_PARTITION_TABLE_OFFSET=0x8000/)
  })

  describe('planning `picobadge flash --board esp32 --build boards/esp32/build` against a build folder as ESP-IDF lays it out', () => {
    let dir: string
    let app: string
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pb-esp32-build-'))
      writeIdfBuild(dir, { bootloader: new Uint8Array(26000).fill(0xe9), table: writePartitionTable(csv()), app: new Uint8Array(900_000).fill(0xe9), appFile: 'picobadge.bin' })
      app = join(dir, 'app.pbimg')
      writeFileSync(app, unsignedImage(50_000, 7)) // whole and unchanged (length, SHA-512): flash checks that before planning
    })

    test('the firmware regions at their offsets, the app image in the picobadge partition, the badge region untouched', () => {
      const plan = planEsp32Flash({ build: dir, app })
      expect(plan.regions.map(r => [hex(r.offset), r.data.length])).toEqual([['0x1000', 26000], ['0x8000', 0xc00], ['0x10000', 900_000], ['0x190000', 50_000]])
      expect(plan.appPartition).toMatchObject({ label: 'picobadge', offset: 0x190000, size: 0x40000 })
      const region = byLabel(csv(), 'badge')!
      for (const r of plan.regions) expect(r.offset + r.data.length <= region.offset || r.offset >= region.offset + region.size).toBe(true)
      // The table the build made is the one the firmware reads: same partitions as the CSV.
      expect(findAppPartition(parsePartitionTable(plan.regions[1].data))).toMatchObject({ offset: 0x190000 })
    })

    test('--app-only writes the app image alone; an image over 256 KiB is refused before the board is touched', () => {
      expect(planEsp32Flash({ build: dir, app, appOnly: true }).regions.map(r => hex(r.offset))).toEqual(['0x190000'])
      const big = join(dir, 'big.pbimg')
      writeFileSync(big, unsignedImage(0x40001, 8))
      expect(() => planEsp32Flash({ build: dir, app: big })).toThrow(/larger than the "picobadge" partition \(262144 bytes at 0x190000\)/)
    })

    test('a firmware that grows into the picobadge partition is refused', () => {
      writeFileSync(join(dir, 'picobadge.bin'), new Uint8Array(0x180001))
      try {
        expect(() => planEsp32Flash({ build: dir, app })).toThrow(/overlaps the sector of .*app\.pbimg at 0x190000/)
      } finally {
        writeFileSync(join(dir, 'picobadge.bin'), new Uint8Array(900_000).fill(0xe9))
      }
    })
  })
})
