// picobadge flash --board esp32, end to end against a simulated ESP32 ROM
// bootloader: the real esptool-js, through the real Web Serial adapter, over
// a virtual serial port (a serialport binding) to the simulated board.

import { describe, test, expect, vi } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getStubJsonByChipName } from 'esptool-js'
import { createHash } from 'node:crypto'
import { flashEsp32, type FlashProgress } from '../host/flash/esp32.js'
import { CMD, FLASH_SECTOR_SIZE } from '../host/flash/protocol.js'
import { parsePartitionTable, findAppPartition, PICOBADGE_PARTITION } from '../host/flash/partitions.js'
import { writePartitionTable } from '../host/flash/partition-writer.js'
import { SlipDecoder, slipEncode } from '../host/slip.js'
import { SimulatedEsp32, type FaultHook } from '../host/flash/esp32-rom.js'
import { esp32FlashCommand } from '../host/flash/command.js'
import { SerialPortStream } from '@serialport/stream'
import { VirtualSerialBinding, type SerialLine } from '../host/flash/virtual-port.js'
import { NodeWebSerialPort } from '../host/flash/web-serial.js'
import { publicKeyOf } from '../host/ed25519.js'
import { simulatedBoard, syntheticBuild, APP_PARTITION, randomBytes, unsignedImage } from './support/esp32-board.js'

type Region = { offset: number, data: Uint8Array }

/** Every intended byte where it belongs, and 0xFF in the rest of every sector the run erased. */
function expectFlashHolds (flash: Uint8Array, eraseCounts: Uint32Array, regions: Region[]): void {
  for (const r of regions) {
    expect(Buffer.from(flash.subarray(r.offset, r.offset + r.data.length)).equals(Buffer.from(r.data)), `bytes at 0x${r.offset.toString(16)}`).toBe(true)
  }
  for (let s = 0; s < eraseCounts.length; s++) {
    if (eraseCounts[s] === 0) continue
    const lo = s * FLASH_SECTOR_SIZE
    for (let a = lo; a < lo + FLASH_SECTOR_SIZE; a++) {
      const inside = regions.some(r => a >= r.offset && a < r.offset + r.data.length)
      if (!inside && flash[a] !== 0xff) throw new Error(`byte 0x${a.toString(16)} in erased sector ${s} is 0x${flash[a].toString(16)}, not 0xFF`)
    }
  }
}

function firmwareRegions (b: ReturnType<typeof syntheticBuild>, withImage = true): Region[] {
  const r = [{ offset: 0x1000, data: b.bootloader }, { offset: 0x8000, data: b.table }, { offset: 0x10000, data: b.app }]
  return withImage ? [...r, { offset: APP_PARTITION.offset, data: b.image }] : r
}

