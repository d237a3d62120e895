// The native badges of one simulation: a temporary directory with a flash
// file per badge (kept across that badge's power cycles), one app image
// (build/core.wasm) signed with the simulated event's key (event.ts: its beacons verify on the boards too),
// and the pool of board processes. close() kills them and removes it all.

import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coreWasmPath } from '../core.js'
import { makeImage } from '../image.js'
import { SIM_EVENT_SECRET } from './event.js'
import { eventKeyOf } from '../beacon.js'
import { toHex } from '../bytes.js'
import { nativeBinaryPath, NativeVariant } from '../native/board.js'
import { NativePool } from './native-pool.js'
import { NativeBadge } from './native-badge.js'

/** The native board's build: classic or fast interpreter (asan, asan-fast: the same with sanitizers). */
export type NativeInterp = NativeVariant

export interface NativeFleetOptions {
  interp?: NativeInterp
  timeoutMs?: number
  /** Keep the directory (flash files, serial logs) after close, for a post-mortem. */
  keep?: boolean
}

export class NativeFleet {
  readonly dir: string
  readonly binary: string
  readonly pool: NativePool
  readonly #image: string
  readonly #eventKey: string
  #closed = false

  constructor (readonly opts: NativeFleetOptions = {}) {
    this.binary = nativeBinaryPath(opts.interp ?? 'classic') // throws one clear line when it is not built
    this.dir = mkdtempSync(join(tmpdir(), 'picobadge-sim-'))
    try {
      const key = { secretKey: SIM_EVENT_SECRET, publicKey: eventKeyOf(SIM_EVENT_SECRET) } // the beacons' key too (event.ts)
      this.#eventKey = toHex(key.publicKey)
      this.#image = join(this.dir, 'app.pbimg')
      writeFileSync(this.#image, makeImage(readFileSync(coreWasmPath('badge')), key.secretKey))
      this.pool = new NativePool(opts.timeoutMs)
    } catch (e) {
      rmSync(this.dir, { recursive: true, force: true })
      throw e
    }
  }

  /** The flash file of badge i (created erased by the board at its first boot). */
  flashPath (i: number): string { return join(this.dir, `badge-${i}.flash`) }

  /** Spawns badge i's board process on its flash file; it waits for BOOT (NativeBadge.init). `entropy` answers its core's asks. */
  start (i: number, entropy: (buf: Uint8Array) => void): NativeBadge {
    if (this.#closed) throw new Error('native fleet: closed')
    return new NativeBadge(this.pool, {
      label: `native badge ${i}`,
      command: this.binary,
      args: ['--flash', this.flashPath(i), '--app', this.#image, '--event-key', this.#eventKey, '--radio', 'fd:3', '--name', `sim-${i}`],
      serialLog: join(this.dir, `badge-${i}.serial.log`)
    }, entropy)
  }

  close (): void {
    if (this.#closed) return
    this.#closed = true
    this.pool.close()
    if (!this.opts.keep) rmSync(this.dir, { recursive: true, force: true })
  }
}
