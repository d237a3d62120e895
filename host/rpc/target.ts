// Where the vectors run: a core in this process, or a board over the RPC
// (docs/RPC.md). Both answer the same CALLs with results and window bytes.

import { readFileSync } from 'node:fs'
import { Core, coreWasmPath, instantiateCore } from '../core.js'
import { NorFlash, NRF52840, flashImports } from '../nor-flash.js'
import { exportSignatures, ValType } from './signatures.js'
import { Call, CallResult, RpcError } from './frames.js'

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
  if (!params || typeof fn !== 'function') throw new RpcError(`no such export: ${name}`)
  if (params.length !== args.length) throw new RpcError(`wrong argument count for ${name}: ${args.length}, not ${params.length}`)
  for (const w of writes) { if (!inWindow(w.offset, w.bytes.length)) throw new RpcError('a range outside the I/O window'); core.put(w.offset, w.bytes) }
  for (const r of reads) if (!inWindow(r.offset, r.length)) throw new RpcError('a range outside the I/O window')
  const raw = (fn as (...a: unknown[]) => unknown)(...args.map((a, i) => toParam(a, params[i])))
  const result = typeof raw === 'bigint' ? raw : BigInt(raw === undefined ? 0 : raw as number)
  return { result, reads: reads.map(r => core.get(r.offset, r.length)) }
}

/** A fresh core in this process, on its own simulated flash. */
export class LocalTarget implements CoreTarget {
  readonly name = 'node'
  readonly core: Core
  readonly #signatures: Map<string, ValType[]>

  constructor (wasm: Uint8Array = readFileSync(coreWasmPath())) {
    const flash = new NorFlash(NRF52840)
    this.core = new Core(instantiateCore(wasm, { flash: m => flashImports(flash, m), entropy: b => b.fill(0x5a) }))
    this.#signatures = exportSignatures(wasm)
  }

  async hello (): Promise<Hello> {
    const x = this.core.x
    return { version: 1, io: x.io(), ioCap: x.io_cap(), memoryUsed: x.memory_used(), board: 'node' }
  }

  async call (c: Call): Promise<CallResult> {
    const io = this.core.io
    const args = c.args.map(a => typeof a === 'object' ? BigInt(io + a.io) : BigInt(a))
    return runCall(this.core, this.#signatures, c.name, args, c.writes ?? [], c.reads ?? [])
  }

  async close (): Promise<void> {}
}