describe('simulated ESP32 ROM bootloader: flashing', () => {
  test('a build folder and an app image land byte for byte at their offsets (flasher stub path)', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    const seen: FlashProgress[] = []
    const report = await flashEsp32({ port: port(), build: b.dir, app: b.imagePath, onProgress: p => seen.push(p) })
    expect(report.chip).toBe('ESP32')
    expect(report.stub).toBe(true)
    expect(report.regions.map(r => r.offset)).toEqual([0x1000, 0x8000, 0x10000, APP_PARTITION.offset])
    expect(report.appPartition).toMatchObject({ label: 'picobadge', ...APP_PARTITION })
    expectFlashHolds(chip.flash.bytes, chip.flash.eraseCounts, firmwareRegions(b))
    // Nothing outside the written regions' sectors was erased.
    const sectors = (n: number): number => Math.ceil(n / FLASH_SECTOR_SIZE)
    expect(chip.flash.eraseCounts.reduce((a, c) => a + c, 0)).toBe(sectors(b.bootloader.length) + sectors(b.table.length) + sectors(b.app.length) + sectors(b.image.length))
    expect(chip.history).toContain('MEM_END')
    expect(chip.history).toContain('FLASH_DEFL_DATA')
    expect(chip.history).toContain('SPI_FLASH_MD5')
    expect(chip.mode).toBe('app') // hard-reset into the firmware afterwards
    expect(seen[0].phase).toBe('connect')
    expect(seen.at(-1)).toMatchObject({ phase: 'done', fraction: 1 })
    const fractions = seen.filter(p => p.phase === 'write').map(p => p.fraction)
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y))
  })

  test('the flasher stub is uploaded as esptool-js ships it, and the board answers OHAI', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    await flashEsp32({ port: port(), build: b.dir })
    const stub = await getStubJsonByChipName('ESP32')
    const text = chip.startedCode.find(s => s.addr === stub!.text_start)
    const data = chip.startedCode.find(s => s.addr === stub!.data_start)
    expect(Buffer.from(text!.data).equals(Buffer.from(stub!.decodedText))).toBe(true)
    expect(Buffer.from(data!.data).equals(Buffer.from(stub!.decodedData))).toBe(true)
  })

  test('the ROM path (no stub) writes the same bytes, at 115200 baud', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    const report = await flashEsp32({ port: port(), build: b.dir, app: b.imagePath, stub: false, baud: 115200 })
    expect(report.stub).toBe(false)
    expect(chip.history).not.toContain('MEM_BEGIN')
    expect(chip.history).toContain('SPI_ATTACH')
    expectFlashHolds(chip.flash.bytes, chip.flash.eraseCounts, firmwareRegions(b))
  })

  test('--app-only touches only the app partition', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    await flashEsp32({ port: port(), build: b.dir, app: b.imagePath })
    const before = Uint8Array.from(chip.flash.bytes)
    const erasesBefore = Uint32Array.from(chip.flash.eraseCounts)
    const image2 = unsignedImage(0x8100, 9)
    const path2 = join(b.dir, 'app2.pbimg')
    writeFileSync(path2, image2)
    const report = await flashEsp32({ port: port(), build: b.dir, app: path2, appOnly: true })
    expect(report.regions).toEqual([expect.objectContaining({ offset: APP_PARTITION.offset, size: image2.length })])
    const lo = APP_PARTITION.offset; const hi = lo + APP_PARTITION.size
    for (let a = 0; a < before.length; a++) {
      if (a >= lo && a < hi) continue
      if (chip.flash.bytes[a] !== before[a]) throw new Error(`--app-only changed byte 0x${a.toString(16)} outside the app partition`)
    }
    for (let s = 0; s < erasesBefore.length; s++) {
      const inPartition = s * FLASH_SECTOR_SIZE >= lo && s * FLASH_SECTOR_SIZE < hi
      if (!inPartition) expect(chip.flash.eraseCounts[s], `sector ${s}`).toBe(erasesBefore[s])
    }
    expect(Buffer.from(chip.flash.bytes.subarray(lo, lo + image2.length)).equals(Buffer.from(image2))).toBe(true)
  })

  test('--app-only without a build folder reads the partition table from the board (stub READ_FLASH)', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    await flashEsp32({ port: port(), build: b.dir })
    const before = Uint8Array.from(chip.flash.bytes)
    const report = await flashEsp32({ port: port(), app: b.imagePath, appOnly: true })
    expect(chip.history).toContain('READ_FLASH')
    expect(report.appPartition).toMatchObject({ label: 'picobadge', ...APP_PARTITION })
    expect(Buffer.from(chip.flash.bytes.subarray(APP_PARTITION.offset, APP_PARTITION.offset + b.image.length)).equals(Buffer.from(b.image))).toBe(true)
    expect(Buffer.from(chip.flash.bytes.subarray(0, APP_PARTITION.offset)).equals(Buffer.from(before.subarray(0, APP_PARTITION.offset)))).toBe(true)
    // A board whose table lacks the partition: refused after reading it, nothing written.
    const bare = syntheticBuild({ withPicobadge: false })
    const other = simulatedBoard()
    await flashEsp32({ port: other.port(), build: bare.dir })
    const err = await flashEsp32({ port: other.port(), app: b.imagePath, appOnly: true }).catch(e => e)
    expect(err.message).toMatch(/the partition table on the board \(0x8000\) has no "picobadge" partition/)
    expect(other.chip.history.slice(other.chip.history.lastIndexOf('READ_FLASH'))).not.toContain('FLASH_DEFL_BEGIN')
    // Without the stub there is no READ_FLASH: said before connecting.
    const rom = await flashEsp32({ port: other.port(), app: b.imagePath, appOnly: true, stub: false }).catch(e => e)
    expect(rom.message).toMatch(/needs the flasher stub/)
  })

  test('file@offset pairs work without a build folder', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    await flashEsp32({ port: port(), files: [{ offset: 0x8000, path: join(b.dir, 'partition_table/partition-table.bin') }, { offset: 0x10000, path: join(b.dir, 'badge.bin') }], app: b.imagePath })
    expectFlashHolds(chip.flash.bytes, chip.flash.eraseCounts, firmwareRegions(b).filter(r => r.offset !== 0x1000))
  })
})

