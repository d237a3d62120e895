// `picobadge beacon` (host/commands/beacon.ts): what it writes, a badge that
// knows the event key takes (its clock jumps there); a badge key cannot sign one.

import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beaconCommand } from '../host/commands/beacon.js'
import { newKey, writeKeyFile, KeyFileError } from '../host/keyfile.js'
import { badge, meshTime } from './support/badges.js'

describe('picobadge beacon', () => {
  it('writes a beacon the event key\'s badges take, and refuses a badge key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-'))
    const event = newKey('event-key')
    writeKeyFile(join(dir, 'event.key'), event)
    expect(await beaconCommand(['--key', join(dir, 'event.key'), '--time', '2026-12-01T09:00:00Z', '--out', join(dir, 'b.bin')])).toBe(0)
    const beacon = readFileSync(join(dir, 'b.bin'))
    expect(beacon).toHaveLength(72)
    const a = badge(601, { hint: 0 })
    a.eventKey(event.publicKey)
    expect(a.beacon(beacon, 10)).toBe(1)
    expect(meshTime(a, 10)).toBe(Date.parse('2026-12-01T09:00:00Z'))
    writeKeyFile(join(dir, 'badge.key'), newKey('badge-key'))
    await expect(beaconCommand(['--key', join(dir, 'badge.key')])).rejects.toThrow(KeyFileError)
    await expect(beaconCommand(['--key', join(dir, 'event.key'), '--baud', '9600'])).rejects.toThrow(/--baud is the speed of --port/)
  })
})
