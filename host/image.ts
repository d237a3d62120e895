// Signed app images (docs/ABI.md, "App image"): made here, checked by the
// core's own verifier, the same code the firmware runs before it starts an
// app. The SHA-512 of the module is computed with node:crypto when making
// an image; checking goes through the core alone.

import { createHash } from 'node:crypto'
import { core, Core, IO_PK, IO_DATA } from './core.js'
import { publicKeyOf, signWith } from './ed25519.js'

export const IMAGE_MAGIC = 0x50414250 // "PBAP"
export const IMAGE_VERSION = 1
export const IMAGE_HEADER = 144
/** Bytes the signature covers: magic, version, header size, length, flags, SHA-512. */
export const IMAGE_SIGNED = 80

export const IMAGE_ERRORS: Record<number, string> = {
  [-80]: 'not a picobadge app image',
  [-81]: 'an app image format this core does not know',
  [-82]: 'the module is not the one its header names: tampered',
  [-83]: 'not signed by this event key (wrong key, or a tampered header)',
  [-84]: 'the module is cut short, or longer than its header says',
  [-85]: 'verification out of order'
}

export class ImageError extends Error {
  override name = 'ImageError'
  constructor (readonly code: number) { super(`app image refused: ${IMAGE_ERRORS[code] ?? `error ${code}`} (${code})`) }
}

export interface ImageHeader { version: number, headerSize: number, length: number, flags: number, sha512: Uint8Array, signature: Uint8Array }

/** Wraps a WebAssembly module in an image signed by the event's secret key (a 32-byte seed). */
export function makeImage (module: Uint8Array, eventSeed: Uint8Array): Uint8Array {
  return signedImage(module, m => signWith(eventSeed, m))
}

/** The image of module, its header signed by sign (any Ed25519 signer of the event's key). */
export function signedImage (module: Uint8Array, sign: (message: Uint8Array) => Uint8Array): Uint8Array {
  const image = new Uint8Array(IMAGE_HEADER + module.length)
  const v = new DataView(image.buffer)
  v.setUint32(0, IMAGE_MAGIC, true)
  v.setUint16(4, IMAGE_VERSION, true)
  v.setUint16(6, IMAGE_HEADER, true)
  v.setUint32(8, module.length, true)
  v.setUint32(12, 0, true)
  image.set(createHash('sha512').update(module).digest(), 16)
  image.set(sign(image.subarray(0, IMAGE_SIGNED)), IMAGE_SIGNED)
  image.set(module, IMAGE_HEADER)
  return image
}

/** The header's fields, for display; it says nothing about validity. */
export function readImageHeader (image: Uint8Array): ImageHeader {
  if (image.length < IMAGE_HEADER) throw new ImageError(-84)
  const v = new DataView(image.buffer, image.byteOffset, IMAGE_HEADER)
  if (v.getUint32(0, true) !== IMAGE_MAGIC) throw new ImageError(-80)
  return { version: v.getUint16(4, true), headerSize: v.getUint16(6, true), length: v.getUint32(8, true), flags: v.getUint32(12, true), sha512: image.slice(16, IMAGE_SIGNED), signature: image.slice(IMAGE_SIGNED, IMAGE_HEADER) }
}

/**
 * Checks an image against the event's public key with the core's verifier,
 * streaming the module through the I/O window. Returns the module; throws
 * ImageError when the core refuses the image.
 */
export function verifyImage (image: Uint8Array, eventPk: Uint8Array, c: Core = core()): Uint8Array {
  if (image.length < IMAGE_HEADER) throw new ImageError(-84)
  c.put(IO_DATA, image.subarray(0, IMAGE_HEADER))
  c.put(IO_PK, eventPk)
  const len = c.x.image_verify_begin(c.io + IO_DATA, c.io + IO_PK)
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