describe('simulated ESP32 ROM bootloader: faults never end in reported success', () => {
  const appDataOp = (op: number, from: number, fault: 'corrupt' | 'garble' | 'silent' | 'unplug' | { error: number }): FaultHook =>
    (o, count) => o === op && count >= from ? fault : undefined

  test('a wrong checksum reply (data damaged on the line, every retry) names the file and the offset', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard(appDataOp(CMD.FLASH_DEFL_DATA, 5, 'corrupt'))
    const err = await flashEsp32({ port: port(), build: b.dir, app: b.imagePath }).catch(e => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toMatch(/badge\.bin .* at 0x10000/)
    expect(err.message).toMatch(/error 0xc1 \(bad data checksum\)/)
    expect(err.message).toMatch(/flash is incomplete/)
    expect(chip.history.filter(h => h === 'FLASH_DEFL_END')).toHaveLength(2) // bootloader and table finished, the app did not
  })

  test('a damaged reply from the board (broken framing) fails the write, never reports success', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard(appDataOp(CMD.FLASH_DEFL_DATA, 3, 'garble'))
    const err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/writing .*badge\.bin .* at 0x10000: the board's reply arrived damaged \(Invalid SLIP escape/)
    expect(err.message).toMatch(/incomplete/)
    expect(chip.history).toContain('FLASH_DEFL_DATA')
  })

  test('an error status from the ROM bootloader is reported in its words', async () => {
    const b = syntheticBuild()
    const { port } = simulatedBoard((op, count, mode) => op === CMD.FLASH_DEFL_BEGIN && count === 2 && mode === 'rom' ? { error: 0x06 } : undefined)
    const err = await flashEsp32({ port: port(), build: b.dir, stub: false, baud: 115200 }).catch(e => e)
    expect(err.message).toMatch(/partition-table\.bin .* at 0x8000: the ROM bootloader answered failure, error 0x06 \(message is ok, but the running result is wrong\)/)
  })

  test('a timeout (the board stops answering) is reported as such', async () => {
    const b = syntheticBuild()
    const { port } = simulatedBoard(appDataOp(CMD.FLASH_DEFL_BEGIN, 2, 'silent'))
    const err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/partition-table\.bin .* at 0x8000: the board stopped answering/)
    expect(err.message).toMatch(/incomplete/)
  })

  test('the board unplugged mid-write', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard(appDataOp(CMD.FLASH_DEFL_DATA, 6, 'unplug'))
    // The lost port ends the run at once, not after esptool-js's read timeouts and retries:
    // measured on a fake clock (simulated time, not the machine's speed), the run settles
    // within 2 s of it, well before esptool-js's 3 s command timeout could fire.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      let settled: unknown
      const run = flashEsp32({ port: port(), build: b.dir, app: b.imagePath }).then(() => { settled = 'flashed' }, e => { settled = e })
      for (let ms = 0; settled === undefined && ms < 2_000; ms += 10) await vi.advanceTimersByTimeAsync(10)
      expect(settled, 'still running after 2 s of simulated time').toBeInstanceOf(Error)
      await run
      expect((settled as Error).message).toMatch(/badge\.bin .* at 0x10000: the serial port closed .*unplugged/)
    } finally { vi.useRealTimers() }
    expect(chip.mode).toBe('reset')
  })

  test('a partition table without the picobadge partition: refused before the board is touched', async () => {
    const b = syntheticBuild({ withPicobadge: false })
    const { chip, port } = simulatedBoard()
    const err = await flashEsp32({ port: port(), build: b.dir, app: b.imagePath }).catch(e => e)
    expect(err.message).toMatch(/has no "picobadge" partition/)
    expect(err.message).toMatch(/picobadge, 0x40, 0x00/)
    expect(chip.history).toEqual([])
  })

  test('an app image larger than its partition: refused before the board is touched', async () => {
    const b = syntheticBuild({ imageSize: APP_PARTITION.size + 1 })
    const { chip, port } = simulatedBoard()
    const err = await flashEsp32({ port: port(), build: b.dir, app: b.imagePath }).catch(e => e)
    expect(err.message).toMatch(/app\.pbimg is 262145 bytes, larger than the "picobadge" partition \(262144 bytes at 0x110000\)/)
    expect(chip.history).toEqual([])
  })

  test('an app image cut short, with a flipped byte, not an image at all, or another event\'s: refused before the board is touched', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    const write = (name: string, bytes: Uint8Array) => { const p = join(b.dir, name); writeFileSync(p, bytes); return p }
    const flipped = b.image.slice(); flipped[flipped.length - 7] ^= 1
    const cases: Array<[string, RegExp, Uint8Array?]> = [
      [write('short.pbimg', b.image.subarray(0, b.image.length - 1)), /short\.pbimg is not an app image a badge would run: its header says the module is \d+ bytes, the file holds \d+: cut short/],
      [write('flipped.pbimg', flipped), /flipped\.pbimg is not an app image .*tampered \(-82\)/],
      [write('README.md', new TextEncoder().encode('# picobadge\n'.repeat(20))), /README\.md is not an app image .*not a picobadge app image \(-80\)/],
      [b.imagePath, /app\.pbimg is not an app image .*not signed by this event key.*\(-83\)/, publicKeyOf(new Uint8Array(32).fill(1))]
    ]
    for (const [app, why, eventKey] of cases) {
      const err = await flashEsp32({ port: port(), build: b.dir, app, eventKey }).catch(e => e)
      expect(err.message).toMatch(why)
    }
    expect(chip.history).toEqual([])
  })

  test('a corrupt flasher_args.json', async () => {
    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    writeFileSync(join(b.dir, 'flasher_args.json'), '{ "flash_files": { "0x1000": ')
    let err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/flasher_args\.json is not valid JSON/)
    writeFileSync(join(b.dir, 'flasher_args.json'), JSON.stringify({ flash_files: { '0x1000': 'bootloader/bootloader.bin', 'zero': 'badge.bin' } }))
    err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/"zero" is not a flash offset/)
    writeFileSync(join(b.dir, 'flasher_args.json'), JSON.stringify({ flash_files: { '0x1000': 'missing.bin' } }))
    err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/does not exist: .*missing\.bin/)
    writeFileSync(join(b.dir, 'flasher_args.json'), JSON.stringify({ flash_settings: {} }))
    err = await flashEsp32({ port: port(), build: b.dir }).catch(e => e)
    expect(err.message).toMatch(/"flash_files" is missing or empty/)
    expect(chip.history).toEqual([])
  })
})

