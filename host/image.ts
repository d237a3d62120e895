// Signed app images (docs/ABI.md, "App image"): made here, checked by the
// core's own verifier, the same code the firmware runs before it starts an
// app. The SHA-512 of the module is computed with host/hash.ts when making
// an image; checking goes through the core alone.

import { sha512 } from './hash.js'
import { toHex } from './bytes.js'
import { core, Core, IO_PK, IO_DATA } from './core.js'
import { publicKeyOf, signWith } from './ed25519.js'

export const IMAGE_MAGIC = 0x50414250 // "PBAP"
/** The header's format: 2 carries the app version at offset 12 (format 1 had flags there, and no version). */
export const IMAGE_FORMAT = 2
export const IMAGE_HEADER = 144
/** Bytes the signature covers: magic, format, header size, length, app version, SHA-512. */
export const IMAGE_SIGNED = 80
/** The largest app version (u32). */
export const VERSION_MAX = 0xffffffff

/**
 * The default app version: seconds since 1970 at build time. It grows on its
 * own from build to build, so a badge that ran a later build refuses an
 * earlier one without anyone numbering releases; it fits a u32 until 2106.
 * Two builds in the same second get the same version (equal is allowed).
 */
export function defaultVersion (now = Date.now()): number { return Math.floor(now / 1000) }

export const IMAGE_ERRORS: Record<number, string> = {
  [-80]: 'not a picobadge app image',
  [-81]: 'an app image format this core does not know (a format-1 image, made before app versions: rebuild it with picobadge build)',
  [-82]: 'the module is not the one its header names: tampered',
  [-83]: 'not signed by this event key (wrong key, or a tampered header)',
  [-84]: 'the module is cut short, or longer than its header says',
  [-85]: 'verification out of order',
  [-86]: 'older than the version this badge has already run: refused (rollback)'
}

export class ImageError extends Error {
  override name = 'ImageError'
  constructor (readonly code: number, detail?: string) { super(`app image refused: ${detail ?? IMAGE_ERRORS[code] ?? `error ${code}`} (${code})`) }
}

/** format: the header's format (2); version: the app version the badge's floor is compared with. */
export interface ImageHeader { format: number, headerSize: number, length: number, version: number, sha512: Uint8Array, signature: Uint8Array }

function checkVersion (version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > VERSION_MAX) throw new RangeError(`an app version is an integer from 0 to ${VERSION_MAX}, not ${version}`)
}

/** Wraps a WebAssembly module in an image signed by the event's secret key (a 32-byte seed), with an app version (default: defaultVersion()). */
export function makeImage (module: Uint8Array, eventSeed: Uint8Array, version = defaultVersion()): Uint8Array {
  return signedImage(module, m => signWith(eventSeed, m), version)
}

/** The image of module, its header signed by sign (any Ed25519 signer of the event's key). */
export function signedImage (module: Uint8Array, sign: (message: Uint8Array) => Uint8Array, version = defaultVersion()): Uint8Array {
  checkVersion(version)
  const image = new Uint8Array(IMAGE_HEADER + module.length)
  const v = new DataView(image.buffer)
  v.setUint32(0, IMAGE_MAGIC, true)
  v.setUint16(4, IMAGE_FORMAT, true)
  v.setUint16(6, IMAGE_HEADER, true)
  v.setUint32(8, module.length, true)
  v.setUint32(12, version, true)
  image.set(sha512(module), 16)
  image.set(sign(image.subarray(0, IMAGE_SIGNED)), IMAGE_SIGNED)
  image.set(module, IMAGE_HEADER)
  return image
}

/** The header's fields, for display; it says nothing about validity. */
export function readImageHeader (image: Uint8Array): ImageHeader {
  if (image.length < IMAGE_HEADER) throw new ImageError(-84)
  const v = new DataView(image.buffer, image.byteOffset, IMAGE_HEADER)
  if (v.getUint32(0, true) !== IMAGE_MAGIC) throw new ImageError(-80)
  const format = v.getUint16(4, true)
  // Format 1 had flags at 12, not a version: showing them as one would mislead.
  return { format, headerSize: v.getUint16(6, true), length: v.getUint32(8, true), version: format === IMAGE_FORMAT ? v.getUint32(12, true) : 0, sha512: image.slice(16, IMAGE_SIGNED), signature: image.slice(IMAGE_SIGNED, IMAGE_HEADER) }
}

/** One line for people: the app version (and, for a default version, the build time it encodes), the module's size and hash. Says nothing about validity. */
export function describeImage (image: Uint8Array): string {
  const h = readImageHeader(image)
  if (h.format !== IMAGE_FORMAT) return `app image format ${h.format} (this picobadge makes and badges run format ${IMAGE_FORMAT}: rebuild it with picobadge build), module ${h.length} bytes`
  // A version in the range of build times reads as one; a hand-set --version (small) does not.
  const when = h.version >= 1_000_000_000 ? ` (built ${new Date(h.version * 1000).toISOString().replace('.000Z', 'Z')})` : ''
  return `app version ${h.version}${when}, module ${h.length} bytes, sha512 ${toHex(h.sha512.subarray(0, 8))}…`
}

/**
 * Checks an image against the event's public key with the core's verifier,
 * streaming the module through the I/O window, as a badge whose version
 * floor is floor does (0: a new badge, any version). Returns the module;
 * throws ImageError when the core refuses the image.
 */
export function verifyImage (image: Uint8Array, eventPk: Uint8Array, c: Core = core(), floor = 0): Uint8Array {
  if (image.length < IMAGE_HEADER) throw new ImageError(-84)
  checkVersion(floor)
  c.put(IO_DATA, image.subarray(0, IMAGE_HEADER))
  c.put(IO_PK, eventPk)
  const len = c.x.image_verify_begin(c.io + IO_DATA, c.io + IO_PK, floor | 0)
  if (len === -86) throw new ImageError(len, `image version ${readImageHeader(image).version} is older than this badge's ${floor}: refused (rollback)`)
  if (len < 0) throw new ImageError(len)
  const module = image.subarray(IMAGE_HEADER)
  for (let o = 0; o < module.length; o += c.dataCap) {
    const chunk = module.subarray(o, Math.min(module.length, o + c.dataCap))
    c.put(IO_DATA, chunk)
    const rc = c.x.image_verify_update(c.io + IO_DATA, chunk.length)
    if (rc < 0) throw new ImageError(rc)
  }
  const rc = c.x.image_verify_end()
  if (rc < 0) throw new ImageError(rc)
  return module
}

/** The event public key of a secret seed. */
export function eventPublicKey (seed: Uint8Array): Uint8Array { return publicKeyOf(seed) }


