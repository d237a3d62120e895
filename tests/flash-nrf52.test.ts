// nRF52840: firmware and app image merged into one Intel HEX (read back
// with nrf-intel-hex), UF2 (read back with an independent reader), and
// copied onto a simulated Adafruit UF2 bootloader drive, through the
// `picobadge flash --board nrf52` command.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { MemoryMap } from '../host/flash/memory-map.js'
import { mergeNrf52, NRF52840, parseHex, Nrf52ImageError } from '../host/flash/nrf52.js'
import { toUf2, NRF52840_FAMILY } from '../host/flash/uf2.js'
import { makeImage, verifyImage, IMAGE_HEADER } from '../host/image.js'
import { publicKeyOf } from '../host/ed25519.js'
import { readUf2 } from './support/uf2-reader.js'
import { SimulatedUf2Bootloader } from './support/uf2-bootloader.js'
import { Rng } from './support/rng.js'
import { appBinary, checkUf2Start, ADAFRUIT_APP_START } from '../host/flash/nrf52.js'
import { dfuFlash, DfuError } from '../host/flash/dfu.js'
import { crc16, hciPacket, parseHci } from '../host/flash/hci.js'
import { transportPair } from '../host/rpc/transport.js'
import { SimulatedDfuBootloader } from './support/adafruit-dfu-bootloader.js'

const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
const seed = new Uint8Array(32).fill(5)
const rng = new Rng(52)

/** A firmware as Zephyr would leave it for an Adafruit board: code from 0x26000, with a gap. */
function firmware (): { map: MemoryMap, parts: Array<[number, Uint8Array]> } {
  const parts: Array<[number, Uint8Array]> = [[0x26000, rng.bytes(40_000)], [0x40000, rng.bytes(1234)]]
  return { map: new MemoryMap(parts), parts }
}

const image = makeImage(rng.bytes(20_000), seed)

function expectAt (read: (addr: number) => number | undefined, parts: Array<[number, Uint8Array]>): void {
  for (const [addr, bytes] of parts) {
    for (let i = 0; i < bytes.length; i += 97) expect(read(addr + i), `0x${(addr + i).toString(16)}`).toBe(bytes[i])
    expect(read(addr + bytes.length - 1)).toBe(bytes[bytes.length - 1])
  }
}

