// A pool of core instances shared by many badges: at most `size` instances
// of build/core-pooled.wasm (the badge build with its mutable globals
// exported, scripts/pooled-core.mjs), and a badge's whole state swapped in
// and out of them: its 64 KiB linear memory and every mutable global
// (AssemblyScript keeps top-level `let`s and the stack pointer in globals).
// A wasm instance holds nothing else that changes (its table is never
// written), so a badge cannot tell a pooled core from one of its own.
//
// Why: every instance's memory reserves ~10 GiB of address space for V8's
// trap handler, and Chromium keeps a page's memories in one 1 TiB cage, so a
// page holds about 120 instances. The simulator in a page (picobadge web)
// runs its badges on a pool and holds as many badges as it has RAM for.
//
// INVARIANT: a badge's state lives in exactly one place: its snapshot, or
// the instance it is swapped into (then its snapshot is stale and unread).
// An instance inside an export call keeps its badge until the call returns.
// Every export call and every read or write of core memory for a badge
// happens while it is swapped in: PooledCore's exports, `u8`, `i32` and
// `x.memory` swap it in first. A view taken from them is only good until
// another badge of the pool runs, so read results right after the call.
// The imports of an instance act for the badge swapped into it.

import { Core, CoreExports, CoreOptions, FlashImports, NO_FLASH, coreModule, hostImports } from './core.js'

/** The export names scripts/pooled-core.mjs gives the mutable globals, in the module's order. */
export const POOL_GLOBAL_PREFIX = 'pool.global.'

/** A badge's state while it is swapped out. */
export interface Snapshot { memory: Uint8Array, globals: Array<number | bigint> }

/** One instance of the pooled build and the badge swapped into it. */
export interface Slot {
  readonly index: number
  readonly exports: CoreExports
  readonly memory: WebAssembly.Memory
  readonly bytes: Uint8Array
  readonly u8: Uint8Array
  readonly i32: Int32Array
  readonly globals: WebAssembly.Global[]
  resident: Tenant | null
  /** Export calls under way in this instance: a slot inside a call is never given up (its badge's state is mid-change). */
  busy: number
  /** The pool's clock when the resident was last used: the least recently used slot is the one given up. */
  used: number
}

export class CorePool {
  readonly #module: WebAssembly.Module
  readonly #slots: Slot[] = []
  readonly #functions: string[]
  readonly #globals: string[]
  /** The state of an instance no badge has run yet (after the module's start function): a new badge starts from it. */
  #fresh: Snapshot | null = null
  #size: number
  #clock = 0
  /** How many times a badge's state was copied into an instance (for measurements). */
  swaps = 0

