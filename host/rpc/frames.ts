// The board RPC's frames and messages (docs/RPC.md): type, sequence,
// payload, CRC-32; HELLO, CALL, IDENTITY, ENROL, BEACON and STATUS requests and their replies.

export const RPC_VERSION = 1
export const T_HELLO = 0x01
export const T_CALL = 0x02
/** For the running badge (host/rpc/hand-over.ts): its key, its status, and the event key's instruments. They leave it running, never in test mode. */
export const T_ENROL = 0x03
export const T_BEACON = 0x04
export const T_IDENTITY = 0x05
export const T_STATUS = 0x06
export const T_ERROR = 0x7f
export const REPLY = 0x80

export const RPC_ERRORS: Record<number, string> = {
  1: 'unknown request type',
  2: 'malformed request',
  3: 'no such export',
  4: 'wrong argument count',
  5: 'a range outside the I/O window',
  6: 'the core trapped'
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

export function crc32 (bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export interface Frame { type: number, seq: number, payload: Uint8Array }

export function encodeFrame ({ type, seq, payload }: Frame): Uint8Array {
  const out = new Uint8Array(3 + payload.length + 4)
  out[0] = type
  out[1] = seq & 0xff; out[2] = seq >> 8
  out.set(payload, 3)
  new DataView(out.buffer).setUint32(3 + payload.length, crc32(out.subarray(0, 3 + payload.length)), true)
  return out
}

/** The frame, or undefined when it is too short or its CRC is wrong. */
export function decodeFrame (bytes: Uint8Array): Frame | undefined {
  if (bytes.length < 7) return undefined
  const body = bytes.subarray(0, bytes.length - 4)
  if (crc32(body) !== new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true)) return undefined
  return { type: bytes[0], seq: bytes[1] | (bytes[2] << 8), payload: bytes.slice(3, bytes.length - 4) }
}

/** An argument: a plain number, or a pointer `io` bytes into the target's I/O window. */
export type Arg = number | bigint | { io: number }

export interface Call {
  name: string
  args: Arg[]
  writes?: Array<{ offset: number, bytes: Uint8Array }>
  reads?: Array<{ offset: number, length: number }>
}

export interface CallResult { result: bigint, reads: Uint8Array[] }

/** A CALL request for a target whose I/O window starts at io. */
export function encodeCall (c: Call, io: number): Uint8Array {
  const name = new TextEncoder().encode(c.name)
  const parts: number[] = [name.length, ...name, c.args.length]
  const i64 = (v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, v, true); parts.push(...b) }
  const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); parts.push(...b) }
  for (const a of c.args) i64(typeof a === 'object' ? BigInt(io + a.io) : BigInt(a))
  parts.push((c.writes ?? []).length)
  for (const w of c.writes ?? []) { u32(w.offset); u32(w.bytes.length); parts.push(...w.bytes) }
  parts.push((c.reads ?? []).length)
  for (const r of c.reads ?? []) { u32(r.offset); u32(r.length) }
  return Uint8Array.from(parts)
}

export class RpcError extends Error {
  override name = 'RpcError'
  /** The board's ERROR code (RPC_ERRORS) when the refusal is one the document names; both sides refusing with the same code agree. */
  constructor (message: string, readonly code?: number) { super(message) }
}

/** The ERROR code for a trap: the core stopped inside the export, and its instance was made again. */
export const E_TRAPPED = 6

/** Reads a CALL request (the board's side). */
export function decodeCall (p: Uint8Array): { name: string, args: bigint[], writes: Array<{ offset: number, bytes: Uint8Array }>, reads: Array<{ offset: number, length: number }> } {
  const v = new DataView(p.buffer, p.byteOffset, p.length)
  let o = 0
  const need = (n: number) => { if (o + n > p.length) throw new RpcError('malformed request') }
  need(1); const nl = p[o++]; need(nl)
  const name = new TextDecoder().decode(p.subarray(o, o + nl)); o += nl
  need(1); const argc = p[o++]
  const args: bigint[] = []
  for (let i = 0; i < argc; i++) { need(8); args.push(v.getBigInt64(o, true)); o += 8 }
  need(1); const wc = p[o++]
  const writes: Array<{ offset: number, bytes: Uint8Array }> = []
  for (let i = 0; i < wc; i++) { need(8); const off = v.getUint32(o, true); const len = v.getUint32(o + 4, true); o += 8; need(len); writes.push({ offset: off, bytes: p.subarray(o, o + len) }); o += len }
  need(1); const rc = p[o++]
  const reads: Array<{ offset: number, length: number }> = []
  for (let i = 0; i < rc; i++) { need(8); reads.push({ offset: v.getUint32(o, true), length: v.getUint32(o + 4, true) }); o += 8 }
  if (o !== p.length) throw new RpcError('malformed request')
  return { name, args, writes, reads }
}
