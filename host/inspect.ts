// Pictures of feeds and buffers for humans: picofeed's macrofilm and hexdump.

import { toHex, b2s, toU8 } from './bytes.js'

interface FeedView { keys: Uint8Array[], blocks: Array<{ genesis: boolean, key?: Uint8Array, sig: Uint8Array, psig: Uint8Array, size: number, body: Uint8Array }>, tail: number }

export function macrofilm (f: FeedView, w = 40, m = 32): string {
  const h = (w - 6) / 2
  const row = (s = ''): string => '| ' + s.padEnd(w - 4, ' ') + ' |\n'
  const row2 = (l: string, r: string): string => row(l.padEnd(h, ' ') + '| ' + r.padStart(h, ' '))
  const lb = (c = '=', t = '', b = '|'): string => b + c + t.padEnd(w - 3, c) + b + '\n'
  const stp = (w - 6) >> 2
  const refmt = (b: { genesis: boolean }): string => (b.genesis ? '🌱' : '')
  const hxa = (b: Uint8Array): string => '| ' + toHex(b).replace(/(.{2})/g, '$1 ').padEnd(stp * 3, ' ') +
    ' | ' + b2s(b).padEnd(stp, ' ') + '  |\n'
  let str = lb('-', '', '.') +
    row('FEED') +
    row(`k: ${f.keys.length} blk: ${f.blocks.length} Size: ${f.tail}b`) +
    row()
  for (const [i, b] of f.blocks.entries()) {
    str += lb('=', `[ BLOCK ${i} ]`) +
      row2('Flags: ' + refmt(b), 'Key: ' + toHex((b.key ?? new Uint8Array(0)).slice(0, 6))) +
      row2(toHex(b.sig.slice(0, h >> 2)), b.genesis ? 'GENESIS' : toHex(b.psig.slice(0, h >> 2))) +
      row2(''.padEnd(h, '_'), ''.padEnd(h, '_')) +
      row() +
      row(`Body (${b.size} bytes)`)
    for (let i = 0; i < Math.min(m, b.size); i += stp) {
      str += hxa(b.body.slice(i, Math.min(i + stp, b.size)))
    }
    str += row()
  }
  return str + lb('_')
}

/** Hex and text side by side; logs when log is a function or truthy, else returns. */
export function hexdump (bytes: unknown, log: boolean | number | ((s: string) => void) = false, width = 16): string | undefined {
  const u8 = toU8(bytes)
  let o = 0
  let out = `[Buffer] size: ${u8.length}`
  while (o < u8.length) {
    const line = u8.subarray(o, o + Math.min(width, u8.length - o))
    out += '\n' + toHex(line).replace(/(.{2})/g, '$1 ').padEnd(width * 3, ' ') +
      '\t' + b2s(line).replace(/\n/g, '.')
    o += width
  }
  if (typeof log === 'function') log(out)
  else if (log) globalThis.console?.info(out)
  else return out
  return undefined
}
