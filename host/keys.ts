// Keys as picofeed 8 has them: a secret is a 32-byte Ed25519 seed, usually
// as hex; the public key is hex. Randomness is the host's job (principle 2):
// the core derives, signs and verifies, Node supplies the seed.

import { randomFillSync } from 'node:crypto'
import { toHex, ensureBytes } from './bytes.js'
import { publicKeyOf } from './ed25519.js'

export type SecretKey = string | Uint8Array
export type PublicKey = string | Uint8Array
export interface SignPairHex { pk: string, sk: SecretKey }

export function generatePrivateKey (): string {
  return toHex(randomFillSync(new Uint8Array(32)))
}

export function getPublicKey (secret: SecretKey): string {
  return toHex(publicKeyOf(ensureBytes('private key', secret, 32)))
}

export function signPair (): SignPairHex {
  const sk = generatePrivateKey()
  return { sk, pk: getPublicKey(sk) }
}
