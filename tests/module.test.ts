// The compiled module against its written contract, docs/ABI.md: the same
// exports with the same arity, only the documented imports, a fixed memory,
// the pinned feature set, and no allocation reachable from any export.

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { instantiateCore } from '../host/core.js'

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

  it('has a fixed 4-page memory that cannot grow, and uses what the docs say', () => {
    expect(wat).toMatch(/\(memory \$0 4 4\)/)
    const x = instantiateCore()
    expect(() => x.memory.grow(1)).toThrow()
    const used = x.memory_used as unknown as () => number
    const documented = Number(/returns? the total, ([\d,]+) bytes|reports the total, ([\d,]+) bytes/.exec(abi)!.slice(1).find(Boolean)!.replace(/,/g, ''))
    expect(used()).toBe(documented)
    expect(used()).toBeLessThanOrEqual(4 * 65536)
    expect(x.io() + x.io_cap()).toBeLessThanOrEqual(used())
  })

  it('uses only the pinned features: no SIMD, threads or reference types', () => {
    for (const token of ['v128', 'atomic', 'ref.func', 'ref.null', 'table.grow', 'memory.atomic', 'shared']) {
      expect(wat.includes(token), token).toBe(false)
    }
  })

  it('allocates only while starting: no export reaches the allocator', () => {
    // Call graph of the text form that the release build writes next to the binary.
    const calls = new Map<string, Set<string>>()
    let current = ''
    for (const line of wat.split('\n')) {
      const f = /^ \(func (\$\S+)/.exec(line)
      if (f) { current = f[1]; calls.set(current, new Set()); continue }
      const c = /\bcall (\$\S+)/.exec(line)
      if (c && current) calls.get(current)!.add(c[1].replace(/\)$/, ''))
    }
    const allocators = [...calls.keys()].filter(n => /rt\/stub\/(__alloc|__new|__realloc|maybeGrowMemory)/.test(n))
    expect(allocators.length).toBeGreaterThan(0) // the start function does allocate
    const exported = [...wat.matchAll(/\(export "[^"]+" \(func (\$\S+?)\)\)/g)].map(m => m[1])
    expect(exported.length).toBeGreaterThan(10)
    const seen = new Set<string>()
    const stack = [...exported]
    while (stack.length) {
      const fn = stack.pop()!
      if (seen.has(fn)) continue
      seen.add(fn)
      for (const callee of calls.get(fn) ?? []) stack.push(callee)
    }
    for (const a of allocators) expect(seen.has(a), `${a} reachable from an export`).toBe(false)
    // memory.grow appears only inside the allocator.
    const grows = wat.split(/\n \(func /).filter(body => body.includes('memory.grow')).map(b => b.split(/\s/)[0])
    for (const g of grows) expect(allocators).toContain(g)
  })
})
