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

/** Equal length and equal bytes (throws unless both are Uint8Arrays). */
export function cmp (a: Uint8Array, b: Uint8Array, i = 0): boolean {
  if (au8(a).length !== au8(b).length) return false
  while (a[i] === b[i++]) if (i === a.length) return true
  return false
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