describe('nRF52840 images (Intel HEX, UF2)', () => {
  it('merges firmware and app image into one Intel HEX that nrf-intel-hex reads back as intended', () => {
    const fw = firmware()
    const merged = mergeNrf52(fw.map, image)
    const back = MemoryMap.fromHex(merged.asHexString())
    const bytes = new Map<number, number>()
    for (const [a, b] of back) b.forEach((x, i) => bytes.set(a + i, x))
    expectAt(a => bytes.get(a), [...fw.parts, [NRF52840.image, image]])
    expect(bytes.size).toBe(40_000 + 1234 + image.length) // nothing else
  })

  it('writes UF2 for the nRF52840 family that an independent reader turns back into the same memory', () => {
    const fw = firmware()
    const uf2 = readUf2(toUf2(mergeNrf52(fw.map, image)))
    expect(uf2.family).toBe(NRF52840_FAMILY)
    expectAt(a => uf2.memory.get(a), [...fw.parts, [NRF52840.image, image]])
    // Whole 256-byte pages: what is not ours in a page is erased flash.
    for (const [a, v] of uf2.memory) if (a >= 0x26000 + 40_000 && a < 0x40000) expect(v).toBe(0xff)
  })

  it('refuses firmware that reaches into the badge region, an image too large for its region, and nothing at all', () => {
    expect(() => mergeNrf52(new MemoryMap([[NRF52840.region - 10, new Uint8Array(20)]]), undefined)).toThrow(/into the badge's flash region/)
    expect(() => mergeNrf52(undefined, new Uint8Array(NRF52840.imageSize + 1))).toThrow(Nrf52ImageError)
    // The region's last page is the badge's version floor (docs/ABI.md, "Rollback"): an image stops before it.
    expect(mergeNrf52(undefined, new Uint8Array(NRF52840.imageSize - 0x1000)).get(NRF52840.image)?.length).toBe(NRF52840.imageSize - 0x1000)
    expect(() => mergeNrf52(undefined, new Uint8Array(NRF52840.imageSize - 0x1000 + 1))).toThrow(/version floor's page at 0x0f3000/)
    expect(() => mergeNrf52(undefined, undefined)).toThrow(/nothing to write/)
    // Each place named for what it is: the bootloader is not "the badge's flash region".
    expect(() => mergeNrf52(new MemoryMap([[0x26000, new Uint8Array(NRF52840.bootloader - 0x26000 + 16)]]), undefined)).toThrow(/reaches 0x0f4010, into the bootloader at 0x0f4000/)
    expect(() => mergeNrf52(new MemoryMap([[0x26000, new Uint8Array(NRF52840.image - 0x26000 + 16)]]), undefined)).toThrow(/into the app image's region at 0x0d4000/)
    // A HEX from 0x0 (the MBR: an nRF52840 DK build) is for a debugger; a UF2 cannot carry it.
    const fromZero = mergeNrf52(new MemoryMap([[0, new Uint8Array(4096)]]), undefined)
    expect(() => checkUf2Start(fromZero)).toThrow(/bytes at 0x000000, in the MBR and SoftDevice area below 0x026000/)
    expect(() => checkUf2Start(mergeNrf52(firmware().map, image))).not.toThrow()
    expect(() => parseHex(':10000000GARBAGE\n', 'x.hex')).toThrow(/not a valid Intel HEX/)
  })
})

describe('picobadge flash --board nrf52 (simulated UF2 bootloader drive)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nrf52-'))
  const fw = firmware()
  writeFileSync(join(dir, 'zephyr.hex'), fw.map.asHexString())
  writeFileSync(join(dir, 'app.pbimg'), image)

  it('copies firmware and app image onto the bootloader drive; the board ends up with exactly them', () => {
    const board = new SimulatedUf2Bootloader()
    const p = run('flash', '--board', 'nrf52', '--hex', join(dir, 'zephyr.hex'), '--app', join(dir, 'app.pbimg'), '--drive', board.drive)
    expect(p.status, p.stderr).toBe(0)
    expect(board.process()).toBeGreaterThan(0)
    expect(board.restarted).toBe(true)
    const read = (a: number) => board.flash[a]
    expectAt(read, [...fw.parts, [NRF52840.image, image]])
    // The app image on the board verifies with the core, as the firmware will check it.
    const onBoard = board.flash.subarray(NRF52840.image, NRF52840.image + image.length)
    expect(verifyImage(onBoard, publicKeyOf(seed)).length).toBe(image.length - IMAGE_HEADER)
    expect(board.flash.subarray(NRF52840.region, NRF52840.image).every(b => b === 0xff)).toBe(true)
  })

  it('writes .hex and .uf2 files with --out', () => {
    for (const ext of ['hex', 'uf2']) {
      const out = join(dir, `merged.${ext}`)
      const p = run('flash', '--board', 'nrf52', '--hex', join(dir, 'zephyr.hex'), '--app', join(dir, 'app.pbimg'), '--out', out)
      expect(p.status, p.stderr).toBe(0)
      const bytes = readFileSync(out)
      if (ext === 'uf2') expectAt(a => readUf2(bytes).memory.get(a), [[NRF52840.image, image]])
      else expect(MemoryMap.fromHex(bytes.toString()).get(NRF52840.image)?.subarray(0, 4)).toEqual(image.subarray(0, 4))
    }
  })

  it('explains what is wrong: another board\'s drive, no drive, not an image, serial DFU, a bad --out', () => {
    const samd = new SimulatedUf2Bootloader('SAMD21G18A-Feather-v0', 'Adafruit Feather M0')
    const other = run('flash', '--board', 'nrf52', '--app', join(dir, 'app.pbimg'), '--drive', samd.drive)
    expect(other.status).toBe(1)
    expect(other.stderr).toMatch(/another board \(SAMD21G18A-Feather-v0\)/)
    expect(run('flash', '--board', 'nrf52', '--app', join(dir, 'app.pbimg'), '--drive', dir).stderr).toMatch(/not a UF2 bootloader drive/)
    const notImage = run('flash', '--board', 'nrf52', '--app', join(dir, 'zephyr.hex'), '--out', join(dir, 'x.uf2'))
    expect(notImage.status).toBe(1)
    expect(notImage.stderr).toMatch(/not a picobadge app image/)
    const noPort = run('flash', '--board', 'nrf52', '--app', join(dir, 'app.pbimg'), '--port', '/dev/picobadge-no-such-port')
    expect(noPort.status).toBe(1)
    expect(noPort.stderr).toMatch(/cannot open \/dev\/picobadge-no-such-port|serialport package/)
    expect(run('flash', '--board', 'nrf52', '--app', join(dir, 'app.pbimg'), '--out', join(dir, 'x.bin')).status).toBe(2)
    expect(run('flash', '--board', 'nrf99').stderr).toMatch(/unknown board/)
  })
})

