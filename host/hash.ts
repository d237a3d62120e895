// SHA-512 and MD5 of bytes, the same in Node and in a browser page (picobadge
// web checks app images and flash regions with the library code the CLI
// uses): @noble/hashes is plain JavaScript with no node: imports, and its
// digests are the standard ones, so every result matches node:crypto's.

import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js'
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import { toHex } from './bytes.js'

export const sha512 = (data: Uint8Array): Uint8Array => nobleSha512(data)
export const md5 = (data: Uint8Array): Uint8Array => nobleMd5(data)
export const md5Hex = (data: Uint8Array): string => toHex(nobleMd5(data))

/** Equal length and equal bytes. */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

