// Key files for the `picobadge keys` command: an event key signs app
// images (the firmware trusts its public key); a badge key is an identity
// made at the desk instead of on the badge. JSON, hex, readable only by
// its owner:
//   { "picobadge": "event-key" | "badge-key", "publicKey": "…", "secretKey": "…" }

import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { publicKeyOf } from './ed25519.js'
import { toHex, fromHex } from './bytes.js'

export type KeyKind = 'event-key' | 'badge-key'
export interface KeyFile { kind: KeyKind, publicKey: Uint8Array, secretKey: Uint8Array }

export class KeyFileError extends Error { override name = 'KeyFileError' }

/** A new key from the platform's CSPRNG. */
export function newKey (kind: KeyKind): KeyFile {
  const secretKey = randomFillSync(new Uint8Array(32))
  return { kind, secretKey, publicKey: publicKeyOf(secretKey) }
}

export function writeKeyFile (path: string, key: KeyFile, { overwrite = false } = {}): void {
  if (existsSync(path) && !overwrite) throw new KeyFileError(`${path} exists: not overwriting a key (use --force)`)
  const json = JSON.stringify({ picobadge: key.kind, publicKey: toHex(key.publicKey), secretKey: toHex(key.secretKey) }, null, 2) + '\n'
  writeFileSync(path, json, { mode: 0o600 })
}

export function readKeyFile (path: string): KeyFile {
  let text: string
  try { text = readFileSync(path, 'utf8') } catch (e) { throw new KeyFileError(`cannot read key file ${path}: ${(e as Error).message}`) }
  let j: { picobadge?: unknown, publicKey?: unknown, secretKey?: unknown }
  try { j = JSON.parse(text) } catch { throw new KeyFileError(`${path} is not a picobadge key file (not JSON)`) }
  if (j.picobadge !== 'event-key' && j.picobadge !== 'badge-key') throw new KeyFileError(`${path} is not a picobadge key file (no "picobadge": "event-key" or "badge-key")`)
  const hex = (v: unknown, n: number, what: string) => {
    if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${n * 2}}$`).test(v)) throw new KeyFileError(`${path}: ${what} must be ${n} bytes of lowercase hex`)
    return fromHex(v)
  }
  const secretKey = hex(j.secretKey, 32, 'secretKey')
  const publicKey = hex(j.publicKey, 32, 'publicKey')
  if (toHex(publicKeyOf(secretKey)) !== toHex(publicKey)) throw new KeyFileError(`${path}: publicKey does not belong to secretKey`)
  return { kind: j.picobadge, secretKey, publicKey }
}
