// Signed app images: made by the host, checked by the core's verifier (the
// code the firmware runs before it starts an app). Every byte is covered:
// any change, a wrong key or a short file is refused with its reason.

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { makeImage, verifyImage, readImageHeader, describeImage, defaultVersion, ImageError, IMAGE_HEADER, IMAGE_SIGNED } from '../host/image.js'
import { publicKeyOf, signWith } from '../host/ed25519.js'
import { core, IO_DATA, IO_PK } from '../host/core.js'
import { Rng } from './support/rng.js'

const module = readFileSync(fileURLToPath(new URL('../build/core.wasm', import.meta.url)))
const seed = new Uint8Array(32).fill(7)
const pk = publicKeyOf(seed)

function refusal (image: Uint8Array, key = pk, floor = 0): number {
  try { verifyImage(image, key, core(), floor); return 0 } catch (e) { if (e instanceof ImageError) return e.code; throw e }
}

/** Re-signs a header after changing it (to reach the checks behind the signature). */
function resign (image: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(image)
  copy.set(signWith(seed, copy.subarray(0, IMAGE_SIGNED)), IMAGE_SIGNED)
  return copy
}

describe('app image (verified by the core)', () => {
  it('accepts an image signed by the event key, streaming a module bigger than the I/O window', () => {
    const image = makeImage(module, seed, 1234567)
    expect(module.length).toBeGreaterThan(core().dataCap)
    expect(Buffer.from(verifyImage(image, pk)).equals(module)).toBe(true)
    const h = readImageHeader(image)
    expect(h).toMatchObject({ format: 2, headerSize: IMAGE_HEADER, length: module.length, version: 1234567 })
    expect(new DataView(image.buffer).getUint32(12, true)).toBe(1234567) // the app version, at offset 12, under the signature
    expect(Buffer.from(h.sha512).equals(createHash('sha512').update(module).digest())).toBe(true) // what `sha512sum` prints
  })

  it('refuses a tampered module, a tampered header, a wrong key, and a short or long file', () => {
    const image = makeImage(module, seed)
    const flip = (at: number) => { const c = Uint8Array.from(image); c[at] ^= 0x10; return c }
    expect(refusal(flip(IMAGE_HEADER))).toBe(-82) // first byte of the module
    expect(refusal(flip(image.length - 1))).toBe(-82)
    expect(refusal(flip(20))).toBe(-83) // the hash in the header: the signature no longer covers it
    expect(refusal(flip(8))).toBe(-83) // the length
    expect(refusal(flip(100))).toBe(-83) // the signature itself
    expect(refusal(image, publicKeyOf(new Uint8Array(32).fill(8)))).toBe(-83)
    expect(refusal(image.subarray(0, image.length - 1))).toBe(-84)
    expect(refusal(image.subarray(0, 50))).toBe(-84)
    expect(refusal(Uint8Array.from([...image, 0]))).toBe(-84)
    expect(refusal(new Uint8Array(200))).toBe(-80)
  })

  it('refuses formats it does not know, even when signed: format 1 (no app version) and 3', () => {
    const image = makeImage(module, seed)
    const format1 = Uint8Array.from(image); format1[4] = 1; format1.fill(0, 12, 16) // what picobadge made before app versions: flags 0
    expect(refusal(resign(format1))).toBe(-81)
    expect(() => verifyImage(resign(format1), pk)).toThrow(/format-1 image.*rebuild it with picobadge build\) \(-81\)/)
    expect(describeImage(format1)).toMatch(/format 1 .*rebuild/)
    const format3 = Uint8Array.from(image); format3[4] = 3
    expect(refusal(resign(format3))).toBe(-81)
    const header = Uint8Array.from(image); header[6] = 100
    expect(refusal(resign(header))).toBe(-80)
  })

  it('refuses any single changed byte anywhere (seeded sample of positions)', () => {
    const small = makeImage(module.subarray(0, 3000), seed)
    const rng = new Rng(91)
    for (let k = 0; k < 300; k++) {
      const c = Uint8Array.from(small)
      const at = rng.int(c.length)
      c[at] ^= 1 + rng.int(255)
      expect(refusal(c), `byte ${at}`).toBeLessThan(0)
    }
  })

  it('refuses a correctly signed image older than the badge\'s floor (rollback), and accepts an equal or newer one', () => {
    const old = makeImage(module, seed, 5)
    const current = makeImage(module, seed, 7)
    expect(refusal(old, pk, 0)).toBe(0) // a new badge runs any version
    expect(refusal(old, pk, 7)).toBe(-86) // the attack: the event's own signature on an old image
    expect(() => verifyImage(old, pk, core(), 7)).toThrow("app image refused: image version 5 is older than this badge's 7: refused (rollback) (-86)")
    expect(refusal(current, pk, 7)).toBe(0) // the same version again: a re-flash
    expect(refusal(current, pk, 6)).toBe(0)
    // Unsigned below the floor: the signature is checked first, so a forgery is never called 'old'.
    const forged = Uint8Array.from(old); forged[12] = 9
    expect(refusal(forged, pk, 7)).toBe(-83)
    // The floor is unsigned: the largest version is not 'negative' to the core.
    expect(refusal(makeImage(module, seed, 0xffffffff), pk, 0xffffffff)).toBe(0)
    expect(refusal(makeImage(module, seed, 0x80000000), pk, 0xffffffff)).toBe(-86)
    expect(refusal(makeImage(module, seed, 0xffffffff), pk, 0x80000000)).toBe(0)
  })

  it('defaults the app version to the build time in seconds, and shows it', () => {
    expect(defaultVersion(Date.UTC(2026, 10, 30, 12) + 999)).toBe(Date.UTC(2026, 10, 30, 12) / 1000)
    const before = defaultVersion()
    const h = readImageHeader(makeImage(module.subarray(0, 100), seed))
    expect(h.version).toBeGreaterThanOrEqual(before)
    expect(h.version).toBeLessThanOrEqual(defaultVersion())
    expect(describeImage(makeImage(module.subarray(0, 100), seed, Date.UTC(2026, 10, 30, 12) / 1000))).toMatch(/^app version 1796040000 \(built 2026-11-30T12:00:00Z\), module 100 bytes, sha512 [0-9a-f]{16}…$/)
    expect(describeImage(makeImage(module.subarray(0, 100), seed, 7))).toMatch(/^app version 7, module 100 bytes/)
    expect(() => makeImage(module, seed, -1)).toThrow(RangeError)
    expect(() => makeImage(module, seed, 2 ** 32)).toThrow(RangeError)
  })

  it('answers update and end out of order with -85, and ranges outside the window with -1', () => {
    const c = core()
    expect(c.x.image_verify_update(c.io + IO_DATA, 10)).toBe(-85)
    expect(c.x.image_verify_end()).toBe(-85)
    const image = makeImage(module.subarray(0, 100), seed)
    c.put(IO_DATA, image.subarray(0, IMAGE_HEADER)); c.put(IO_PK, pk)
    expect(c.x.image_verify_begin(c.io + IO_DATA, c.io + IO_PK, 0)).toBe(100)
    expect(c.x.image_verify_update(0, 10)).toBe(-1)
    expect(c.x.image_verify_begin(c.io + c.x.io_cap() - 50, c.io + IO_PK, 0)).toBe(-1)
    c.put(IO_DATA, image.subarray(IMAGE_HEADER))
    c.put(IO_PK, pk)
    expect(c.x.image_verify_begin(c.io + IO_DATA, c.io + IO_PK, 0)).toBeLessThan(0) // the window now holds the module, not a header
  })
})
