// The parameter types of a module's exported functions, read from its
// binary (the WebAssembly JS API does not expose them): the RPC passes
// every argument as an i64 and each side converts it to what the export
// takes, as the board's firmware does with WAMR's function signatures.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64'
const TYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' }

export function exportSignatures (wasm: Uint8Array): Map<string, ValType[]> {
  return new Map([...exportFunctionTypes(wasm)].map(([name, t]) => [name, t.params]))
}

export interface FunctionType { params: ValType[], results: ValType[] }

/** Parameter and result types of every exported function. */
export function exportFunctionTypes (wasm: Uint8Array): Map<string, FunctionType> {
  let o = 8
  const leb = () => { let r = 0; let s = 0; let b; do { b = wasm[o++]; r |= (b & 0x7f) << s; s += 7 } while (b & 0x80); return r >>> 0 }
  const types: FunctionType[] = []
  const funcTypes: number[] = []
  const out = new Map<string, FunctionType>()
  while (o < wasm.length) {
    const id = wasm[o++]
    const size = leb()
    const end = o + size
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        o++ // 0x60
        const params: ValType[] = []
        const results: ValType[] = []
        for (let k = leb(); k > 0; k--) params.push(TYPES[wasm[o++]])
        for (let k = leb(); k > 0; k--) results.push(TYPES[wasm[o++]])
        types.push({ params, results })
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const n = leb(); o += n } // module, name
        const kind = wasm[o++]
        if (kind === 0) funcTypes.push(leb())
        else if (kind === 1) { o++; const f = leb(); leb(); if (f & 1) leb() } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb() } else o += 2
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) funcTypes.push(leb())
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb()
        const name = new TextDecoder().decode(wasm.subarray(o, o + len)); o += len
        const kind = wasm[o++]
        const index = leb()
        if (kind === 0) out.set(name, types[funcTypes[index]])
      }
    }
    o = end
  }
  return out
}
