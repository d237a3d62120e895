// The Cortex-M4 board (boards/mps2) under QEMU's mps2-an386: boards/common,
// WAMR 2020's classic interpreter and build/core.wasm in the 192 KiB of RAM
// an nRF52840 leaves beside Zephyr and its Bluetooth stack. npm test builds
// it (node scripts/m4.mjs) before vitest. Skipped, saying why, where
// arm-none-eabi-gcc, newlib-nano or qemu-system-arm is missing
// (scripts/install-system.sh installs them).

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { M4Board } from '../host/m4/board.js'
import { BoardTarget } from '../host/rpc/board.js'
import { LocalTarget } from '../host/rpc/target.js'
import { buildVectors } from '../host/rpc/vectors.js'
import { compare } from '../host/rpc/compare.js'
import { serialTransport } from '../host/rpc/transport.js'
import { m4Missing, buildM4 } from '../scripts/m4.mjs'
import { askIdentity, askStatus, handOverCert, handOverBeacon } from '../host/rpc/hand-over.js'
import { enrolCert } from '../host/enrol.js'
import { beaconSign } from '../host/beacon.js'
import { readFileSync } from 'node:fs'

const root = join(__dirname, '..')
const out = join(root, 'build', 'm4')
const elf = join(out, 'cmake', 'picobadge-mps2.elf')
const missing = m4Missing()
const why = missing ?? (existsSync(elf) ? undefined : `${elf} is not built (node scripts/m4.mjs)`)
const maybe = why ? it.skip : it
const RAM = 192 * 1024

/** The ELF's symbols: name -> { value, size }. */
function symbols (path: string): Map<string, { value: number, size: number }> {
  const r = spawnSync('arm-none-eabi-nm', ['-S', path], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  const m = new Map<string, { value: number, size: number }>()
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length === 4) m.set(f[3], { value: parseInt(f[0], 16), size: parseInt(f[1], 16) })
    else if (f.length === 3) m.set(f[2], { value: parseInt(f[0], 16), size: 0 })
  }
  return m
}

/** The ELF's sections: name -> { addr, size }. */
function sections (path: string): Map<string, { addr: number, size: number }> {
  const r = spawnSync('arm-none-eabi-size', ['-A', path], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  const m = new Map<string, { addr: number, size: number }>()
  for (const line of r.stdout.split('\n')) {
    const f = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line)
    if (f) m.set(f[1], { size: Number(f[2]), addr: Number(f[3]) })
  }
  return m
}

async function agree (destructive: boolean) {
  const qemu = new M4Board({ elf })
  try {
    const board = new BoardTarget(await serialTransport(await qemu.ready), { timeoutMs: 30_000, retries: 1 })
    try {
      const hello = await board.hello()
      expect(hello.board).toBe('picobadge-mps2 (classic)')
      const r = await compare(board, new LocalTarget(), buildVectors(1, { destructive }))
      expect(r.differences.map(d => `${d.vector.group} / ${d.vector.name}: ${d.what}`)).toEqual([])
      expect(r.vectors).toBeGreaterThan(100)
    } finally { await board.close() }
  } finally { await qemu.close() }
}

describe(`picobadge test against the Cortex-M4 board in QEMU agrees with Node${why ? ` (skipped: ${why})` : ''}`, () => {
  // Measured: about 10 s (default) and 12 s (destructive) for the whole set under QEMU's TCG on 2 cores.
  maybe('default vectors, through a pty', async () => { await agree(false) }, 120_000)
  maybe('--destructive', async () => { await agree(true) }, 120_000)
})

/** A version floor sector (boards/common/floor_log.c) holding one record: floor and its complement, the rest erased. */
function floorSector (floor: number): Uint8Array {
  const b = Buffer.alloc(4096, 0xff)
  b.writeUInt32LE(floor, 0); b.writeUInt32LE(~floor >>> 0, 4)
  return b
}

/** Boots the board on a floor sector and returns its console once it is ready or has stopped. */
async function bootWithFloor (floor: Uint8Array): Promise<string> {
  const qemu = new M4Board({ elf, serial: 'stdio', floor })
  try {
    for (let i = 0; i < 400 && !/stopped|RPC ready/.test(qemu.output); i++) await new Promise(resolve => setTimeout(resolve, 50))
    return qemu.output
  } finally { await qemu.close() }
}