describe('simulated ESP32 ROM bootloader: the pieces', () => {
  test('partition tables round-trip, and a damaged one is refused', () => {
    const parts = [{ label: 'nvs', type: 1, subtype: 2, offset: 0x9000, size: 0x6000, flags: 0 }, { label: 'picobadge', type: 0x40, subtype: 0, offset: 0x110000, size: 0x40000, flags: 0 }]
    const bin = writePartitionTable(parts)
    expect(bin.length).toBe(0xc00)
    expect(parsePartitionTable(bin)).toEqual(parts)
    expect(findAppPartition(parsePartitionTable(bin))).toMatchObject({ ...PICOBADGE_PARTITION, offset: 0x110000 })
    const bad = Uint8Array.from(bin); bad[40] ^= 1
    expect(() => parsePartitionTable(bad, 'x.bin')).toThrow(/x\.bin: the MD5 entry .* does not match/)
    expect(() => parsePartitionTable(new Uint8Array(0xc00).fill(0xff), 'blank')).toThrow(/no partition entries/)
    const wrongType = writePartitionTable([{ label: 'picobadge', type: 1, subtype: 0x81, offset: 0x110000, size: 0x1000 }])
    expect(() => findAppPartition(parsePartitionTable(wrongType))).toThrow(/has type 0x1 subtype 0x81/)
  })

  test('the Web Serial adapter: opens at the asked rate, keeps both modem lines, streams both ways, reports a lost device', async () => {
    const binding = new VirtualSerialBinding()
    const lines: Array<{ dtr: boolean, rts: boolean }> = []
    const got: Array<{ bytes: number[], baud: number }> = []
    let line: SerialLine | null = null
    binding.plug('/dev/x', { attach: l => { line = l }, signals: s => lines.push(s), receive: (bytes, baud) => got.push({ bytes: [...bytes], baud }) })
    const port = new NodeWebSerialPort(new SerialPortStream({ binding, path: '/dev/x', baudRate: 9600, autoOpen: false }), { usbVendorId: 0x10c4, usbProductId: 0xea60 })
    expect(port.readable).toBeNull()
    await port.open({ baudRate: 115200 })
    expect(port.getInfo()).toEqual({ usbVendorId: 0x10c4, usbProductId: 0xea60 })
    await port.setSignals({ dataTerminalReady: false, requestToSend: true })
    await port.setSignals({ requestToSend: false }) // DTR stays false: serialport would assert it by default
    expect(lines).toEqual([{ dtr: false, rts: true }, { dtr: false, rts: false }])
    const writer = port.writable!.getWriter()
    await writer.write(Uint8Array.from([1, 2, 3]))
    writer.releaseLock()
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(got).toEqual([{ bytes: [1, 2, 3], baud: 115200 }])
    line!.send(Uint8Array.from([9, 8]), 115200)
    line!.send(Uint8Array.from([7]), 9600) // another rate: lost on the line
    const reader = port.readable!.getReader()
    expect([...(await reader.read()).value!]).toEqual([9, 8])
    await port.setBaudRate(921600)
    line!.send(Uint8Array.from([6]), 921600)
    expect([...(await reader.read()).value!]).toEqual([6])
    const pending = reader.read()
    line!.unplug()
    await expect(pending).rejects.toThrow(/device has been lost/)
    expect(port.lost).not.toBeNull()
    expect(port.readable).toBeNull()
    expect(port.writable).toBeNull()
  })

  test('SLIP framing escapes C0 and DB and survives arbitrary chunking', () => {
    const packets = [Uint8Array.from([0xc0, 0xdb, 1, 0xdb, 0xdc, 0xc0]), randomBytes(300, 4)]
    const wire = Buffer.concat(packets.map(p => slipEncode(p)))
    const got: Uint8Array[] = []
    const d = new SlipDecoder(p => got.push(p))
    for (let i = 0; i < wire.length; i += 7) d.push(wire.subarray(i, i + 7))
    expect(got.map(p => Buffer.from(p).toString('hex'))).toEqual(packets.map(p => Buffer.from(p).toString('hex')))
  })
})

