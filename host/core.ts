// Loads build/core.wasm synchronously (picofeed's API is synchronous) and
// wraps its exports in typed, allocation-light helpers. Node only.
//
// The host side of the ABI for the feed API: it copies bytes into the core's
// I/O window, calls an export, and reads results back. The window layout is
// the host's choice (docs/ABI.md):
//   [0, 64)     signature        [64, 96)   public key
//   [96, 128)   seed             [128, 192) scan results / varint scratch
//   [256, cap)  data: a block, a message, or a chunk of one

import { readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { NotBuiltError } from './not-built.js'

export interface CoreExports {
  memory: WebAssembly.Memory
  io(): number
  io_cap(): number
  sha512(ptr: number, len: number, out: number): number
  block_scan(ptr: number, have: number, avail: number, out: number): number
  feed_block_scan(ptr: number, have: number, avail: number, out: number): number
  varint_decode(ptr: number, len: number, out: number): number
  varint_encode(value: number, ptr: number): number
  ed25519_public_key(seed: number, outPk: number): number
  ed25519_sign(seed: number, msg: number, len: number, outSig: number): number
  ed25519_verify(sig: number, pk: number, msg: number, len: number): number
  ed25519_verify_begin(sig: number, pk: number): number
  ed25519_verify_update(ptr: number, len: number): number
  ed25519_verify_end(): number
  ed25519_sign_begin(seed: number): number
  ed25519_sign_update(ptr: number, len: number): number
  ed25519_sign_commit(): number
  ed25519_sign_end(outSig: number): number
  memory_used(): number
  ed25519_verify_run(n: number, entries: number, pk: number): number
  store_mount(sectorSize: number, wordSize: number, regionSize: number): number
  store_write(ptr: number, len: number, now: bigint): number
  store_read(sig: number, out: number, cap: number): number
  store_head(owner: number, out: number): number
  store_load(owner: number, from: number, out: number, cap: number): number
  store_evict(owner: number, until: bigint, now: bigint): number
  store_chains(start: number, out: number, cap: number): number
  store_stats(out: number): number
  badge_init(sectorSize: number, wordSize: number, regionSize: number, local: bigint, hint: bigint): number
  badge_tick(local: bigint): number
  badge_idle(local: bigint): number
  badge_advert(addr: number, data: number, len: number, local: bigint): number
  badge_link_up(handle: number, mtu: number, central: number, addr: number, local: bigint): number
  badge_link_down(handle: number, local: bigint): number
  badge_link_ready(handle: number, local: bigint): number
  badge_frame(handle: number, ptr: number, len: number, local: bigint): number
  badge_action(ptr: number, len: number, local: bigint): number
  badge_outbox(out: number, cap: number): number
  badge_status(out: number, local: bigint): number
  badge_identity(out: number): number
  badge_event_key(pk: number): number
  badge_beacon(ptr: number, local: bigint): number
  badge_enrol(ptr: number): number
  image_verify_begin(header: number, pk: number, floor: number): number
  image_verify_update(ptr: number, len: number): number
  image_verify_end(): number
  engine_mount(sectorSize: number, wordSize: number, regionSize: number, now: bigint): number
  engine_dispatch(ptr: number, len: number, now: bigint): number
  engine_tick(now: bigint): number
  engine_state(collection: number, id: number, out: number): number
  engine_collection(index: number, out: number, cap: number): number
  engine_stats(out: number): number
}

/**
 * The two builds of the core (assembly/profile.ts): `badge` is what badges
 * run (one 64 KiB page; the simulator, the store, the engine and `picobadge
 * build` use it); `host` has bigger caches for speed and serves the
 * picofeed-compatible feed API in Node. Same sources, same verdicts.
 */
export type CoreBuild = 'badge' | 'host' | 'pooled'
/** `pooled` is the badge build with its mutable globals exported (scripts/pooled-core.mjs), for host/core-pool.ts only. */
const FILES: Record<CoreBuild, string> = { badge: 'core.wasm', host: 'core-host.wasm', pooled: 'core-pooled.wasm' }

/** Where a build of the module lives, from source (host/) or compiled (dist/host/). */
export function coreWasmPath (build: CoreBuild = 'badge'): string {
  for (const dir of ['../build/', '../../build/']) {
    const p = fileURLToPath(new URL(dir + FILES[build], import.meta.url))
    if (existsSync(p)) return p
  }
  throw new NotBuiltError(`build/${FILES[build]} not found: run \`npm run build\``)
}

/**
 * An optional Ed25519 verifier the core may consult as a fast accept
 * (docs/ABI.md): it is asked only about canonical signatures, and its "no"
 * is always re-checked by the core.
 */
export type Accelerator = (sig: Uint8Array, pk: Uint8Array, msg: Uint8Array) => boolean
/** A host signer (env.host_ed25519_sign): writes the RFC 8032 signature of msg under seed's key to out and returns true, or returns false to let the core sign. */
export type Signer = (seed: Uint8Array, msg: Uint8Array, out: Uint8Array) => boolean

/**
 * The flash region the core's block store lives on (docs/ABI.md): offsets
 * into the region; pointers into the core's memory; 0 or a negative code.
 * host/nor-flash.ts provides a simulated NOR part.
 */
export interface FlashImports {
  read (addr: number, ptr: number, len: number): number
  program (addr: number, ptr: number, len: number): number
  erase (addr: number): number
}

/** What a core is instantiated with besides its module. */
export interface CoreOptions {
  accelerate?: Accelerator
  /** Signs for the core where the host is faster (env.host_ed25519_sign); by default the core signs. */
  sign?: Signer
  /** Fills the buffer with random bytes (the badge's key is made from them once); defaults to the platform's CSPRNG. */
  entropy?: (buf: Uint8Array) => void
  /** Receives the core's log lines (link drops and why); ignored by default. */
  log?: (line: string) => void
  /** Given the core's memory once it exists, the flash imports; without it the store has no flash (store_mount fails). */
  flash?: (memory: () => WebAssembly.Memory) => FlashImports
}

export const NO_FLASH: FlashImports = { read: () => -1, program: () => -1, erase: () => -1 }

/** Host imports: aborts become exceptions; no acceleration and no flash unless given. */
export function hostImports (memoryRef: { memory?: WebAssembly.Memory }, { accelerate, sign, flash, entropy, log }: CoreOptions = {}): WebAssembly.Imports {
  const view = (ptr: number, len: number) => new Uint8Array(memoryRef.memory!.buffer, ptr, len)
  const flashImports = flash ? flash(() => memoryRef.memory!) : NO_FLASH
  // Every import lives in `env`: WAMR releases before 2.x link natives only
  // for the modules it knows (env, wasi_*, spectest), so `env` is the one
  // module name every WAMR a badge may ship accepts (docs/ABI.md, Imports).
  return {
    env: {
      flash_read: flashImports.read,
      flash_program: flashImports.program,
      flash_erase: flashImports.erase,
      abort (msg: number, file: number, line: number, col: number) {
        throw new Error(`core aborted at ${line}:${col}`)
      },
      // Fast-accept hook: 0 means "no opinion", so the core's own verifier decides.
      host_ed25519_verify: accelerate
        ? (sig: number, pk: number, msg: number, len: number) => accelerate(view(sig, 64), view(pk, 32), view(msg, len)) ? 1 : 0
        : () => 0,
      // Signing hook: 0 means "sign it yourself".
      host_ed25519_sign: sign
        ? (seed: number, msg: number, len: number, out: number) => sign(view(seed, 32), view(msg, len), view(out, 64)) ? 1 : 0
        : () => 0,
      host_entropy (ptr: number, len: number): number {
        const buf = view(ptr, len)
        if (entropy) entropy(buf)
        else globalThis.crypto.getRandomValues(buf)
        return 0
      },
      host_log (ptr: number, len: number): void {
        if (log) log(new TextDecoder().decode(view(ptr, len)))
      }
    }
  }
}

const compiled: Partial<Record<CoreBuild, WebAssembly.Module>> = {}
/**
 * Hands over a compiled build where there are no files to read it from: a
 * browser page (picobadge web) fetches build/core.wasm and gives it here
 * before it makes any badge, so everything after runs the same code as Node.
 */
export function provideCoreModule (build: CoreBuild, module: WebAssembly.Module): void { compiled[build] = module }
/** A build of the module, compiled once per process (instances are cheap; compiling is not). */
export function coreModule (build: CoreBuild = 'badge'): WebAssembly.Module {
  return (compiled[build] ??= new WebAssembly.Module(readFileSync(coreWasmPath(build)) as Uint8Array<ArrayBuffer>))
}

export function instantiateCore (bytes?: Uint8Array | WebAssembly.Module, options: CoreOptions = {}): CoreExports {
  const ref: { memory?: WebAssembly.Memory } = {}
  const module = bytes instanceof WebAssembly.Module ? bytes : bytes ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : coreModule()
  const instance = new WebAssembly.Instance(module, hostImports(ref, options))
  const exports = instance.exports as unknown as CoreExports
  ref.memory = exports.memory
  return exports
}

export const IO_SIG = 0
export const IO_PK = 64
export const IO_SEED = 96
export const IO_OUT = 128
export const IO_DATA = 256

/** One loaded core with its window views; the feed API shares one per process. */
export class Core {
  readonly x: CoreExports
  readonly io: number
  readonly dataCap: number
  /** The memory is fixed-size (never grows), so these views stay valid once made. */
  #u8?: Uint8Array
  #i32?: Int32Array

  constructor (exports: CoreExports = instantiateCore()) {
    this.x = exports
    this.io = exports.io()
    this.dataCap = exports.io_cap() - IO_DATA
  }

  /**
   * The core's memory. Read it right after the call whose results it holds: a
   * pooled core (host/core-pool.ts) answers with the memory of the instance it
   * is swapped into now, which serves other badges once this one is swapped out.
   */
  get u8 (): Uint8Array { return (this.#u8 ??= new Uint8Array(this.x.memory.buffer)) }
  get i32 (): Int32Array { return (this.#i32 ??= new Int32Array(this.x.memory.buffer)) }

  /** Reads the i-th i32 of the scan-result area. */
  out (i: number): number { return this.i32[((this.io + IO_OUT) >> 2) + i] }

  /** Copies bytes into the window at offset `at`; a RangeError when they would leave it (the window is small on a badge build). */
  put (at: number, bytes: Uint8Array): void {
    const n = bytes.length
    if (at < 0 || at + n > this.dataCap + IO_DATA) throw new RangeError(`${n} bytes at ${at} leave the I/O window (${this.dataCap + IO_DATA} bytes)`)
    const u8 = this.u8
    const p = this.io + at
    // The simulator puts an address (6 bytes) and an advert (~30) for every advert heard: a loop beats set()
    // there. V8 keeps arrays of up to 64 bytes on its heap, and set() (or reading .buffer) gives such an array
    // an ArrayBuffer first (~400 ns). The loop runs backwards when the bytes may lie below their destination
    // in this same memory (byteOffset < p), so an overlapping copy is right either way, as set()'s is.
    if (n > 64) u8.set(bytes, p)
    else if (bytes.byteOffset < p) for (let i = n - 1; i >= 0; i--) u8[p + i] = bytes[i]
    else for (let i = 0; i < n; i++) u8[p + i] = bytes[i]
  }
  get (at: number, len: number): Uint8Array { return this.u8.slice(this.io + at, this.io + at + len) }
}

/**
 * Which build serves the picofeed-compatible API: the host build, unless
 * PICOBADGE_CORE=badge asks for the badge build (the test run uses it to run
 * picofeed's suite and the interop tests on what badges run, and the bench
 * to compare the two).
 */
export function feedBuild (env: string | undefined = globalThis.process?.env.PICOBADGE_CORE): CoreBuild { // no process in a browser page
  if (env === undefined || env === '' || env === 'host') return 'host'
  if (env === 'badge') return 'badge'
  throw new Error(`PICOBADGE_CORE is '${env}': it must be 'host' or 'badge'`)
}

let shared: Core | undefined
/** The process-wide core used by the picofeed-compatible API (see feedBuild). */
export function core (): Core {
  if (!shared) shared = new Core(instantiateCore(coreModule(feedBuild())))
  return shared
}
