// The radio's grid (host/sim/radio-grid.ts) against the rule it implements,
// written out plainly: a neighbourhood is the 3x3 cells around a badge's
// cell, visited rows top to bottom, cells left to right, badges by index,
// with cells left of column 0 or above row 0 skipped. Seeded runs depend on
// that order, so it is checked badge for badge, edges of the venue included.

import { describe, it, expect } from 'vitest'
import { RadioGrid, Placed } from '../host/sim/radio-grid.js'
import { RANGE } from '../host/sim/radio.js'
import { Rng } from './support/rng.js'

/** The neighbourhood by the plain rule: a map of cell number to badges, looked up cell by cell. */
function plain (spots: Placed[], width: number, x: number, y: number): number[] {
  const cols = Math.ceil(width / RANGE) + 1
  const cells = new Map<number, number[]>()
  spots.forEach((p, i) => {
    const c = Math.floor(p.y / RANGE) * cols + Math.floor(p.x / RANGE)
    cells.set(c, [...cells.get(c) ?? [], i])
  })
  const cx = Math.floor(x / RANGE); const cy = Math.floor(y / RANGE)
  const out: number[] = []
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      if (cx + dx < 0 || cy + dy < 0) continue
      out.push(...cells.get((cy + dy) * cols + cx + dx) ?? [])
    }
  }
  return out
}

function viaGrid (g: RadioGrid, x: number, y: number): number[] {
  const run = new Int32Array(2)
  const out: number[] = []
  for (let dy = -1; dy <= 1; dy++) {
    g.row(x, y, dy, run)
    for (let k = run[0]; k < run[1]; k++) out.push(g.ids[k])
  }
  return out
}

describe('RadioGrid', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`visits every neighbourhood as the plain rule does, badge for badge (seed ${seed})`, () => {
      const rng = new Rng(seed)
      const width = 15 * (1 + rng.int(12)) + rng.pick([0, 7.5]) // sometimes a whole number of cells wide
      const height = 15 * (1 + rng.int(12)) + rng.pick([0, 3])
      const n = 1 + rng.int(400)
      // Anywhere in the venue, and often exactly on a cell's or the venue's edge.
      const coord = (max: number) => rng.pick([0, max, 15 * rng.int(Math.floor(max / 15) + 1), rng.u32() / 2 ** 32 * max])
      const spots: Array<{ x: number, y: number, room: number }> = Array.from({ length: n }, () => ({ x: coord(width), y: coord(height), room: rng.int(5) }))
      const g = new RadioGrid(n, width, height)
      g.fill(i => spots[i])
      for (let i = 0; i < n; i++) {
        const k = g.ids.indexOf(i)
        expect([g.xs[k], g.ys[k], g.rooms[k]]).toEqual([spots[i].x, spots[i].y, spots[i].room])
        expect(viaGrid(g, spots[i].x, spots[i].y), `badge ${i} at (${spots[i].x}, ${spots[i].y}) in ${width} x ${height}`).toEqual(plain(spots, width, spots[i].x, spots[i].y))
      }
      // Filled again after everyone moved: nothing of the last fill is left.
      for (const p of spots) { p.x = coord(width); p.y = coord(height) }
      g.fill(i => spots[i])
      for (let i = 0; i < n; i++) expect(viaGrid(g, spots[i].x, spots[i].y)).toEqual(plain(spots, width, spots[i].x, spots[i].y))
    })
  }

  it('refuses a badge outside the venue with its index and position', () => {
    const g = new RadioGrid(2, 30, 30)
    expect(() => g.fill(i => ({ x: i === 1 ? -1 : 5, y: 5, room: 0 }))).toThrow(/badge 1 at \(-1, 5\)/)
    expect(() => g.fill(() => ({ x: 5, y: 100, room: 0 }))).toThrow(/outside the venue/)
    expect(() => g.fill(() => ({ x: 45, y: 5, room: 0 }))).toThrow(/outside the venue/) // past the spare column: not the next row
  })
})
