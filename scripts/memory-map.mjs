// Where the core's static memory goes: every memory.data table of the debug
// build (build/core.debug.wat), largest first, and the end of static data.
// Usage: node scripts/memory-map.mjs [build/core.debug.wat] [rows]
import fs from 'fs'
const wat = fs.readFileSync(process.argv[2] ?? 'build/core.debug.wat', 'utf8')
const hb = +/__heap_base i32 \(i32.const (\d+)\)/.exec(wat)[1]
const re = /^ \(global \$(\S+) i32 \(i32.const (\d+)\)\)/gm
let m, a = []
while ((m = re.exec(wat))) { const v = +m[2]; if (v >= 600 && v <= hb && !/~lib/.test(m[1])) a.push([v, m[1]]) }
a.sort((x, y) => x[0] - y[0])
const out = []
for (let i = 0; i < a.length; i++) { const next = i + 1 < a.length ? a[i + 1][0] : hb; out.push([next - a[i][0], a[i][1], a[i][0]]) }
out.sort((x, y) => y[0] - x[0])
for (const r of out.slice(0, +process.argv[3] || 60)) console.log(String(r[0]).padStart(7), r[2], r[1])
console.log('heap_base', hb)
const byFolder = new Map()
for (const [size, name] of out) { const f = name.split('/').slice(0, 2).join('/'); byFolder.set(f, (byFolder.get(f) ?? 0) + size) }
console.log('by folder:', [...byFolder].sort((a, b) => b[1] - a[1]).map(([f, s]) => `${f} ${s}`).join(', '))
