// The Cortex-M4 board (boards/mps2) under QEMU's mps2-an386: the firmware
// that scripts/m4.mjs builds, its serial port a pty (`-serial pty`) that
// serialport opens as a real board's port, the badge's flash region an
// erased chip loaded by `-device loader` (a file in a temporary directory).
// Tests and bench/m4.mjs use it; on a real nRF52840 the same firmware C runs
// under Zephyr.

import { spawn, ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export class M4BoardError extends Error { override name = 'M4BoardError' }

/** Where the linker script puts the badge's flash region (boards/mps2/mps2.ld, BADGE_FLASH). */
export const M4_FLASH_ADDR = 0xc0000
export const M4_FLASH_SIZE = 256 * 1024
/** The app version floor's sector (mps2.ld, VERSION_FLOOR; boards/mps2/version_floor.c). */
export const M4_FLOOR_ADDR = 0xbf000
export const M4_FLOOR_SIZE = 4096

export interface M4BoardOptions {
  /** The firmware ELF (build/m4/cmake/picobadge-mps2.elf). */
  elf: string
  /** The badge's flash region at boot; default an erased chip (all 0xFF). */
  flash?: Uint8Array
  /** The app version floor's sector at boot; default erased (floor 0: a new badge). */
  floor?: Uint8Array
  /** QEMU's -icount shift (0: one instruction a nanosecond of virtual time), for measurements. */
  icount?: number
  /** The serial port: a pty (default; `ptyPath`), or QEMU's stdio, kept in `output` (QEMU drops what the
   * board writes to a pty nobody has opened, so a boot-time refusal is read this way). */
  serial?: 'pty' | 'stdio'
}

/** A QEMU process running the board. */
export class M4Board {
  readonly child: ChildProcess
  readonly dir: string
  /** QEMU's own output (the pty's name, errors). */
  output = ''
  /** The pty's path once `ready` resolves. */
  ptyPath: string | undefined
  readonly ready: Promise<string>
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>

  constructor (readonly opts: M4BoardOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'picobadge-m4-'))
    const flash = join(this.dir, 'flash.bin')
    const bytes = opts.flash ?? new Uint8Array(M4_FLASH_SIZE).fill(0xff)
    if (bytes.length !== M4_FLASH_SIZE) throw new M4BoardError(`the flash region is ${M4_FLASH_SIZE} bytes, not ${bytes.length}`)
    writeFileSync(flash, bytes)
    const floor = join(this.dir, 'floor.bin')
    const floorBytes = opts.floor ?? new Uint8Array(M4_FLOOR_SIZE).fill(0xff)
    if (floorBytes.length !== M4_FLOOR_SIZE) throw new M4BoardError(`the version floor sector is ${M4_FLOOR_SIZE} bytes, not ${floorBytes.length}`)
    writeFileSync(floor, floorBytes)
    const args = ['-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-serial', opts.serial ?? 'pty', '-kernel', opts.elf,
      '-device', `loader,file=${flash},addr=0x${M4_FLASH_ADDR.toString(16)},force-raw=on`,
      '-device', `loader,file=${floor},addr=0x${M4_FLOOR_ADDR.toString(16)},force-raw=on`,
      ...(opts.icount !== undefined ? ['-icount', `shift=${opts.icount}`] : [])]
    this.child = spawn('qemu-system-arm', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.exited = new Promise(resolve => this.child.on('exit', (code, signal) => resolve({ code, signal })))
    this.ready = new Promise((resolve, reject) => {
      if (opts.serial === 'stdio') resolve('stdio')
      this.child.on('error', e => reject(new M4BoardError(`cannot start qemu-system-arm: ${e.message} (Debian: apt-get install qemu-system-arm)`)))
      void this.exited.then(e => reject(new M4BoardError(`qemu-system-arm exited (${e.code ?? e.signal}) before its serial port was ready: ${this.output.trim().split('\n').pop() ?? ''}`)))
      const seen = (b: Buffer) => {
        this.output += b.toString()
        const m = /char device redirected to (\S+) \(label/.exec(this.output)
        if (m && !this.ptyPath) { this.ptyPath = m[1]; resolve(m[1]) }
      }
      this.child.stdout!.on('data', seen)
      this.child.stderr!.on('data', seen)
    })
  }

  /** Ends QEMU and removes the temporary files. */
  async close (): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM')
      const t = setTimeout(() => this.child.kill('SIGKILL'), 2000)
      await this.exited
      clearTimeout(t)
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
