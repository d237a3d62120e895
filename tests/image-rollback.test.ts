// Rollback (issue #12, finding 6; docs/ABI.md, "Rollback"): every image the
// event key ever signed verifies, so an attacker who kept an old one (with
// a hole the new one fixed) flashes it back. The native board, the
// firmware's C under real WAMR, must refuse it once it has run a newer one:
// across a restart (the floor is in FLASH.floor, beside the flash file) and
// in a running badge taking an update (the second RAM slot keeps the newer
// app). The same version again is a re-flash, and runs.

import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NativeBoard } from '../host/native/board.js'
import { BoardTarget } from '../host/rpc/board.js'
import { coreWasmPath } from '../host/core.js'
import { makeImage } from '../host/image.js'
import { newKey } from '../host/keyfile.js'

const event = newKey('event-key')
const wasm = readFileSync(coreWasmPath())
const v5 = makeImage(wasm, event.secretKey, 5)
const v7 = makeImage(wasm, event.secretKey, 7)
const v8 = makeImage(wasm, event.secretKey, 8)

/** The stored floor: 8 bytes, the version and its complement (boards/native/floor_native.c). */
function floorOf (flash: string): number | undefined {
  if (!existsSync(`${flash}.floor`)) return undefined
  const b = readFileSync(`${flash}.floor`)
  expect(b.length).toBe(8)
  expect(b.readUInt32LE(0)).toBe(~b.readUInt32LE(4) >>> 0)
  return b.readUInt32LE(0)
}

/** Boots the board on img and flash, reads its identity, closes it cleanly. */
async function runs (img: Uint8Array, flash: string): Promise<string> {
  const native = new NativeBoard({ image: img, eventKey: event.publicKey, flash })
  try {
    const board = new BoardTarget(native.transport(), { timeoutMs: 5000 })
    const id = await board.call({ name: 'badge_identity', args: [{ io: 0 }], reads: [{ offset: 0, length: 32 }] })
    expect(id.result, native.stderr).toBe(0n)
    return Buffer.from(id.reads[0]).toString('hex')
  } finally { expect((await native.close()).code, native.stderr).toBe(0) }
}

/** Boots the board on img; its stderr once it exited. A board that starts the badge instead fails at once (no waiting for a timeout). */
async function refusedAtBoot (img: Uint8Array, flash: string): Promise<string> {
  const native = new NativeBoard({ image: img, eventKey: event.publicKey, flash })
  const started = said(native, /badge [0-9a-f]+\.\.\. (resumed from|made a new identity on)/).then(() => true, () => false)
  const ran = await Promise.race([started, native.exited.then(() => false)])
  const exit = await native.close()
  expect(ran, `the badge started on the image: ${native.stderr}`).toBe(false)
  expect(exit.code, native.stderr).toBe(2)
  return native.stderr
}

/** Resolves when the board's stderr has a line matching re (no timer: the board says it). */
function said (native: NativeBoard, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = (): boolean => { const m = re.exec(native.stderr); if (m) resolve(m[0]); return !!m }
    if (look()) return
    native.child.stderr!.on('data', () => { look() })
    void native.exited.then(e => reject(new Error(`the board exited (${e.code}) before saying ${re}: ${native.stderr}`)))
  })
}

describe('a badge never runs an app image older than one it has run', () => {
  it('across a restart: the older signed image is refused (-86), the flash untouched; the newer one runs again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-rollback-'))
    try {
      const flash = join(dir, 'flash.bin')
      expect(await runs(v5, flash) !== '').toBe(true) // a new badge runs any version
      expect(floorOf(flash)).toBe(5)
      const id = await runs(v7, flash) // the update
      expect(floorOf(flash)).toBe(7)
      const before = readFileSync(flash)

      const stderr = await refusedAtBoot(v5, flash) // the attack: the event's own, older, image
      expect(stderr.trim()).toBe("picobadge-native: app image refused: image version 5 is older than this badge's 7: refused (rollback)")
      expect(Buffer.compare(readFileSync(flash), before)).toBe(0)
      expect(floorOf(flash)).toBe(7)

      expect(await runs(v7, flash)).toBe(id) // equal: a re-flash runs, on the badge's own flash
      expect(floorOf(flash)).toBe(7)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('a damaged floor file refuses every image rather than guess a floor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-rollback-'))
    try {
      const flash = join(dir, 'flash.bin')
      await runs(v7, flash)
      writeFileSync(`${flash}.floor`, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])) // floor 0 without its complement: a forged reset
      const stderr = await refusedAtBoot(v5, flash)
      expect(stderr).toMatch(/flash\.bin\.floor is damaged/)
      expect(stderr).toMatch(/app image refused: the badge's version floor cannot be read: no image runs \(-86\)/)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  for (const variant of ['classic', 'asan'] as const) {
    it(`in a running badge (an update into the second RAM slot, ${variant}): the older image is refused and the newer app keeps running`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pb-rollback-'))
      const flash = join(dir, 'flash.bin')
      const native = new NativeBoard({ image: v7, eventKey: event.publicKey, flash, variant })
      try {
        const board = new BoardTarget(native.transport(), { timeoutMs: 5000 })
        const id = async (): Promise<string> => Buffer.from((await board.call({ name: 'badge_identity', args: [{ io: 0 }], reads: [{ offset: 0, length: 32 }] })).reads[0]).toString('hex')
        const first = await id()
        expect(floorOf(flash)).toBe(7)

        writeFileSync(native.imagePath, v5)
        native.child.kill('SIGHUP')
        expect(await said(native, /reload: .*\n/)).toBe("reload: app image refused: image version 5 is older than this badge's 7: refused (rollback); app version 7 keeps running\n")
        expect(await id()).toBe(first) // the newer app still answers, with its badge
        expect((await board.hello()).memoryUsed).toBeGreaterThan(0)
        expect(floorOf(flash)).toBe(7)

        writeFileSync(native.imagePath, v8) // a real update goes in, and raises the floor
        native.child.kill('SIGHUP')
        expect(await said(native, /reload: app version \d+ runs\n/)).toBe('reload: app version 8 runs\n')
        expect(floorOf(flash)).toBe(8)
        expect(await id()).toBe(first) // booted again on the same flash: the same badge
      } finally {
        expect((await native.close()).code, native.stderr).toBe(0)
        expect(native.stderr).not.toMatch(/runtime error|AddressSanitizer|LeakSanitizer/)
        rmSync(dir, { recursive: true, force: true })
      }
    })
  }
})