describe('flash --board nrf52 checks the app image before writing anything', () => {
  it('refuses an image cut short or with a flipped byte (no key needed), and another event\'s image with --key', () => {
    const d = mkdtempSync(join(tmpdir(), 'nrf52-check-'))
    writeFileSync(join(d, 'zephyr.hex'), firmware().map.asHexString())
    const flipped = image.slice(); flipped[IMAGE_HEADER + 100] ^= 0x10
    writeFileSync(join(d, 'short.pbimg'), image.subarray(0, image.length - 1))
    writeFileSync(join(d, 'flipped.pbimg'), flipped)
    writeFileSync(join(d, 'good.pbimg'), image)
    writeFileSync(join(d, 'other.key'), JSON.stringify({ picobadge: 'event-key', publicKey: Buffer.from(publicKeyOf(new Uint8Array(32).fill(9))).toString('hex'), secretKey: Buffer.from(new Uint8Array(32).fill(9)).toString('hex') }), { mode: 0o600 })
    writeFileSync(join(d, 'event.key'), JSON.stringify({ picobadge: 'event-key', publicKey: Buffer.from(publicKeyOf(seed)).toString('hex'), secretKey: Buffer.from(seed).toString('hex') }), { mode: 0o600 })
    const uf2 = new SimulatedUf2Bootloader('nRF52840-Feather-revD', 'Adafruit Feather nRF52840')
    for (const out of [['--out', join(d, 'm.hex')], ['--out', join(d, 'm.uf2')], ['--drive', uf2.drive]]) {
      const cases: Array<[string[], RegExp]> = [
        [['--app', join(d, 'short.pbimg')], /short\.pbimg is not an app image a badge would run: .*cut short/],
        [['--app', join(d, 'flipped.pbimg')], /flipped\.pbimg is not an app image .*tampered \(-82\)/],
        [['--app', join(d, 'good.pbimg'), '--key', join(d, 'other.key')], /good\.pbimg is not an app image .*not signed by this event key.*\(-83\)/]
      ]
      for (const [app, why] of cases) {
        const p = run('flash', '--board', 'nrf52', '--hex', join(d, 'zephyr.hex'), ...app, ...out)
        expect(p.status, p.stderr).toBe(1)
        expect(p.stderr).toMatch(why)
      }
    }
    expect(existsSync(join(d, 'm.hex')) || existsSync(join(d, 'm.uf2'))).toBe(false)
    expect(readdirSync(uf2.drive).filter(f => /\.uf2$/i.test(f) && f !== 'CURRENT.UF2')).toEqual([])
    const ok = run('flash', '--board', 'nrf52', '--hex', join(d, 'zephyr.hex'), '--app', join(d, 'good.pbimg'), '--key', join(d, 'event.key'), '--out', join(d, 'm.uf2'))
    expect(ok.status, ok.stderr).toBe(0)
  })
})

describe('nRF52840 serial DFU (simulated Adafruit bootloader)', () => {
  const fw = firmware()
  const bin = appBinary(mergeNrf52(fw.map, image))

  it('frames HCI packets as the bootloader checks them', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1) // CRC-16/CCITT-FALSE check value
    const p = hciPacket(3, Uint8Array.of(1, 2, 3))
    expect(parseHci(p)).toMatchObject({ seq: 3, ack: 4, reliable: true })
    for (let i = 0; i < p.length; i++) { const q = Uint8Array.from(p); q[i] ^= 0x20; expect(parseHci(q), `byte ${i}`).toBeUndefined() }
  })

  it('writes firmware and app image from the application start; the bootloader checks the CRC and starts it', async () => {
    const [host, device] = transportPair()
    const board = new SimulatedDfuBootloader(device)
    let last = 0
    await dfuFlash(host, bin, { eraseMsPerPage: 0, progress: (sent) => { last = sent } })
    expect(last).toBe(bin.length)
    expect(board.result).toBe('activated')
    expect(Buffer.from(board.flash.subarray(ADAFRUIT_APP_START, ADAFRUIT_APP_START + bin.length)).equals(Buffer.from(bin))).toBe(true)
    expectAt(a => board.flash[a], [...fw.parts, [NRF52840.image, image]])
  })

  it('sends a packet again when its acknowledgement is lost, without writing it twice', async () => {
    const [host, device] = transportPair()
    const board = new SimulatedDfuBootloader(device, { dropAckOf: 5 })
    // The default wait for an ack (1 s), once, for the lost one: with 50 ms, a machine busy with other
    // tests could stall past it three times on one packet and fail a flash that is right.
    await dfuFlash(host, bin, { eraseMsPerPage: 0 })
    expect(board.result).toBe('activated')
  })

  it('never reports success when the board goes away or does not answer', async () => {
    const [host, device] = transportPair()
    const board = new SimulatedDfuBootloader(device, { unplugAfter: 20 })
    await expect(dfuFlash(host, bin, { eraseMsPerPage: 0, ackTimeoutMs: 50 })).rejects.toThrow(DfuError)
    expect(board.result).not.toBe('activated')
    const [silent] = transportPair()
    await expect(dfuFlash(silent, bin, { eraseMsPerPage: 0, ackTimeoutMs: 20 })).rejects.toThrow(/did not acknowledge the start packet.*double-tap reset/)
  })

  it('refuses an image with bytes below the application start', () => {
    expect(() => appBinary(new MemoryMap([[0x1000, new Uint8Array(4)]]))).toThrow(/below the bootloader's application start 0x026000/)
  })
})
