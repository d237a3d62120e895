// The compiled module against its written contract, docs/ABI.md: the same
// exports with the same arity, only the documented imports, a fixed memory,
// the pinned feature set, and no allocation reachable from any export.

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { instantiateCore } from '../host/core.js'
import { staticLayout } from '../scripts/memory-map.mjs'

const at = (rel: string) => fileURLToPath(new URL(rel, import.meta.url))
const abi = readFileSync(at('../docs/ABI.md'), 'utf8')
const wasm = readFileSync(at('../build/core.wasm'))
const wat = readFileSync(at('../build/core.wat'), 'utf8')
const module = new WebAssembly.Module(wasm)

/** Rows of the markdown table that follows a heading. */
function table (heading: string): string[][] {
  const start = abi.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`docs/ABI.md has no "${heading}"`)
  const rows: string[][] = []
  let seen = false
  for (const line of abi.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) { seen = true; rows.push(line.split('|').slice(1, -1).map(c => c.trim())) } else if (seen) break
  }
  return rows.slice(2) // header and separator
}

/** `name(a, b)` or `name()` in the first column, arity from the signature column. */
function documentedExports (): Map<string, number> {
  const out = new Map<string, number>()
  for (const [call, sig] of table('## Exports')) {
    const m = /^`([a-z0-9_]+)\(([^)]*)\)`$/.exec(call)
    if (!m) throw new Error(`unparsable export row: ${call}`)
    const params = /^`\(([^)]*)\)/.exec(sig)
    const arity = params ? params[1].split(',').filter(s => s.trim()).length : 0
    expect(arity, `${m[1]}: signature and call agree`).toBe(m[2].split(',').filter(s => s.trim()).length)
    out.set(m[1], arity)
  }
  return out
}

describe('build/core.wasm against docs/ABI.md', () => {
  it('exports exactly the documented functions, with the documented arity, and its memory', () => {
    const documented = documentedExports()
    const x = instantiateCore() as unknown as Record<string, unknown>
    const actual = WebAssembly.Module.exports(module)
    expect(actual.filter(e => e.kind === 'function').map(e => e.name).sort()).toEqual([...documented.keys()].sort())
    expect(actual.filter(e => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }])
    for (const [name, arity] of documented) expect((x[name] as Function).length, name).toBe(arity)
  })

  it('imports only what the Imports table lists', () => {
    const documented = table('## Imports').map(([name]) => name.replace(/`/g, '')).sort()
    const actual = WebAssembly.Module.imports(module).map(i => `${i.module}.${i.name}`).sort()
    expect(actual).toEqual(documented)
  })

  it('has one 64 KiB page, minimum = maximum, no memory.grow, and uses what the docs say', () => {
    expect(wat).toMatch(/\(memory \$0 1 1\)/)
    expect(wat.includes('memory.grow')).toBe(false)
    const x = instantiateCore()
    expect(() => x.memory.grow(1)).toThrow()
    const used = x.memory_used as unknown as () => number
    const documented = Number(/returns? the total, ([\d,]+)\s+bytes|reports the total, ([\d,]+)\s+bytes/.exec(abi)!.slice(1).find(Boolean)!.replace(/,/g, ''))
    expect(used()).toBe(documented)
    expect(used()).toBeLessThanOrEqual(60 * 1024)
    expect(x.io() + x.io_cap()).toBeLessThanOrEqual(used())
  })

  it('lays out every table at compile time: docs/ABI.md\'s memory table is the static layout by folder', () => {
    const rows = new Map(table('### Where the bytes go').map(([what, bytes]) => [what.replace(/`/g, ''), Number(bytes.replace(/,/g, ''))]))
    const layout = staticLayout(readFileSync(at('../build/core.debug.wat'), 'utf8'))
    for (const [folder, bytes] of layout.byFolder) expect(rows.get(folder), folder).toBe(bytes)
    const tables = [...layout.byFolder.values()].reduce((a, b) => a + b, 0)
    expect(rows.get('alignment between tables')).toBe(layout.end - tables)
    expect(rows.get('total (debug build)')).toBe(layout.end)
    expect(rows.size).toBe(layout.byFolder.size + 2)
  })

  it('uses only the pinned features: no SIMD, threads or reference types', () => {
    for (const token of ['v128', 'atomic', 'ref.func', 'ref.null', 'table.grow', 'memory.atomic', 'shared']) {
      expect(wat.includes(token), token).toBe(false)
    }
  })

  it('never allocates: the runtime\'s allocator is not in the module, and memory_used() is the end of static data', () => {
    for (const name of ['__alloc', '__new', '__realloc', 'maybeGrowMemory']) expect(wat.includes(`rt/stub/${name}`), name).toBe(false)
    // The debug build lays data out as the release build does (asconfig's memoryBase), and names __heap_base.
    const heapBase = Number(/__heap_base i32 \(i32.const (\d+)\)/.exec(readFileSync(at('../build/core.debug.wat'), 'utf8'))![1])
    expect(instantiateCore().memory_used()).toBe(heapBase)
  })

  it('has a host build with the same exports and imports and no memory.grow either', () => {
    const host = new WebAssembly.Module(readFileSync(at('../build/core-host.wasm')))
    const names = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map(e => `${e.kind}:${e.name}`).sort()
    expect(names(host)).toEqual(names(module))
    const imports = (m: WebAssembly.Module) => WebAssembly.Module.imports(m).map(i => `${i.module}.${i.name}:${i.kind}`).sort()
    expect(imports(host)).toEqual(imports(module))
    expect(readFileSync(at('../build/core-host.wat'), 'utf8').includes('memory.grow')).toBe(false)
  })
})
