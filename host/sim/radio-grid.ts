// Who is near whom, for the radio (shard.ts): the venue cut into square
// cells of RANGE metres, made again at each radio epoch (walkers move only
// then). A badge can hear only badges of the 3x3 cells around its own.
//
// The badges are kept sorted by cell (row by row), then by index, in flat
// arrays of indices, positions and rooms, so the three cells of one row of
// a neighbourhood are one run of the arrays: an advert walks three runs of
// numbers and touches no badge object and no map. At 4,000 badges a map of
// cells and a neighbourhood copied per cell per second were 7 % of a run.
//
// The order a neighbourhood is visited in is part of every seeded run (each
// badge in range draws a random number from the advertiser's stream): rows
// from top to bottom, in each row the cells from left to right, in each cell
// the badges by index. A cell left of column 0 or above row 0 is skipped. A
// cell right of the last column is the next row's first (cells are numbered
// row * cols + column, and the grid keeps a spare column, so only a badge
// exactly on the venue's right edge sees that cell).

import { RANGE } from './radio.js'

/** What a walker gives the grid: its position and room (venue.ts). */
export interface Placed { readonly x: number, readonly y: number, readonly room: number }

export class RadioGrid {
  /** Badges in cell order (then by index), with their positions and rooms. */
  readonly ids: Int32Array
  readonly xs: Float64Array
  readonly ys: Float64Array
  readonly rooms: Int32Array
  readonly cols: number
  /** Cells numbered 0 to cells - 1; every badge of the venue is in one. */
  readonly cells: number
  /** Per cell, where its badges start in the arrays (start[cells] is the number of badges). */
  readonly #start: Int32Array
  /** Per badge, its cell at the last fill. */
  readonly #cellOf: Int32Array

  constructor (readonly badges: number, width: number, height: number) {
    this.cols = Math.ceil(width / RANGE) + 1
    this.cells = (Math.floor(height / RANGE) + 2) * this.cols
    this.ids = new Int32Array(badges)
    this.xs = new Float64Array(badges)
    this.ys = new Float64Array(badges)
    this.rooms = new Int32Array(badges)
    this.#start = new Int32Array(this.cells + 1)
    this.#cellOf = new Int32Array(badges)
  }

  /** The cell of a position. */
  cellAt (x: number, y: number): number { return Math.floor(y / RANGE) * this.cols + Math.floor(x / RANGE) }

  /** Sorts the badges into cells by where they are now (a counting sort: stable, so by index within a cell). */
  fill (at: (i: number) => Placed): void {
    const start = this.#start
    const cellOf = this.#cellOf
    start.fill(0)
    for (let i = 0; i < this.badges; i++) {
      const p = at(i)
      const c = this.cellAt(p.x, p.y)
      // Right of the spare column a cell number would name the next row's cells: refused too.
      if (!(p.x >= 0 && p.y >= 0 && Math.floor(p.x / RANGE) < this.cols && c < this.cells)) throw new RangeError(`sim: badge ${i} at (${p.x}, ${p.y}) is outside the venue's grid`)
      cellOf[i] = c
      start[c + 1]++
    }
    for (let c = 0; c < this.cells; c++) start[c + 1] += start[c]
    // Each cell's next free place: start[c] moves up as its badges go in, then is put back.
    for (let i = 0; i < this.badges; i++) {
      const k = start[cellOf[i]]++
      const p = at(i)
      this.ids[k] = i; this.xs[k] = p.x; this.ys[k] = p.y; this.rooms[k] = p.room
    }
    for (let c = this.cells; c > 0; c--) start[c] = start[c - 1]
    start[0] = 0
  }

  /**
   * The run of the arrays that is row dy (-1, 0 or 1) of the neighbourhood of the cell at (x, y), as
   * [from, to) in `out` at 0 and 1; an empty run where that row is above the grid.
   */
  row (x: number, y: number, dy: number, out: Int32Array): void {
    const cx = Math.floor(x / RANGE)
    const cy = Math.floor(y / RANGE) + dy
    if (cy < 0) { out[0] = out[1] = 0; return }
    const first = Math.min(cy * this.cols + (cx > 0 ? cx - 1 : cx), this.cells)
    const last = Math.min(cy * this.cols + cx + 2, this.cells)
    out[0] = this.#start[first]
    out[1] = this.#start[last]
  }
}
