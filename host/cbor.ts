// CBOR (RFC 8949) for the payloads a host posts as badge actions: cborg's
// encoder itself, the one @telamon/picostore encodes with, so the bodies a
// badge builds are picostore's by construction (shortest heads and floats,
// map keys sorted length-first as cborg does), not by imitation.

import { encode } from 'cborg'

export type CborValue = null | boolean | number | bigint | string | Uint8Array | CborValue[] | { [key: string]: CborValue }

/** Encodes a value as CBOR bytes, exactly as picostore would. */
export function cborEncode (v: CborValue): Uint8Array {
  return encode(v)
}
