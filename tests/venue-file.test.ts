// The --venue file parser (host/sim/venue-file.ts), like every input
// parser: random valid floors read back as written, mangled files give one
// clear line (a VenueError) and nothing else, and the default floor grows
// by wings at the same density.

import { describe, it, expect } from 'vitest'
import { parseVenue, VenueError, venueCapacity } from '../host/sim/venue-file.js'
import { Venue, Walker, CORRIDOR, PEOPLE_PER_ROOM, WING_ROOMS } from '../host/sim/venue.js'
import { MeshSimulator } from '../host/sim/mesh.js'
import { Rng } from '../host/rng.js'

/** A random floor of non-overlapping rooms on a grid of 25 m cells, as a venue file's object. */
function randomFloor (rng: Rng): { rooms: Array<Record<string, unknown>>, reachable?: Record<string, string[]>, sessions?: Array<Record<string, unknown>> } {
  const n = 1 + rng.int(12)
  const cells = [...Array(40).keys()].sort(() => rng.next() - 0.5).slice(0, n)
  const rooms = cells.map((c, i) => {
    const r: Record<string, unknown> = { name: `room ${i}`, x: (c % 8) * 25, y: Math.floor(c / 8) * 25, w: 2 + rng.int(23), h: 2 + rng.int(23) }
    if (rng.chance(0.5)) r.capacity = 1 + rng.int(80)
    return r
  })
  const out: ReturnType<typeof randomFloor> = { rooms }
  if (n > 1 && rng.chance(0.5)) {
    out.reachable = {}
    for (let i = 0; i < n; i++) if (rng.chance(0.6)) out.reachable[`room ${i}`] = [`room ${(i + 1 + rng.int(n - 1)) % n}`]
  }
  if (rng.chance(0.5)) out.sessions = Array.from({ length: rng.int(4) }, () => { const from = rng.int(60); return { room: `room ${rng.int(n)}`, from, to: from + 1 + rng.int(30) } })
  return out
}

/** The one thing parseVenue may throw: a VenueError of one line. */
function parsesOrExplains (text: string): Venue | string {
  try {
    return parseVenue(text)
  } catch (e) {
    expect(e, `input ${text.slice(0, 200)}`).toBeInstanceOf(VenueError)
    const msg = (e as Error).message
    expect(msg).toMatch(/^venue: \S/)
    expect(msg).not.toContain('\n')
    return msg
  }
}

const JUNK: unknown[] = [null, true, -1, 0, 1e9, NaN, 'x', '', [], {}, [1], { a: 1 }, 2.5, 'room 0', ['room 0']]

