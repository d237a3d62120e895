// Where the vectors run: a core in this process, or a board over the RPC
// (docs/RPC.md). Both answer the same CALLs with results and window bytes.

import { readFileSync } from 'node:fs'
import { Core, coreWasmPath, instantiateCore } from '../core.js'
import { NorFlash, NRF52840, flashImports } from '../nor-flash.js'
import { exportSignatures, ValType } from './signatures.js'
import { Call, CallResult, RpcError, E_TRAPPED } from './frames.js'

export interface Hello { version: number, io: number, ioCap: number, memoryUsed: number, board: string }

export interface CoreTarget {
  readonly name: string
  hello (): Promise<Hello>
  call (c: Call): Promise<CallResult>
  close (): Promise<void>
}

/** Converts an i64 argument to what the export takes. */
export function toParam (v: bigint, t: ValType): number | bigint {
  if (t === 'i64') return BigInt.asIntN(64, v)
  if (t === 'i32') return Number(BigInt.asIntN(32, v))
  return Number(v)
}

/**
 * Runs a CALL on a core: writes, the export, reads. What the board's
 * dispatcher does with WAMR, and what the simulated board runs.
 */
export function runCall (core: Core, signatures: Map<string, ValType[]>, name: string, args: bigint[], writes: Array<{ offset: number, bytes: Uint8Array }>, reads: Array<{ offset: number, length: number }>): CallResult {
  const cap = core.x.io_cap()
  const inWindow = (off: number, len: number) => off >= 0 && len >= 0 && off + len <= cap
  const params = signatures.get(name)
  const fn = (core.x as unknown as Record<string, unknown>)[name]
  if (!params || typeof fn !== 'function') throw new RpcError(`no such export: ${name}`, 3)
  if (params.length !== args.length) throw new RpcError(`wrong argument count for ${name}: ${args.length}, not ${params.length}`, 4)
  for (const w of writes) { if (!inWindow(w.offset, w.bytes.length)) throw new RpcError('a range outside the I/O window', 5); core.put(w.offset, w.bytes) }
  for (const r of reads) if (!inWindow(r.offset, r.length)) throw new RpcError('a range outside the I/O window', 5)
  let raw: unknown
  try {
    raw = (fn as (...a: unknown[]) => unknown)(...args.map((a, i) => toParam(a, params[i])))
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw new RpcError(`the core trapped: ${e.message}`, E_TRAPPED)
    throw e
  }
  const result = typeof raw === 'bigint' ? raw : BigInt(raw === undefined ? 0 : raw as number)
  return { result, reads: reads.map(r => core.get(r.offset, r.length)) }
}

/**
 * A core on its own simulated flash that, like the board's firmware, drops
 * its instance after a trap and makes a fresh one (the flash part keeps
 * what was written), so both sides go on from the same state.
 */
export class RestartingCore {
  #core: Core
  readonly signatures: Map<string, ValType[]>
  readonly flash = new NorFlash(NRF52840)

  constructor (readonly wasm: Uint8Array = readFileSync(coreWasmPath())) {
    this.#core = this.#make()
    this.signatures = exportSignatures(wasm)
  }

  #make (): Core { return new Core(instantiateCore(this.wasm, { flash: m => flashImports(this.flash, m), entropy: b => b.fill(0x5a) })) }

  get core (): Core { return this.#core }

  /** Runs a CALL; after a trap, a new instance, and the trap reported as RPC error 6. */
  run (name: string, args: bigint[], writes: Array<{ offset: number, bytes: Uint8Array }>, reads: Array<{ offset: number, length: number }>): CallResult {
    try {
      return runCall(this.#core, this.signatures, name, args, writes, reads)
    } catch (e) {
      if (e instanceof RpcError && e.code === E_TRAPPED) this.#core = this.#make()
      throw e
    }
  }
}

/** A fresh core in this process, on its own simulated flash. */
export class LocalTarget implements CoreTarget {
  readonly name = 'node'
  readonly #runner: RestartingCore

  constructor (wasm: Uint8Array = readFileSync(coreWasmPath())) {
    this.#runner = new RestartingCore(wasm)
  }

  get core (): Core { return this.#runner.core }

  async hello (): Promise<Hello> {
    const x = this.core.x
    return { version: 1, io: x.io(), ioCap: x.io_cap(), memoryUsed: x.memory_used(), board: 'node' }
  }

  async call (c: Call): Promise<CallResult> {
    const io = this.core.io
    const args = c.args.map(a => typeof a === 'object' ? BigInt(io + a.io) : BigInt(a))
    return this.#runner.run(c.name, args, c.writes ?? [], c.reads ?? [])
  }

  async close (): Promise<void> {}
}
