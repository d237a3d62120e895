// Byte helpers with picofeed 8's names and behaviour: hex, UTF-8, compare.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Asserts a Uint8Array (of length l when l > 0), as picofeed's au8. */
export function au8 (a: unknown, l?: number): Uint8Array {
  if (!(a instanceof Uint8Array) || (typeof l === 'number' && l > 0 && a.length !== l)) {
    throw new Error(`Expected Uint8Array, received: ${a}`)
  }
  return a
}

export function toHex (buf: Uint8Array, limit = 0): string {
  if (!(buf instanceof Uint8Array)) throw new Error('Uint8Array expected')
  const b = limit ? buf.subarray(0, limit) : buf
  let s = ''
  for (let i = 0; i < b.length; i++) s += HEX[b[i]]
  return s
}

function hexNibble (c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

export function fromHex (hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new Error('hex string expected, got ' + typeof hex)
  if (hex.length % 2) throw new Error('hex string expected, got unpadded hex of length ' + hex.length)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i))
    const lo = hexNibble(hex.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) {
      const pair = hex[2 * i] + hex[2 * i + 1]
      throw new Error('hex string expected, got non-hex character "' + pair + '" at index ' + 2 * i)
    }
    out[i] = hi * 16 + lo
  }
  return out
}

/** Bytes as a string of one char per byte: a cheap, exact map key (Node's Buffer latin1, without Buffer, which browsers lack). */
export function latin1 (b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[])
  return s
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()
export const s2b = (s: string): Uint8Array => utf8Encoder.encode(s)
export const b2s = (b: Uint8Array): string => utf8Decoder.decode(b)

/** Equal length and equal bytes from i on (throws unless both are Uint8Arrays): picofeed's cmp, which looped forever on two empty arrays. */
export function cmp (a: Uint8Array, b: Uint8Array, i = 0): boolean {
  return au8(a).length === au8(b).length && sameBytes(a, b, i)
}

/** Whether buf holds exactly the bytes of `want` at `at` (compared in place: no view made). */
export function sameAt (want: Uint8Array, buf: Uint8Array, at: number): boolean {
  if (at < 0 || at + want.length > buf.length) return false
  for (let i = 0; i < want.length; i++) if (buf[at + i] !== want[i]) return false
  return true
}

/** Equal length and equal bytes from `from` on, without cmp's type checks: for the simulator's hot paths. */
export function sameBytes (a: Uint8Array, b: Uint8Array, from = 0): boolean {
  if (a.length !== b.length) return false
  for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** RFC 4648 base64url without padding (a JWK's key fields), without Buffer, which a page lacks. */
export function toBase64Url (b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 3) {
    const n = b[i] << 16 | (b[i + 1] ?? 0) << 8 | (b[i + 2] ?? 0)
    s += B64URL[n >> 18] + B64URL[n >> 12 & 63]
    if (i + 1 < b.length) s += B64URL[n >> 6 & 63]
    if (i + 2 < b.length) s += B64URL[n & 63]
  }
  return s
}

/** The bytes of an unpadded base64url string; throws on any other character or an impossible length. */
export function fromBase64Url (s: string): Uint8Array {
  if (s.length % 4 === 1) throw new RangeError(`base64url: a length of ${s.length} is impossible`)
  const out = new Uint8Array(Math.floor(s.length * 3 / 4))
  let acc = 0; let bits = 0; let o = 0
  for (let i = 0; i < s.length; i++) {
    const v = B64URL.indexOf(s[i])
    if (v < 0) throw new RangeError(`base64url: ${JSON.stringify(s[i])} at ${i} is not a base64url character`)
    acc = (acc << 6 | v) & 0xffffff; bits += 6
    if (bits >= 8) { bits -= 8; out[o++] = acc >> bits & 0xff }
  }
  return out
}

export function cpy (to: Uint8Array, from: Uint8Array, offset = 0): Uint8Array {
  to.set(from, offset)
  return to
}

/** Coerces Uint8Array, ArrayBuffer, Buffer-likes and hex or text strings. */
export function toU8 (o: unknown): Uint8Array {
  if (o instanceof Uint8Array) return o
  if (o instanceof ArrayBuffer) return new Uint8Array(o)
  const view = o as ArrayBufferView | null | undefined
  if (view && (view as any).buffer) return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  if (typeof o === 'string' && /^[a-f0-9]+$/i.test(o)) return fromHex(o)
  if (typeof o === 'string') return s2b(o)
  throw new Error('Uint8Array coercion failed')
}

/** Bytes from a hex string or a Uint8Array of the expected length, as noble's ensureBytes. */
export function ensureBytes (title: string, value: unknown, expectedLength?: number): Uint8Array {
  let res: Uint8Array
  if (typeof value === 'string') {
    try { res = fromHex(value) } catch (e) {
      throw new Error(title + ' must be hex string or Uint8Array, cause: ' + String(e)) // noble's words, as picofeed shows them
    }
  } else if (value instanceof Uint8Array) {
    res = Uint8Array.from(value)
  } else {
    throw new Error(title + ' must be hex string or Uint8Array')
  }
  if (typeof expectedLength === 'number' && res.length !== expectedLength) {
    throw new Error(title + ' of length ' + expectedLength + ' expected, got ' + res.length)
  }
  return res
}
