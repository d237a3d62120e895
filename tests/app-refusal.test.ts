// An app that asks, while it starts, for what the engine cannot hold (#13
// item 8). The core keeps the first refused registration instead of
// trapping (a trap in the start function leaves nothing to ask why), and
// badge_init and engine_mount answer its code (-90 … -93) before the flash
// is read. Each tool then says the one real cause: host/badge.ts and
// `picobadge build` name the collection (host/app-refusal.ts), the native
// board's console says the cause (boards/common/badge.c).
//
// One app per cause: the example app (tests/fixtures/app) with its
// registration changed, compiled by the real compiler with the release
// options (about 5 s each), then run on the real core.

import { describe, it, expect, beforeAll } from 'vitest'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { tmpdir } from 'node:os'
import { compileApp, checkBadgeModule, BuildError } from '../host/build.js'
import { Badge, BadgeError } from '../host/badge.js'
import { NorFlash, NRF52840 } from '../host/nor-flash.js'
import { registeredCollections } from '../host/app-refusal.js'
import { makeImage } from '../host/image.js'
import { newKey } from '../host/keyfile.js'
import { NativeBoard } from '../host/native/board.js'

const dir = mkdtempSync(join(tmpdir(), 'app-refusal-'))
const fixture = readFileSync(fileURLToPath(new URL('./fixtures/app/index.ts', import.meta.url)), 'utf8')
const assembly = relative(dir, fileURLToPath(new URL('../assembly', import.meta.url))) // asc resolves relative imports only
const REGISTER = "registerCollection('waves', PER_AUTHOR, 16, wave, wavesExpireAt);"

interface Case {
  code: number
  what: string
  /** What replaces the example's one registration. */
  register: string
  /** The collections registered before the refused one: the core's two, and any the app added. */
  before: string[]
  /** The host's line (host/app-refusal.ts) and the board's console line (badge.c), each naming only this cause. */
  line: RegExp
  console: RegExp
}

const extra = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']
const cases: Case[] = [
  {
    code: -90,
    what: 'a ninth collection',
    register: extra.map(n => `registerCollection('${n}', PER_AUTHOR, 16, wave, wavesExpireAt);`).join('\n') + '\n' + REGISTER,
    before: ['cards', 'status', ...extra],
    line: /^the app cannot start \(-90\): the registerCollection after 'w6' \(call 9\) is one collection too many: a badge holds 8 \(MAX_COLLECTIONS in assembly\/profile\.ts; registered: cards, status, w1, w2, w3, w4, w5, w6\); merge two collections or drop one$/,
    console: /^badge: the app cannot start \(-90\): it registers more collections than a badge holds \(8\); merge two or drop one, and rebuild it/m
  },
  {
    code: -91,
    what: 'a state of 49 bytes',
    register: REGISTER.replace('16', '49'),
    before: ['cards', 'status'],
    line: /^the app cannot start \(-91\): the registerCollection after 'status' \(call 3\) asks for a state of more than 48 bytes \(or below 0\): a badge keeps at most 48 bytes per object \(STATE_MAX in assembly\/profile\.ts\); store less per object, or split it over two collections$/,
    console: /^badge: the app cannot start \(-91\): a collection asks for a state over 48 bytes; store less per object, and rebuild it/m
  },
  {
    code: -92,
    what: 'a name of 33 characters',
    register: REGISTER.replace("'waves'", `'${'w'.repeat(33)}'`),
    before: ['cards', 'status'],
    line: /^the app cannot start \(-92\): the registerCollection after 'status' \(call 3\) has a name that is not 1 to 32 ASCII characters: rename the collection$/,
    console: /^badge: the app cannot start \(-92\): a collection's name is not 1 to 32 ASCII characters; rename it, and rebuild it/m
  },
  {
    code: -93,
    what: 'a name taken (the core\'s own "cards")',
    register: REGISTER.replace("'waves'", "'cards'") + '\n' + REGISTER, // the later, good registration is ignored
    before: ['cards', 'status'],
    line: /^the app cannot start \(-93\): the registerCollection after 'status' \(call 3\) has a name registered already: give each collection its own name$/,
    console: /^badge: the app cannot start \(-93\): two collections have the same name; give each its own, and rebuild it/m
  }
]

const modules = new Map<number, Uint8Array>()
beforeAll(async () => {
  for (const c of cases) {
    const source = fixture.replaceAll('../../../assembly/', `${assembly}/`).replace(REGISTER, c.register)
    expect(source).toContain(c.register) // the replacement took
    const entry = join(dir, `app${-c.code}.ts`)
    writeFileSync(entry, source)
    modules.set(c.code, await compileApp(entry))
  }
})

const moduleOf = (c: Case) => new WebAssembly.Module(modules.get(c.code)! as Uint8Array<ArrayBuffer>)

describe('an app asking for what the engine cannot hold is refused with its one real cause', () => {
  for (const c of cases) {
    it(`${c.what}: the start completes, badge_init and engine_mount answer ${c.code}, the flash is not touched, one line names it`, () => {
      const flash = new NorFlash(NRF52840)
      const badge = new Badge({ module: moduleOf(c), flash }) // the start no longer traps
      const e = (() => { try { badge.init(0); return undefined } catch (err) { return err } })()
      expect(e).toBeInstanceOf(BadgeError)
      expect((e as BadgeError).code).toBe(c.code)
      expect((e as BadgeError).message).toMatch(c.line)
      // The registry ends just before the refused collection: later registrations were ignored.
      expect(registeredCollections(badge.core)).toEqual(c.before)
      // Refused before the flash is read: no identity made, no sector touched.
      expect(flash.stats).toMatchObject({ reads: 0, programs: 0, erases: 0 })
      // The same answer every time, and from the state engine's own mount.
      const { sectorSize, wordSize, size } = flash.geometry
      expect(badge.core.x.badge_init(sectorSize, wordSize, size, 0n, 0n)).toBe(c.code)
      expect(badge.core.x.engine_mount(sectorSize, wordSize, size - sectorSize, 0n)).toBe(c.code)
      expect(badge.core.x.badge_status(badge.core.io + 256, 0n)).toBe(-73) // never started
    })

    it(`${c.what}: picobadge build refuses it with the same line`, () => {
      expect(() => checkBadgeModule(modules.get(c.code)!)).toThrow(BuildError)
      expect(() => checkBadgeModule(modules.get(c.code)!)).toThrow(c.line)
    })

    it(`${c.what}: a native board running it (signed without build's check) says the cause on its console, once`, async () => {
      const key = newKey('event-key')
      const board = new NativeBoard({ image: makeImage(modules.get(c.code)!, key.secretKey), eventKey: key.publicKey })
      let out = ''
      const booted = new Promise<void>(resolve => board.child.stdout!.on('data', (b: Buffer) => {
        out += b.toString('latin1')
        if (out.includes('booted, RPC ready')) resolve()
      }))
      await Promise.race([booted, board.exited])
      await board.close()
      expect(out).toMatch(c.console)
      expect(out.match(/^badge: /gm)).toHaveLength(1)
      expect(board.stderr).toContain(`the badge did not start (${c.code})`)
    })
  }
})