  /** At most `size` instances; fewer when the platform refuses more (see #grow). */
  constructor (size: number, module: WebAssembly.Module = coreModule('pooled')) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`core pool: ${size} instances: it takes a whole number from 1`)
    this.#size = size
    this.#module = module
    const exports = WebAssembly.Module.exports(module)
    this.#functions = exports.filter(e => e.kind === 'function').map(e => e.name)
    this.#globals = exports.filter(e => e.kind === 'global' && e.name.startsWith(POOL_GLOBAL_PREFIX)).map(e => e.name)
    if (this.#globals.length === 0) throw new Error('core pool: the module exports no globals to swap: it takes build/core-pooled.wasm (npm run build)')
  }

  /** How many instances the pool holds now. */
  get instances (): number { return this.#slots.length }

  /** A core for one badge, on this pool's instances. */
  core (options: CoreOptions = {}): Core { return new PooledCore(this, options) }

  /** The slot `core` is swapped into, swapping it in first when it is not (another badge's state goes out). */
  enter (core: Tenant): Slot {
    let slot = core.slot
    if (slot === null) {
      slot = this.#grow() ?? this.#leastRecentlyUsed()
      // The globals the instance holds now: the outgoing badge's, or a fresh instance's.
      const now = slot.resident !== null ? this.#swapOut(slot).globals : this.#fresh!.globals
      this.#load(slot, core.snapshot ?? this.#fresh!, now)
      slot.resident = core
      core.slot = slot
      this.swaps++
    }
    slot.used = ++this.#clock
    return slot
  }

  #swapOut (slot: Slot): Snapshot {
    const core = slot.resident!
    const s = (core.snapshot ??= { memory: new Uint8Array(slot.bytes.length), globals: [] })
    this.#save(slot, s)
    slot.resident = null
    core.slot = null
    return s
  }

  #save (slot: Slot, s: Snapshot): void {
    s.memory.set(slot.bytes)
    for (let i = 0; i < slot.globals.length; i++) s.globals[i] = slot.globals[i].value
  }

  /** Puts state `s` into the slot's instance, whose globals hold `now`: only the globals that differ are set (each set is a call into the engine; Object.is, so -0 and 0 differ). */
  #load (slot: Slot, s: Snapshot, now: Array<number | bigint>): void {
    // The badge build's memory is one page that never grows (docs/ABI.md): equal sizes, or the swap would lose bytes.
    if (slot.memory.buffer.byteLength !== s.memory.length) throw new Error(`core pool: an instance's memory is ${slot.memory.buffer.byteLength} bytes, a badge's state ${s.memory.length}: this build's memory grows, and a pool cannot swap it`)
    slot.bytes.set(s.memory)
    for (let i = 0; i < slot.globals.length; i++) if (!Object.is(s.globals[i], now[i])) slot.globals[i].value = s.globals[i]
  }

  #leastRecentlyUsed (): Slot {
    let best: Slot | null = null
    for (const s of this.#slots) if (s.busy === 0 && (best === null || s.used < best.used)) best = s
    // Only when an import called another badge (reentry), with every instance already inside a call.
    if (best === null) throw new Error(`core pool: all ${this.#slots.length} instances are inside a call (an import called another badge): none can be lent`)
    return best
  }

  /** A new instance while the pool has room for one; null when it is full. */
  #grow (): Slot | null {
    if (this.#slots.length >= this.#size) return null
    const index = this.#slots.length
    let instance: WebAssembly.Instance
    try {
      instance = new WebAssembly.Instance(this.#module, this.#imports(index))
    } catch (e) {
      // The platform has no room for another memory (a browser page's cage): the pool makes do with those it has.
      if (!(e instanceof RangeError) || index === 0) throw e
      this.#size = index
      return null
    }
    const exports = instance.exports as unknown as CoreExports
    const memory = exports.memory
    const slot: Slot = {
      index,
      exports,
      memory,
      bytes: new Uint8Array(memory.buffer),
      u8: new Uint8Array(memory.buffer),
      i32: new Int32Array(memory.buffer),
      globals: this.#globals.map(name => instance.exports[name] as WebAssembly.Global),
      resident: null,
      busy: 0,
      used: 0
    }
    if (this.#fresh === null) {
      this.#fresh = { memory: new Uint8Array(slot.bytes.length), globals: [] }
      this.#save(slot, this.#fresh)
    }
    this.#slots.push(slot)
    return slot
  }

  /** The imports of the index-th instance: each acts for the badge swapped into it. */
  #imports (index: number): WebAssembly.Imports {
    const resident = (): Tenant => {
      const core = this.#slots[index]?.resident
      if (!core) throw new Error('core pool: the core called its host with no badge swapped in')
      return core
    }
    const flash = (): FlashImports => resident().flashIn(this.#slots[index])
    const ref: { memory?: WebAssembly.Memory } = {}
    const imports = hostImports(ref, {
      accelerate: (sig, pk, msg) => resident().options.accelerate?.(sig, pk, msg) ?? false,
      sign: (seed, msg, out) => resident().options.sign?.(seed, msg, out) ?? false,
      entropy: buf => {
        const own = resident().options.entropy
        if (own) own(buf)
        else globalThis.crypto.getRandomValues(buf)
      },
      log: line => resident().options.log?.(line),
      flash: () => ({
        read: (addr, ptr, len) => flash().read(addr, ptr, len),
        program: (addr, ptr, len) => flash().program(addr, ptr, len),
        erase: addr => flash().erase(addr)
      })
    })
    // hostImports reads the memory through ref once the instance exists; so does every slot's.
    Object.defineProperty(ref, 'memory', { get: () => this.#slots[index].memory })
    return imports
  }

  /** The function exports of the pooled build, each swapping its badge in before the call. */
  exportsFor (core: Tenant): CoreExports {
    const x: Record<string, unknown> = {}
    for (const name of this.#functions) {
      x[name] = (...args: unknown[]) => {
        const slot = this.enter(core)
        slot.busy++
        try { return (slot.exports as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args) } finally { slot.busy-- }
      }
    }
    Object.defineProperty(x, 'memory', { get: () => this.enter(core).memory })
    return x as unknown as CoreExports
  }
}

/** One badge's place in a pool: where its state is, and what its imports do. */
export class Tenant {
  /** The slot it is swapped into, or null when its state is in `snapshot`. */
  slot: Slot | null = null
  /** Its state while swapped out; null until it is first swapped out (until then it starts fresh). */
  snapshot: Snapshot | null = null
  /** Its flash imports, one per instance it has run in (each reads and writes that instance's memory). */
  readonly #flash: Array<FlashImports | undefined> = []

  constructor (readonly options: CoreOptions) {}

  flashIn (slot: Slot): FlashImports {
    return (this.#flash[slot.index] ??= this.options.flash ? this.options.flash(() => slot.memory) : NO_FLASH)
  }
}

/** A badge's core on a pool: the Core API, with its state swapped in for every call and every look at its memory. */
export class PooledCore extends Core {
  readonly #pool: CorePool
  readonly #tenant: Tenant

  constructor (pool: CorePool, options: CoreOptions) {
    const tenant = new Tenant(options)
    super(pool.exportsFor(tenant))
    this.#pool = pool
    this.#tenant = tenant
  }

  override get u8 (): Uint8Array { return this.#pool.enter(this.#tenant).u8 }
  override get i32 (): Int32Array { return this.#pool.enter(this.#tenant).i32 }
}
