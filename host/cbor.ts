// A small CBOR (RFC 8949) encoder for the payloads a host posts as badge
// actions, in cborg's canonical shapes (shortest heads, integers as
// integers, objects as maps with text keys in insertion order), so the
// bodies the core builds decode the same in @telamon/picostore.

export type CborValue = null | boolean | number | bigint | string | Uint8Array | CborValue[] | { [key: string]: CborValue }

function head (out: number[], major: number, v: number | bigint): void {
  const n = BigInt(v)
  const m = major << 5
  if (n < 24n) out.push(m | Number(n))
  else if (n < 0x100n) out.push(m | 24, Number(n))
  else if (n < 0x10000n) out.push(m | 25, Number(n >> 8n), Number(n & 0xffn))
  else if (n < 0x100000000n) { out.push(m | 26); for (let s = 24n; s >= 0n; s -= 8n) out.push(Number((n >> s) & 0xffn)) } else if (n < 0x10000000000000000n) { out.push(m | 27); for (let s = 56n; s >= 0n; s -= 8n) out.push(Number((n >> s) & 0xffn)) } else throw new RangeError('CBOR: integer out of range')
}

function encodeInto (out: number[], v: CborValue, depth: number): void {
  if (depth > 32) throw new RangeError('CBOR: nested too deeply')
  if (v === null) out.push(0xf6)
  else if (v === false) out.push(0xf4)
  else if (v === true) out.push(0xf5)
  else if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v)
      out.push(0xfb, ...new Uint8Array(b.buffer))
    } else if (v >= 0) head(out, 0, v)
    else head(out, 1, -BigInt(v) - 1n)
  } else if (typeof v === 'string') {
    const b = new TextEncoder().encode(v)
    head(out, 3, b.length); for (const x of b) out.push(x)
  } else if (v instanceof Uint8Array) {
    head(out, 2, v.length); for (const x of v) out.push(x)
  } else if (Array.isArray(v)) {
    head(out, 4, v.length); for (const x of v) encodeInto(out, x, depth + 1)
  } else if (typeof v === 'object') {
    const keys = Object.keys(v)
    head(out, 5, keys.length)
    for (const k of keys) { encodeInto(out, k, depth + 1); encodeInto(out, v[k], depth + 1) }
  } else throw new TypeError(`CBOR: cannot encode ${typeof v}`)
}

/** Encodes a value as CBOR bytes. */
export function cborEncode (v: CborValue): Uint8Array {
  const out: number[] = []
  encodeInto(out, v, 0)
  return Uint8Array.from(out)
}
