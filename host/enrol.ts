// Enrolment certificates (docs/SYNC.md §6.1, assembly/store/enrol.ts): at
// the desk the organiser signs each attendee's badge key with the event
// key; the badge founds its chain with the cert (its enrol block), and every
// badge that knows the event key admits that chain over sync, however many
// made-up keys fill the guest slots.
//   cert = Ed25519 signature by the event key over "picobadge ENROL1" | the badge's public key (32)

import { signWith, verifyWith } from './ed25519.js'

export const CERT_BYTES = 64
const DOMAIN = new TextEncoder().encode('picobadge ENROL1')

function message (pk: Uint8Array): Uint8Array {
  if (pk.length !== 32) throw new RangeError('enrol: a badge key is 32 bytes')
  return Uint8Array.from([...DOMAIN, ...pk])
}

/** The cert for the badge key `pk`, signed by the event key's 32-byte secret seed. */
export function enrolCert (eventSecret: Uint8Array, pk: Uint8Array): Uint8Array {
  return signWith(eventSecret, message(pk))
}

/** True when `cert` is the event key's for `pk`: what a badge checks. */
export function enrolVerify (eventKey: Uint8Array, pk: Uint8Array, cert: Uint8Array): boolean {
  return cert.length === CERT_BYTES && verifyWith(cert, eventKey, message(pk))
}