describe(`the running badge takes a cert and a beacon and tells its status over serial (docs/RPC.md)${why ? ` (skipped: ${why})` : ''}`, () => {
  // In the RAM the board has left (32 B): the requests use the RPC's own buffers (boards/common/rpc.c).
  maybe('IDENTITY, then its cert (1), a forged one (-76), a beacon a day ahead (1: the mesh clock is there), STATUS (the same clock, one adjustment)', async () => {
    const secret = Buffer.from(JSON.parse(readFileSync(join(out, 'event-key.json'), 'utf8')).secretKey, 'hex') // scripts/m4.mjs's test key
    const qemu = new M4Board({ elf })
    try {
      const board = new BoardTarget(await serialTransport(await qemu.ready), { timeoutMs: 30_000, retries: 1 })
      try {
        const id = await askIdentity(board)
        expect(id.code).toBe(0)
        expect((await handOverCert(board, enrolCert(secret, id.badge))).code).toBe(1)
        expect((await handOverCert(board, enrolCert(new Uint8Array(32).fill(9), id.badge))).code).toBe(-76)
        const t = Date.now() + 86_400_000
        const b = await handOverBeacon(board, beaconSign(secret, t))
        expect(b.code).toBe(1)
        expect(b.meshTime).toBeGreaterThanOrEqual(BigInt(t))
        const st = await askStatus(board) // read into the reply buffer: no RAM of its own
        expect(st.code).toBe(0)
        expect(st.status).toMatchObject({ chains: 0, clockJumps: 1, newIdentity: true })
        expect(st.status!.meshTime).toBeGreaterThanOrEqual(Number(b.meshTime))
      } finally { await board.close() }
    } finally { await qemu.close() }
  }, 120_000)
})

describe(`rollback: the board never runs an app image older than its floor${why ? ` (skipped: ${why})` : ''}`, () => {
  // scripts/m4.mjs signs the image with app version 1.
  maybe('a floor of 2 refuses the version-1 image (the event\'s own signature), saying so; a floor of 1 (equal) boots', async () => {
    const refused = await bootWithFloor(floorSector(2))
    expect(refused).toMatch(/app image refused: image version 1 is older than this badge's 2: refused \(rollback\)/)
    expect(refused).toMatch(/picobadge-mps2: stopped/)
    expect(refused).not.toMatch(/RPC ready/)
    expect(await bootWithFloor(floorSector(1))).toMatch(/booted, RPC ready/)
    // A floor sector nobody erased (all zeros, QEMU's RAM) is not a floor of 0: no image runs.
    expect(await bootWithFloor(new Uint8Array(4096))).toMatch(/version floor cannot be read: no image runs \(-86\)/)
  })
})

describe(`the firmware owns exactly 192 KiB of RAM${why ? ` (skipped: ${why})` : ''}`, () => {
  maybe('the linker script\'s RAM is 192 KiB, and .data, .bss and the stack lie inside it', () => {
    const s = symbols(elf)
    const sec = sections(elf)
    const start = s.get('__pb_ram_start')!.value
    expect(start).toBe(0x20000000)
    expect(s.get('__pb_ram_size')!.value).toBe(RAM)
    for (const name of ['.data', '.bss', '.stack']) {
      const x = sec.get(name)!
      expect(x.addr, name).toBeGreaterThanOrEqual(start)
      expect(x.addr + x.size, name).toBeLessThanOrEqual(start + RAM)
    }
    const used = sec.get('.data')!.size + sec.get('.bss')!.size + sec.get('.stack')!.size
    expect(used).toBeLessThanOrEqual(RAM)
    expect(s.get('__stack_top')!.value).toBeLessThanOrEqual(start + RAM)
    // WAMR's pool and the app image's copy are in it; the badge's flash region and the app image are not.
    for (const name of ['pool', 'app_buf']) {
      const x = s.get(name)!
      expect(x.value >= start && x.value + x.size <= start + RAM, name).toBe(true)
    }
    for (const name of ['__badge_flash_start', '__app_image_start']) {
      const v = s.get(name)!.value
      expect(v < start || v >= start + RAM, name).toBe(true)
    }
    expect(s.get('__badge_flash_end')!.value - s.get('__badge_flash_start')!.value).toBe(256 * 1024)
    // No section of the ELF but RAM's lies in 0x20000000.. (nothing else the firmware owns hides in the 4 MiB bank).
    for (const [name, x] of sec) if (x.addr >= 0x20000000 && x.addr < 0x20400000) expect(['.data', '.bss', '.stack'], name).toContain(name)
  })

  maybe('a pool that does not fit fails the build; a pool too small for the app makes the board refuse, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-m4-fit-'))
    try {
      copyFileSync(join(out, 'event-key.json'), join(dir, 'event-key.json'))
      const log = () => {}
      // 8 KiB more pool than the 4 KiB or so left: the linker refuses.
      await expect(buildM4({ out: dir, pool: 122880 + 8192, log })).rejects.toThrow(/does not fit in its 192 KiB of RAM: over by \d+ bytes/)
      // A pool that links but cannot hold the loaded module and its instance: one line, then the board stops.
      const small = await buildM4({ out: dir, pool: 100 * 1024, log })
      const qemu = new M4Board({ elf: small.elf, serial: 'stdio' })
      try {
        for (let i = 0; i < 200 && !/stopped/.test(qemu.output); i++) await new Promise(resolve => setTimeout(resolve, 50))
        expect(qemu.output).toMatch(/picobadge-mps2: cannot (load|instantiate) the module: .*(allocate|memory)/i)
        expect(qemu.output).toMatch(/picobadge-mps2: stopped/)
        expect(qemu.output).not.toMatch(/RPC ready/)
      } finally { await qemu.close() }
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})
