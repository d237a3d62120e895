// The desk's check of an app image file before any board is touched
// (`picobadge flash`): the header's length and SHA-512 need no key, so a
// truncated, padded or bit-flipped image is refused always; with the event
// key (--key) the core's own verifier checks the signature too, as the
// firmware will. A board that would refuse the image never gets it.

import { sha512, bytesEqual } from './hash.js'
import { readImageHeader, verifyImage, ImageError, IMAGE_HEADER, IMAGE_ERRORS } from './image.js'
import { COMMAND_ADVICE, type FlashAdvice } from './flash/advice.js'

/** An app image file that is not one the firmware would run. */
export class AppImageError extends Error { override name = 'AppImageError' }

const refuse = (path: string, code: number, what?: string, advice: FlashAdvice = COMMAND_ADVICE): never => {
  const todo = code === -83 ? advice.wrongKey : 'rebuild it with picobadge build'
  throw new AppImageError(`${path} is not an app image a badge would run: ${what ?? IMAGE_ERRORS[code]} (${code}); ${todo}`)
}

/** Checks length and SHA-512 (and, given the event's public key, the signature); returns the module. */
export function checkAppImage (image: Uint8Array, path: string, eventPk?: Uint8Array, advice: FlashAdvice = COMMAND_ADVICE): Uint8Array {
  let header
  try { header = readImageHeader(image) } catch (e) { return refuse(path, (e as ImageError).code ?? -80, image.length < IMAGE_HEADER ? `${image.length} bytes, shorter than an image's ${IMAGE_HEADER}-byte header` : undefined) }
  if (header.headerSize !== IMAGE_HEADER) refuse(path, -81)
  const module = image.subarray(IMAGE_HEADER)
  if (header.length !== module.length) refuse(path, -84, `its header says the module is ${header.length} bytes, the file holds ${module.length}: ${module.length < header.length ? 'cut short' : 'longer than it says'}`)
  if (!bytesEqual(sha512(module), header.sha512)) refuse(path, -82)
  if (eventPk) {
    try { verifyImage(image, eventPk) } catch (e) {
      if (e instanceof ImageError) refuse(path, e.code, undefined, advice)
      throw e
    }
  }
  return module
}