describe('simulated ESP32 ROM bootloader: the esp32 flash command', () => {
  const sink = (): NodeJS.WritableStream & { text: string } => {
    const s = { text: '', write (c: string) { s.text += c; return true } }
    return s as unknown as NodeJS.WritableStream & { text: string }
  }

  test('--help, usage errors, and a full run with a progress bar on stderr', async () => {
    const out = sink(); const err = sink()
    expect(await esp32FlashCommand(['--help'], { stdout: out, stderr: err })).toBe(0)
    expect(out.text).toMatch(/--port PORT/)
    expect(out.text).toMatch(/--app-only/)
    expect(await esp32FlashCommand(['--build', 'x'], { stdout: out, stderr: err })).toBe(2)
    expect(err.text).toMatch(/--port is required/)
    expect(await esp32FlashCommand(['--port', 'p', '--file', '0x1000'], { stdout: out, stderr: err })).toBe(2)
    expect(err.text).toMatch(/OFFSET=PATH/)
    expect(await esp32FlashCommand(['--port', 'p', '--board', 'nrf52', '--build', 'x'], { stdout: out, stderr: err })).toBe(2)

    const b = syntheticBuild()
    const { chip, port } = simulatedBoard()
    const out2 = sink(); const err2 = sink()
    const code = await esp32FlashCommand(['--board', 'esp32', '--port', '/dev/ttySIM0', '--build', b.dir, '--app', b.imagePath, '--baud', '921600'], { stdout: out2, stderr: err2, openPort: () => port() })
    expect(err2.text).toMatch(/100%/)
    expect(code).toBe(0)
    expect(out2.text).toMatch(/Flashed ESP32 on \/dev\/ttySIM0 \(flasher stub\), every region verified by MD5/)
    expect(out2.text).toMatch(/0x110000 .*app\.pbimg/)
    expectFlashHolds(chip.flash.bytes, chip.flash.eraseCounts, firmwareRegions(b))
    expect(chip.history).toContain('CHANGE_BAUDRATE')
    expect(chip.console).toMatch(/waiting for download/) // entered through the DTR/RTS reset sequence
  })

  test('a failed run exits 1 with the reason on stderr', async () => {
    const b = syntheticBuild({ withPicobadge: false })
    const { port } = simulatedBoard()
    const out = sink(); const err = sink()
    expect(await esp32FlashCommand(['--port', 'sim', '--build', b.dir, '--app', b.imagePath], { stdout: out, stderr: err, openPort: () => port() })).toBe(1)
    expect(err.text).toMatch(/picobadge flash: .*no "picobadge" partition/)
    expect(out.text).toBe('')
  })
})

