// Power-loss testing on the simulated NOR flash: flash imports that record,
// before every program and erase of a clean run, a copy of the flash and the
// mutation itself, so a test can later replay each one with power cut.

import { NorFlash, flashImports } from '../../host/nor-flash.js'
import type { FlashImports } from '../../host/core.js'

export interface CutPoint { before: NorFlash, op: number, mutation: (f: NorFlash) => void }

export class CutRecorder {
  readonly points: CutPoint[] = []
  /** The index of the operation the workload is running: set it before each one. */
  op = 0

  constructor (readonly flash: NorFlash) {}

  /** The imports to give the core under test. */
  readonly imports = (memory: () => WebAssembly.Memory): FlashImports => {
    const f = flashImports(this.flash, memory)
    return {
      read: f.read,
      program: (addr: number, ptr: number, len: number) => {
        const data = new Uint8Array(memory().buffer, ptr, len).slice()
        this.points.push({ before: this.flash.clone(), op: this.op, mutation: g => g.program(addr, data) })
        return f.program(addr, ptr, len)
      },
      erase: (addr: number) => {
        this.points.push({ before: this.flash.clone(), op: this.op, mutation: g => g.erase(addr) })
        return f.erase(addr)
      }
    }
  }
}
