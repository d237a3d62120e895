// Key files for the `picobadge keys` command: an event key signs app
// images (the firmware trusts its public key); a badge key is an identity
// made at the desk instead of on the badge. JSON, hex, readable only by
// its owner:
//   { "picobadge": "event-key" | "badge-key", "publicKey": "…", "secretKey": "…" }

import { readFileSync, statSync } from 'node:fs'
import { writeOutput } from './write.js'
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
  const json = JSON.stringify({ picobadge: key.kind, publicKey: toHex(key.publicKey), secretKey: toHex(key.secretKey) }, null, 2) + '\n'
  writeOutput(path, json, { mode: 0o600, exclusive: !overwrite, what: 'key' })
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

/**
 * The event key at path, for signing: a badge key is refused (no badge runs
 * an image it signs: firmware trusts only the event's public key), and a
 * key file others can read is signalled through warn (the file's promise is
 * "readable only by you"; on Windows modes do not say, so nothing is said).
 */
export function readEventKey (path: string, warn: (message: string) => void = () => {}): KeyFile {
  const key = readKeyFile(path)
  if (key.kind !== 'event-key') throw new KeyFileError(`${path} is a ${key.kind}, not an event key: badges run only images signed by the event key (make one: picobadge keys new --event --out event.key)`)
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) warn(`${path} is readable by others (mode ${(statSync(path).mode & 0o777).toString(8)}): anyone who reads it can sign apps every badge runs; chmod 600 ${path}`)
  return key
}
