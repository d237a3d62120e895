// `picobadge enrol` (host/commands/enrol.ts): the cert it writes is one a
// badge that knows the event key takes for its own key; a badge key cannot
// sign one, and a cert for another badge is refused.

import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { enrolCommand } from '../host/commands/enrol.js'
import { newKey, writeKeyFile, KeyFileError } from '../host/keyfile.js'
import { BadgeError } from '../host/badge.js'
import { toHex } from '../host/bytes.js'
import { UsageError } from '../host/args.js'
import { badge } from './support/badges.js'

describe('picobadge enrol', () => {
  it('writes a cert the badge takes, and refuses a badge key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enrol-'))
    const event = newKey('event-key')
    writeKeyFile(join(dir, 'event.key'), event)
    const a = badge(611)
    a.eventKey(event.publicKey)
    expect(await enrolCommand(['--key', join(dir, 'event.key'), '--badge', toHex(a.identity()), '--out', join(dir, 'a.cert')])).toBe(0)
    const cert = readFileSync(join(dir, 'a.cert'))
    expect(cert).toHaveLength(64)
    expect(a.enrol(cert)).toBe(1)
    const b = badge(612)
    b.eventKey(event.publicKey)
    expect(() => b.enrol(cert)).toThrow(BadgeError) // another badge's cert
    writeKeyFile(join(dir, 'badge.key'), newKey('badge-key'))
    await expect(enrolCommand(['--key', join(dir, 'badge.key'), '--badge', toHex(a.identity())])).rejects.toThrow(KeyFileError)
    await expect(enrolCommand(['--key', join(dir, 'event.key'), '--badge', 'abc'])).rejects.toThrow(UsageError)
    await expect(enrolCommand(['--key', join(dir, 'event.key')])).rejects.toThrow(/--badge PUBKEY is needed \(or --port PORT/)
    await expect(enrolCommand(['--key', join(dir, 'event.key'), '--badge', toHex(a.identity()), '--baud', '9600'])).rejects.toThrow(/--baud is the speed of --port/)
  })
})
