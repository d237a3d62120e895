// Time beacons (docs/SYNC.md §7, assembly/badge/beacon.ts): the event's
// organiser signs the time with the event key; a badge that verifies one may
// jump its mesh clock to it, which no number of neighbours can make it do.
//   beacon = time u64 LE | Ed25519 signature (64) by the event key over "picobadge BEACON" | time u64 LE

import { signWith, verifyWith, publicKeyOf } from './ed25519.js'

export const BEACON_BYTES = 72
const DOMAIN = new TextEncoder().encode('picobadge BEACON')

function timeBytes (timeMs: number | bigint): Uint8Array {
  const t = BigInt(timeMs)
  if (t < 0n || t > 2n ** 53n - 1n) throw new RangeError('beacon time: 0 to 2^53 - 1 ms (the latest date a block can carry)')
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, t, true)
  return b
}

/** A beacon for `timeMs` (ms since the Unix epoch) signed by the event key's 32-byte secret seed. */
export function beaconSign (eventSecret: Uint8Array, timeMs: number | bigint): Uint8Array {
  const t = timeBytes(timeMs)
  const sig = signWith(eventSecret, Uint8Array.from([...DOMAIN, ...t]))
  return Uint8Array.from([...t, ...sig])
}

/** True when `beacon` is the event key's: what a badge checks. */
export function beaconVerify (eventKey: Uint8Array, beacon: Uint8Array): boolean {
  if (beacon.length !== BEACON_BYTES) return false
  return verifyWith(beacon.subarray(8), eventKey, Uint8Array.from([...DOMAIN, ...beacon.subarray(0, 8)]))
}

/** A beacon's time. */
export function beaconTime (beacon: Uint8Array): number {
  return Number(new DataView(beacon.buffer, beacon.byteOffset, 8).getBigUint64(0, true))
}

export { publicKeyOf as eventKeyOf }
