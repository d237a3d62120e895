#!/usr/bin/env node
// Where the core's static memory goes. The debug build (build/core.debug.wat)
// writes every `memory.data` table as its own data segment, and names the
// global that holds its address; segments without such a name are literals,
// strings, and the few tables placed through a call (SHA-512 contexts). Usage:
//   node scripts/memory-map.mjs [build/core.debug.wat] [rows]
// docs/ABI.md's memory table is this map by folder (tests/module.test.ts).
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Names of the globals the sources declare with memory.data, as the debug build spells them. */
export function memoryDataNames (dir = join(root, 'assembly')) {
  const names = new Set()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) { if (entry.name !== '__tests__') for (const n of memoryDataNames(path)) names.add(n); continue }
    if (!entry.name.endsWith('.ts')) continue
    const file = relative(root, path).replace(/\\/g, '/').replace(/\.ts$/, '')
    for (const m of readFileSync(path, 'utf8').matchAll(/(?:const|let)\s+(\w+)\s*(?::\s*\w+)?\s*=\s*(?:[\w.]+(?:<\w+>)?\()?memory\.data\b/g)) names.add(`${file}/${m[1]}`)
  }
  return names
}

/** Byte length of a WAT string literal's contents. */
function literalLength (s) {
  let n = 0
  for (let i = 0; i < s.length; i++, n++) if (s[i] === '\\') i += /[0-9a-fA-F]/.test(s[i + 1]) ? 2 : 1
  return n
}

const UNNAMED = 'unnamed data (constants, strings, SHA-512 contexts)'

/** Tables ({ name, addr, size }), bytes by folder, and the end of static data. */
export function staticLayout (wat, declared = memoryDataNames()) {
  const end = Number(/__heap_base i32 \(i32.const (\d+)\)/.exec(wat)[1])
  const segments = [...wat.matchAll(/^ \(data \$\S+ \(i32.const (\d+)\) "(.*)"\)$/gm)].map(m => ({ addr: Number(m[1]), size: literalLength(m[2]) }))
  const names = new Map()
  for (const m of wat.matchAll(/^ \(global \$(\S+) i32 \(i32.const (\d+)\)\)/gm)) {
    if (declared.has(m[1])) names.set(Number(m[2]), m[1])
  }
  const tables = segments.map(s => ({ name: names.get(s.addr) ?? UNNAMED, ...s }))
  const byFolder = new Map()
  for (const t of tables) {
    const folder = t.name === UNNAMED ? t.name : t.name.split('/').slice(0, 2).join('/') + '/'
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + t.size)
  }
  return { tables, byFolder, end }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { tables, byFolder, end } = staticLayout(readFileSync(process.argv[2] ?? 'build/core.debug.wat', 'utf8'))
  for (const t of [...tables].sort((a, b) => b.size - a.size).slice(0, Number(process.argv[3] ?? 60))) {
    console.log(String(t.size).padStart(7), String(t.addr).padStart(7), t.name)
  }
  console.log('by folder:', [...byFolder].sort((a, b) => b[1] - a[1]).map(([f, s]) => `${f} ${s}`).join(', '))
  console.log('end of static data:', end)
}
