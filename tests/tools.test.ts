// The desk tools: `picobadge keys` and `picobadge build` (the real
// AssemblyScript compiler, the core's image verifier), through the command.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, readFileSync, writeFileSync, statSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { tmpdir } from 'node:os'
import { readKeyFile } from '../host/keyfile.js'
import { verifyImage, ImageError } from '../host/image.js'
import { Badge } from '../host/badge.js'
import { NorFlash, NRF52840 } from '../host/nor-flash.js'
import { publicKeyOf } from '../host/ed25519.js'

const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
const dir = mkdtempSync(join(tmpdir(), 'tools-'))

describe('picobadge keys', () => {
  it('makes event and badge keys readable only by their owner, shows them, and never overwrites one', () => {
    const event = join(dir, 'event.key')
    const made = run('keys', 'new', '--event', '--out', event)
    expect(made.status, made.stderr).toBe(0)
    expect(statSync(event).mode & 0o077).toBe(0)
    const key = readKeyFile(event)
    expect(key.kind).toBe('event-key')
    expect(Buffer.from(publicKeyOf(key.secretKey)).equals(Buffer.from(key.publicKey))).toBe(true)
    expect(run('keys', 'show', event).stdout).toContain(Buffer.from(key.publicKey).toString('hex'))
    expect(run('keys', 'new', '--event', '--out', event).stderr).toMatch(/exists: not overwriting/)
    const badge = join(dir, 'badge.key')
    expect(run('keys', 'new', '--badge', '--out', badge).status).toBe(0)
    expect(run('keys', 'show', badge).stdout).toMatch(/advertised id [0-9a-f]{8}/)
  })

  it('says what is wrong with a file that is not a key', () => {
    const bad = join(dir, 'bad.key')
    writeFileSync(bad, '{"picobadge":"event-key","publicKey":"00","secretKey":"11"}')
    expect(run('keys', 'show', bad).stderr).toMatch(/must be 32 bytes of lowercase hex/)
    writeFileSync(bad, 'hello')
    expect(run('keys', 'show', bad).stderr).toMatch(/not a picobadge key file/)
    const k = readKeyFile(join(dir, 'event.key'))
    writeFileSync(bad, JSON.stringify({ picobadge: 'event-key', publicKey: Buffer.from(k.publicKey).reverse().toString('hex'), secretKey: Buffer.from(k.secretKey).toString('hex') }))
    expect(run('keys', 'show', bad).stderr).toMatch(/does not belong to secretKey/)
    expect(run('keys', 'new', '--out', bad).status).toBe(2)
  })
})

describe('picobadge build (AssemblyScript compiler, core verifier)', () => {
  it('builds the default app into an image the core accepts with the event key and no other', () => {
    const event = join(dir, 'event.key')
    const out = join(dir, 'app.pbimg')
    const p = run('build', '--key', event, '--out', out, '--module', join(dir, 'app.wasm'))
    expect(p.status, p.stderr).toBe(0)
    const image = readFileSync(out)
    const module = verifyImage(image, readKeyFile(event).publicKey)
    expect(Buffer.from(module).equals(readFileSync(join(dir, 'app.wasm')))).toBe(true)
    // The default app is the badge build itself: the same options, byte for byte (one 64 KiB page).
    expect(Buffer.from(module).equals(readFileSync(fileURLToPath(new URL('../build/core.wasm', import.meta.url))))).toBe(true)
    expect(() => verifyImage(image, publicKeyOf(new Uint8Array(32)))).toThrow(ImageError)
  }) // the default 120 s (vitest.config.ts): a compile is 5 s unloaded, 20 s on a busy 2-core machine

  it('builds an app with a collection of its own; the badge it makes runs that collection', () => {
    const out = join(dir, 'waves.pbimg')
    const p = run('build', '--key', join(dir, 'event.key'), '--entry', fixture('app/index.ts'), '--out', out)
    expect(p.status, p.stderr).toBe(0)
    const module = verifyImage(readFileSync(out), readKeyFile(join(dir, 'event.key')).publicKey)
    const badge = new Badge({ module: new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), flash: new NorFlash(NRF52840) }).init(0, 1_760_000_000_000)
    expect(badge.post('waves', 'hello', 1000)).toBe(1)
    expect(badge.post('waves', 'again', 2000)).toBe(1)
    const s = badge.state('waves', badge.identity())!
    expect(new DataView(s.bytes.buffer, s.bytes.byteOffset).getBigUint64(0, true)).toBe(2n)
  })

  it('refuses what is not a badge app, and shows compiler errors', () => {
    const p = run('build', '--key', join(dir, 'event.key'), '--entry', fixture('not-a-badge/index.ts'), '--out', join(dir, 'x.pbimg'))
    expect(p.status).toBe(1)
    expect(p.stderr).toMatch(/not a badge app: it does not export badge_init/)
    const broken = join(dir, 'broken.ts')
    writeFileSync(broken, 'export function f(): i32 { return nope; }\n')
    const q = run('build', '--key', join(dir, 'event.key'), '--entry', broken, '--out', join(dir, 'y.pbimg'))
    expect(q.status).toBe(1)
    expect(q.stderr).toMatch(/compiling .*broken\.ts failed[\s\S]*nope/)
    expect(run('build', '--out', join(dir, 'z.pbimg')).stderr).toMatch(/--key is needed/)
  })

  it('refuses an app whose collection the engine cannot hold (a name that is not ASCII), saying so', () => {
    // The example app with one change: its collection's name.
    const app = readFileSync(fixture('app/index.ts'), 'utf8')
    const assembly = relative(dir, fileURLToPath(new URL('../assembly', import.meta.url))) // asc resolves relative imports only
    const entry = join(dir, 'bad-name.ts')
    writeFileSync(entry, app.replaceAll('../../../assembly/', `${assembly}/`).replace("registerCollection('waves'", "registerCollection('wellen-\\u00fc'"))
    expect(readFileSync(entry, 'utf8')).toContain("registerCollection('wellen-\\u00fc'")
    const p = run('build', '--key', join(dir, 'event.key'), '--entry', entry, '--out', join(dir, 'w.pbimg'))
    expect(p.status).toBe(1)
    // One error line after the progress lines: which registration, why, what to do (tests/app-refusal.test.ts has every cause).
    expect(p.stderr).toMatch(/\npicobadge build: the app cannot start \(-92\): the registerCollection after 'status' \(call 3\) has a name that is not 1 to 32 ASCII characters: rename the collection\n$/)
    expect(p.stderr.match(/^picobadge build:/gm)).toHaveLength(1)
    expect(existsSync(join(dir, 'w.pbimg'))).toBe(false)
  })
})
