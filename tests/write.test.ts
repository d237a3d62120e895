// host/write.ts: every output file is written all or nothing, and a write
// that cannot be done is one line that says why (tests/cli-bad-input.test.ts
// drives the same through the commands).

import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { writeOutput, checkOutputPath, WriteError } from '../host/write.js'

const dir = mkdtempSync(join(tmpdir(), 'write-'))
const fails = (f: () => void, re: RegExp) => { try { f() } catch (e) { expect(e).toBeInstanceOf(WriteError); expect((e as Error).message).toMatch(re); expect((e as Error).message).not.toContain('\n'); return } throw new Error('did not throw') }

describe('writeOutput', () => {
  it('writes the file whole, with its mode, and leaves no temporary file', () => {
    const p = join(dir, 'a.key')
    writeOutput(p, 'secret\n', { mode: 0o600 })
    expect(readFileSync(p, 'utf8')).toBe('secret\n')
    expect(statSync(p).mode & 0o777).toBe(0o600)
    writeOutput(p, new Uint8Array([1, 2, 3]))
    expect([...readFileSync(p)]).toEqual([1, 2, 3])
    expect(readdirSync(dir).filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it('says which folder is missing, that a folder is not a file, and that the device is full, in one line', () => {
    fails(() => writeOutput(join(dir, 'nodir', 'x.pbimg'), 'x', { what: 'app image' }), /cannot write the app image .*x\.pbimg: the folder .*nodir does not exist/)
    fails(() => writeOutput(dir, 'x'), /is a folder; give a file name/)
    fails(() => checkOutputPath(dir), /is a folder/)
    fails(() => checkOutputPath(join(dir, 'nodir', 'x')), /does not exist/)
    if (existsSync('/dev/full')) fails(() => writeOutput('/dev/full', 'x'.repeat(10000)), /no space left on the device/)
  })

  it('with exclusive, never replaces a file, and leaves the old one as it was', () => {
    const p = join(dir, 'b.key')
    writeFileSync(p, 'old')
    fails(() => writeOutput(p, 'new', { exclusive: true, what: 'key' }), /exists: not overwriting the key \(use --force\)/)
    expect(readFileSync(p, 'utf8')).toBe('old')
    expect(readdirSync(dir).filter(f => f.endsWith('.tmp'))).toEqual([])
  })
})