describe('venue files (--venue)', () => {
  it('reads random valid floors back as written', () => {
    const rng = new Rng(1)
    for (let k = 0; k < 300; k++) {
      const f = randomFloor(rng)
      const v = parseVenue(JSON.stringify(f))
      expect(v.rooms.map(r => r.name)).toEqual(f.rooms.map(r => r.name))
      expect(v.rooms.map(r => [r.x, r.y, r.w, r.h, r.capacity])).toEqual(f.rooms.map(r => [r.x, r.y, r.w, r.h, r.capacity]))
      expect(v.sessions.length).toBe(f.sessions?.length ?? 0)
      for (const [name, to] of Object.entries(f.reachable ?? {})) expect(v.reachable(Number(name.split(' ')[1])).map(i => v.rooms[i].name)).toEqual(to)
      // Every spot people stand at is in its room, and found there.
      for (let i = 0; i < v.rooms.length; i++) {
        const [x, y] = v.spotIn(i, rng)
        expect(v.roomAt(x, y)).toBe(i)
      }
    }
  })

  it('explains mangled files in one line, and throws nothing else', () => {
    const rng = new Rng(2)
    let explained = 0
    for (let k = 0; k < 1500; k++) {
      const f = randomFloor(rng) as Record<string, unknown>
      // A structural mutation: a field, an entry or the whole of something replaced by junk, or a key made up.
      const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [[f, 'rooms'], [f, 'reachable'], [f, 'sessions'], [f, 'extra']]
      for (const r of f.rooms as Array<Record<string, unknown>>) for (const key of ['name', 'x', 'y', 'w', 'h', 'capacity', 'door']) paths.push([r, key])
      for (const s of (f.sessions ?? []) as Array<Record<string, unknown>>) for (const key of ['room', 'from', 'to']) paths.push([s, key])
      for (const list of [f.rooms, f.sessions] as unknown[][]) for (let i = 0; i < (list?.length ?? 0); i++) paths.push([list, i])
      for (const [name, to] of Object.entries((f.reachable ?? {}) as Record<string, string[]>)) { paths.push([f.reachable as Record<string, unknown>, name]); paths.push([to, 0]) }
      const [obj, key] = rng.pick(paths)
      ;(obj as Record<string | number, unknown>)[key] = rng.pick(JUNK)
      let text = JSON.stringify(f)
      // And sometimes the bytes themselves: a cut, a stray character, a swapped one.
      if (rng.chance(0.3)) {
        const at = rng.int(text.length)
        const op = rng.int(3)
        text = op === 0 ? text.slice(0, at) : op === 1 ? text.slice(0, at) + rng.pick(['{', '"', ',', ']', '0', '-']) + text.slice(at) : text.slice(0, at) + text.slice(at + 1)
      }
      if (typeof parsesOrExplains(text) === 'string') explained++
    }
    expect(explained).toBeGreaterThan(500)
  })

  it('names the field and what it must be', () => {
    const room = { name: 'A', x: 0, y: 0, w: 10, h: 10 }
    const cases: Array<[unknown, RegExp]> = [
      ['nope', /not JSON/],
      [[], /the file must be an object/],
      [{ rooms: [] }, /rooms must hold 1 to/],
      [{ rooms: [room], hall: 1 }, /unknown key "hall"/],
      [{ rooms: [{ ...room, w: 'ten' }] }, /rooms\[0\]\.w must be metres from 2/],
      [{ rooms: [{ ...room, x: -3 }] }, /rooms\[0\]\.x must be metres from 0/],
      [{ rooms: [{ ...room, capacity: 2.5 }] }, /rooms\[0\]\.capacity must be a whole number/],
      [{ rooms: [room, { ...room, name: 'B', x: 5 }] }, /rooms "A" and "B" overlap/],
      [{ rooms: [room, { ...room, x: 20 }] }, /rooms\[1\]\.name "A" is also rooms\[0\]'s/],
      [{ rooms: [room], sessions: [{ room: 'B', from: 0, to: 5 }] }, /sessions\[0\]\.room must name a room, not "B"/],
      [{ rooms: [room], sessions: [{ room: 'A', from: 5, to: 5 }] }, /sessions\[0\] ends \(minute 5\) before it starts/],
      [{ rooms: [room, { ...room, name: 'B', x: 20 }], reachable: { A: ['A'] } }, /names the room itself/],
      [{ rooms: [room, { ...room, name: 'B', x: 20 }], reachable: { A: [] } }, /reachable\["A"\] must hold 1 to/]
    ]
    for (const [doc, re] of cases) {
      const msg = parsesOrExplains(typeof doc === 'string' ? doc : JSON.stringify(doc))
      expect(msg, JSON.stringify(doc)).toMatch(re)
    }
  })

  it('grows the default floor by wings at the same density: more rooms, not a fuller one', () => {
    for (const n of [100, 250, 1000, 10_000]) {
      const v = Venue.forBadges(n)
      expect(venueCapacity(v) / n).toBeGreaterThanOrEqual(1)
      expect(venueCapacity(v) / n).toBeLessThan(1.1 + 3 * PEOPLE_PER_ROOM / n)
      // People walk within a few wings: never across a big floor.
      for (let i = 0; i < v.rooms.length; i += 7) expect(v.reachable(i).length).toBeLessThanOrEqual(9 * WING_ROOMS)
      if (n <= 250) expect(v.reachable(0).length).toBe(v.rooms.length - 1) // one wing: the floor of earlier versions
    }
    const big = Venue.forBadges(10_000)
    expect(big.width / big.height).toBeGreaterThan(0.5)
    expect(big.width / big.height).toBeLessThan(2)
  })

  it('runs an event on a described floor, its people in its rooms', () => {
    const v = parseVenue(JSON.stringify({
      rooms: [{ name: 'Hall', x: 0, y: 0, w: 30, h: 20, capacity: 40 }, { name: 'Lab', x: 30, y: 0, w: 12, h: 12, capacity: 10 }],
      sessions: [{ room: 'Lab', from: 1, to: 3 }]
    }))
    const sim = new MeshSimulator({ badges: 20, minutes: 3, seed: 2, venue: v }).run()
    for (const n of sim.nodes) if (n.walker.room !== CORRIDOR) expect(v.roomAt(n.walker.x, n.walker.y)).toBe(n.walker.room)
    // Walkers start by capacity (no session at minute 0): over many of them, the hall gets about four fifths.
    const rng = new Rng(3)
    let hall = 0
    for (let i = 0; i < 2000; i++) if (new Walker(v, rng).room === 0) hall++
    expect(hall / 2000).toBeGreaterThan(0.75)
    expect(hall / 2000).toBeLessThan(0.85)
  })
})