describe('simulated ESP32 ROM bootloader: the wire, packet by packet', () => {
  /** A board in download mode, spoken to directly in SLIP packets. */
  async function romBoard () {
    const chip = new SimulatedEsp32()
    const replies: Uint8Array[] = []
    const decoder = new SlipDecoder(p => replies.push(p))
    chip.attach({ send: bytes => decoder.push(bytes), unplug () {} })
    chip.signals({ dtr: false, rts: true }) // EN low
    chip.signals({ dtr: true, rts: false }) // EN released, GPIO0 low: download mode
    chip.signals({ dtr: false, rts: false })
    // The simulated chip answers through setImmediate (a reboot's banner two deep); waiting
    // for a few check phases, not for 5 ms of wall time: on a busy machine an expired 5 ms
    // timer ran before the reply's immediate and the test saw no reply.
    const settle = async () => { for (let i = 0; i < 4; i++) await new Promise(resolve => setImmediate(resolve)) }
    const send = async (op: number, data: number[] | Uint8Array = [], chk = 0) => {
      replies.length = 0
      const d = Uint8Array.from(data)
      chip.receive(slipEncode(Uint8Array.from([0, op, d.length & 0xff, d.length >> 8, chk & 0xff, 0, 0, 0, ...d])), 115200)
      await settle()
      return replies.slice()
    }
    await settle()
    return { chip, send }
  }
  const words = (...w: number[]) => [...new Uint8Array(new Uint32Array(w).buffer)]
  const dataPacket = (seq: number, payload: Uint8Array) => [...words(payload.length, seq, 0, 0), ...payload]
  const xor = (p: Uint8Array) => p.reduce((s, b) => s ^ b, 0xef)

  test('boot into download mode, SYNC eight times, 4 status bytes, chip magic, unknown commands', async () => {
    const { chip, send } = await romBoard()
    expect(chip.mode).toBe('rom')
    expect(chip.console).toMatch(/boot:0x3 \(DOWNLOAD_BOOT[\s\S]*waiting for download/)
    const sync = await send(CMD.SYNC, [0x07, 0x07, 0x12, 0x20, ...new Array(32).fill(0x55)])
    expect(sync).toHaveLength(8)
    expect(Buffer.from(sync[0]).toString('hex')).toBe('01080400' + '07071220' + '00000000')
    const magic = await send(CMD.READ_REG, words(0x40001000))
    expect(new DataView(magic[0].buffer).getUint32(4, true)).toBe(0x00f01d83)
    const unknown = await send(CMD.GET_SECURITY_INFO)
    expect(unknown).toHaveLength(8)
    expect(unknown[0][1]).not.toBe(CMD.GET_SECURITY_INFO) // the reply does not echo the command …
    expect([...unknown[0].subarray(8, 10)]).toEqual([1, 0x05]) // … and says "invalid message"
  })

  test('flash needs SPI_ATTACH; checksums are checked; whole blocks; MD5 in ASCII hex', async () => {
    const { chip, send } = await romBoard()
    const before = await send(CMD.FLASH_BEGIN, words(0x1000, 1, 0x400, 0x20000))
    expect([...before[0].subarray(8, 10)]).toEqual([1, 0x06])
    await send(CMD.SPI_ATTACH, words(0, 0))
    expect([...(await send(CMD.FLASH_BEGIN, words(0x1000, 1, 0x400, 0x20000)))[0].subarray(8, 12)]).toEqual([0, 0, 0, 0])
    const block = randomBytes(0x400, 11)
    const bad = await send(CMD.FLASH_DATA, dataPacket(0, block), xor(block) ^ 1)
    expect([...bad[0].subarray(8, 10)]).toEqual([1, 0x07])
    const short = await send(CMD.FLASH_DATA, dataPacket(0, block.subarray(0, 0x200)), xor(block.subarray(0, 0x200)))
    expect([...short[0].subarray(8, 10)]).toEqual([1, 0x05])
    const ok = await send(CMD.FLASH_DATA, dataPacket(0, block), xor(block))
    expect(ok[0][8]).toBe(0)
    expect(Buffer.from(chip.flash.bytes.subarray(0x20000, 0x20400)).equals(Buffer.from(block))).toBe(true)
    expect(chip.flash.bytes[0x20400]).toBe(0xff)
    const md5 = await send(CMD.SPI_FLASH_MD5, words(0x20000, 0x400, 0, 0))
    expect(new TextDecoder().decode(md5[0].subarray(8, 40))).toBe(createHash('md5').update(block).digest('hex'))
    expect(md5[0].length).toBe(8 + 32 + 4)
  })

  test('CHANGE_BAUDRATE answers at the old rate; then the old rate is noise', async () => {
    const { chip, send } = await romBoard()
    const r = await send(CMD.CHANGE_BAUDRATE, words(921600, 0))
    expect(r).toHaveLength(1)
    expect(chip.baud).toBe(921600)
    expect(await send(CMD.READ_REG, words(0x40001000))).toHaveLength(0)
  })

  test('MEM_END into loaded code starts the stub: OHAI, one SYNC reply, 2 status bytes, raw MD5', async () => {
    const { chip, send } = await romBoard()
    const code = randomBytes(0x100, 12)
    await send(CMD.MEM_BEGIN, words(code.length, 1, 0x1800, 0x40080000))
    await send(CMD.MEM_DATA, dataPacket(0, code), xor(code))
    const started = await send(CMD.MEM_END, words(0, 0x40080010))
    expect(new TextDecoder().decode(started[1])).toBe('OHAI')
    expect(chip.mode).toBe('stub')
    const sync = await send(CMD.SYNC, [0x07, 0x07, 0x12, 0x20, ...new Array(32).fill(0x55)])
    expect(sync).toHaveLength(1)
    expect(Buffer.from(sync[0]).toString('hex')).toBe('010802000000000000' + '00')
    const md5 = await send(CMD.SPI_FLASH_MD5, words(0, 0x1000, 0, 0))
    expect(md5[0].length).toBe(8 + 16 + 2)
  })

  test('MEM_END into RAM that holds no code crashes the chip', async () => {
    const { chip, send } = await romBoard()
    await send(CMD.MEM_END, words(0, 0x40080010))
    expect(chip.mode).toBe('crashed')
  })
})
