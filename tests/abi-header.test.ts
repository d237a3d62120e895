// boards/include/picobadge_abi.h, the ABI in C for firmware, held to the
// compiled module (every export with its WAMR signature, every import) and
// to docs/ABI.md (every error code).

import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { exportFunctionTypes } from '../host/rpc/signatures.js'
import { hostImports } from '../host/core.js'
import { NorFlash, NRF52840, flashImports } from '../host/nor-flash.js'

const at = (rel: string) => fileURLToPath(new URL(rel, import.meta.url))
const header = readFileSync(at('../boards/include/picobadge_abi.h'), 'utf8')
const wasm = readFileSync(at('../build/core.wasm'))
const abi = readFileSync(at('../docs/ABI.md'), 'utf8')
const CHAR = { i32: 'i', i64: 'I', f32: 'f', f64: 'F' } as const

describe('boards/include/picobadge_abi.h', () => {
  it('lists every export of core.wasm with its WAMR signature, and nothing else', () => {
    const declared = new Map([...header.matchAll(/PICOBADGE_EXPORT\((\w+), "(\([^)]*\)[iIfF]?)"\)/g)].map(m => [m[1], m[2]]))
    const actual = new Map([...exportFunctionTypes(wasm)].map(([name, t]) => [name, `(${t.params.map(p => CHAR[p]).join('')})${t.results.map(r => CHAR[r]).join('')}`]))
    expect(declared.size).toBeGreaterThan(40)
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(actual))
  })

  it('lists every import the module needs, with as many arguments as the host gives it', () => {
    const declared = [...header.matchAll(/PICOBADGE_IMPORT\((\w+), (\w+), "\(([^)]*)\)/g)].map(m => ({ name: `${m[1]}.${m[2]}`, arity: m[3].replace(/~/g, 'x').length }))
    const actual = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map(i => `${i.module}.${i.name}`).sort()
    expect(declared.map(d => d.name).sort()).toEqual(actual)
    const host = hostImports({}, { flash: m => flashImports(new NorFlash(NRF52840), m), accelerate: () => false, sign: () => false }) as Record<string, Record<string, Function>>
    for (const d of declared) {
      const [mod, name] = d.name.split('.')
      expect(host[mod][name].length, d.name).toBe(d.arity)
    }
  })

  it('puts every import in env, and gives a pointer WAMR\'s * only with its length after it (*~)', () => {
    for (const m of header.matchAll(/PICOBADGE_IMPORT\((\w+), (\w+), "\(([^)]*)\)/g)) {
      expect(m[1], m[2]).toBe('env')
      expect(m[3].replace(/\*~/g, ''), `${m[2]}: a bare * checks one byte`).not.toContain('*')
    }
    for (const i of WebAssembly.Module.imports(new WebAssembly.Module(wasm))) expect(i.module).toBe('env')
  })

  it('states the module\'s memory: PICOBADGE_MEMORY_PAGES pages, minimum = maximum', () => {
    const pages = Number(/#define PICOBADGE_MEMORY_PAGES (\d+)/.exec(header)![1])
    const wat = readFileSync(at('../build/core.wat'), 'utf8')
    expect(wat).toContain(`(memory $0 ${pages} ${pages})`)
  })

  it('has the error codes of docs/ABI.md, no more and no fewer', () => {
    const declared = [...header.matchAll(/PB_E_\w+ = (-\d+),/g)].map(m => Number(m[1])).sort((a, b) => a - b)
    const documented = [...abi.matchAll(/^\| (-\d+) \|/gm)].map(m => Number(m[1])).sort((a, b) => a - b)
    expect(declared).toEqual(documented)
    // The header's version is the document's (MAJOR.MINOR).
    const [, major, minor] = /Version: \*\*(\d+)\.(\d+)\*\*/.exec(abi)!
    expect(header).toMatch(new RegExp(`PICOBADGE_ABI_VERSION_MAJOR ${major}\\b`))
    expect(header).toMatch(new RegExp(`PICOBADGE_ABI_VERSION_MINOR ${minor}\\b`))
  })

  const cc = spawnSync('cc', ['--version']).status === 0
  it.skipIf(!cc)('compiles as C11 and its status struct is the 80 bytes badge_status writes (skipped without a C compiler)', () => {
    const probe = `#include "picobadge_abi.h"\n_Static_assert(sizeof(struct picobadge_status) == 80, "status layout");\nint main(void) { return PB_E_RANGE == -1 ? 0 : 1; }\n`
    const r = spawnSync('cc', ['-std=c11', '-Wall', '-Werror', '-fsyntax-only', '-I', at('../boards/include'), '-x', 'c', '-'], { input: probe, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
