// The native board (boards/native) as a child process: the firmware's C
// under real WAMR, its flash a file, its serial port this process's pipe to
// its stdio (or a pty). `picobadge test --native` and the tests use it.
//
// By default it runs build/core.wasm as an app image signed with a fresh
// event key, on a fresh flash file in a temporary directory, as a badge
// flashed at the desk would.

import { spawn, ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { coreWasmPath } from '../core.js'
import { makeImage } from '../image.js'
import { newKey } from '../keyfile.js'
import { toHex } from '../bytes.js'
import type { Transport } from '../rpc/transport.js'
import { NotBuiltError } from '../not-built.js'

export type NativeVariant = 'classic' | 'fast' | 'asan' | 'asan-fast'
export const NATIVE_VARIANTS: NativeVariant[] = ['classic', 'fast', 'asan', 'asan-fast']

export class NativeBoardError extends Error { override name = 'NativeBoardError' }

/** The repository's build/ directory (from dist/host/native or host/native). */
function buildDir (): string {
  for (const up of ['../../build/', '../../../build/']) {
    const p = fileURLToPath(new URL(up, import.meta.url))
    if (existsSync(join(p, 'core.wasm'))) return p
  }
  return fileURLToPath(new URL('../../build/', import.meta.url))
}

/** build/native/<variant>/picobadge-native, or an error saying how to build it. */
export function nativeBinaryPath (variant: NativeVariant = 'classic'): string {
  if (!NATIVE_VARIANTS.includes(variant)) throw new NativeBoardError(`no native board variant ${variant} (${NATIVE_VARIANTS.join(', ')})`)
  const p = join(buildDir(), 'native', variant, 'picobadge-native')
  if (!existsSync(p)) throw new NotBuiltError(`the native board (${variant}) is not built: run \`node scripts/native.mjs\` (${p} is missing)`)
  return p
}

export interface NativeBoardOptions {
  variant?: NativeVariant
  /** The flash file; a fresh one in the temporary directory when absent. */
  flash?: string
  flashSize?: number
  /** The app image bytes; default build/core.wasm signed with a fresh event key. */
  image?: Uint8Array
  /** The event public key the board trusts; default the fresh key's (required with image). */
  eventKey?: Uint8Array
  serial?: 'stdio' | 'pty'
  name?: string
  env?: Record<string, string>
  /** More options for the board (e.g. --report-memory). */
  extraArgs?: string[]
  /** The board's stderr; default kept in `stderr` and not printed. */
  onStderr?: (text: string) => void
}

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

/** A native board process. */
export class NativeBoard {
  readonly child: ChildProcess
  readonly dir: string
  readonly flash: string
  readonly imagePath: string
  readonly exited: Promise<Exit>
  stderr = ''
  /** The pty's path (serial 'pty'), once `ready` has resolved. */
  ptyPath: string | undefined
  /** Resolves when the board is up (its pty named, in pty mode), or with its exit if it ends first. */
  readonly ready: Promise<Exit | undefined>
  #exit: Exit | undefined

  constructor (readonly opts: NativeBoardOptions = {}) {
    const bin = nativeBinaryPath(opts.variant)
    this.dir = mkdtempSync(join(tmpdir(), 'picobadge-native-'))
    let image = opts.image
    let eventKey = opts.eventKey
    if (!image) {
      const key = newKey('event-key')
      image = makeImage(readFileSync(coreWasmPath()), key.secretKey)
      eventKey ??= key.publicKey
    }
    if (!eventKey) throw new NativeBoardError('an image needs the event key it is checked against')
    this.imagePath = join(this.dir, 'app.img')
    writeFileSync(this.imagePath, image)
    this.flash = opts.flash ?? join(this.dir, 'flash.bin')
    const args = ['--flash', this.flash, '--flash-size', String(opts.flashSize ?? 256 * 1024), '--app', this.imagePath,
      '--event-key', toHex(eventKey), '--serial', opts.serial ?? 'stdio', '--name', opts.name ?? `picobadge-native (${opts.variant ?? 'classic'})`, ...(opts.extraArgs ?? [])]
    this.child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } })
    this.exited = new Promise(resolve => this.child.on('exit', (code, signal) => { this.#exit = { code, signal }; resolve(this.#exit) }))
    this.child.stdin!.on('error', () => {}) // a board that exited: its exit code tells why
    let resolveReady: (e: Exit | undefined) => void
    this.ready = new Promise(resolve => { resolveReady = resolve })
    if ((opts.serial ?? 'stdio') === 'stdio') resolveReady!(undefined)
    void this.exited.then(e => resolveReady(e))
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (s: string) => {
      this.stderr += s
      opts.onStderr?.(s)
      const m = /^serial: (\S+)$/m.exec(this.stderr)
      if (m && !this.ptyPath) { this.ptyPath = m[1]; resolveReady(undefined) }
    })
  }

  /** The board's serial port over its stdio (serial 'stdio'). */
  transport (): Transport {
    const child = this.child
    return {
      write: b => { if (child.stdin!.writable) child.stdin!.write(b) },
      onData: fn => child.stdout!.on('data', (b: Buffer) => fn(new Uint8Array(b))),
      close: async () => { await this.close() }
    }
  }

  get exit (): Exit | undefined { return this.#exit }

  /** SIGKILL: the power cut. */
  async kill (signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (!this.#exit) this.child.kill(signal)
    return await this.exited
  }

  /** Ends the board (stdin closed, then SIGKILL after a second) and removes its temporary files; a given flash file stays. */
  async close (): Promise<Exit> {
    if (!this.#exit) {
      this.child.stdin!.end()
      const t = setTimeout(() => this.child.kill('SIGKILL'), 1000)
      await this.exited
      clearTimeout(t)
    }
    rmSync(this.dir, { recursive: true, force: true })
    return this.#exit!
  }
}
