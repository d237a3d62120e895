// A venue described in a small JSON file (`picobadge sim --venue FILE`;
// the format is in docs/VENUE.md). Every mistake is one line naming the
// field and what it must be; nothing else escapes (tests/venue-file.test.ts
// feeds it mangled files). No node: imports: the browser build reads it too.

import { Venue, Room, Session, PEOPLE_PER_ROOM } from './venue.js'

export class VenueError extends Error { override name = 'VenueError' }

/** Limits that keep a described floor within what the simulator's grids are sized for. */
export const VENUE_LIMITS = { rooms: 10_000, metres: 20_000, capacity: 100_000, sessions: 10_000, minutes: 7 * 24 * 60, bytes: 1 << 20 }
const MIN_SIDE = 2 // spotIn keeps a metre from every wall

const fail = (msg: string): never => { throw new VenueError(`venue: ${msg}`) }
const show = (v: unknown): string => { const s = JSON.stringify(v) ?? String(v); return s.length > 40 ? s.slice(0, 37) + '...' : s }

function num (v: unknown, where: string, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) fail(`${where} must be ${what} from ${lo} to ${hi}, not ${show(v)}`)
  return v as number
}

function keys (o: object, where: string, allowed: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where} has an unknown key ${show(k)} (${allowed.join(', ')})`)
}

function object (v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where} must be an object, not ${show(v)}`)
  return v as Record<string, unknown>
}

function array (v: unknown, where: string, min: number, max: number): unknown[] {
  if (!Array.isArray(v)) fail(`${where} must be a list, not ${show(v)}`)
  const a = v as unknown[]
  if (a.length < min || a.length > max) fail(`${where} must hold ${min} to ${max} entries, not ${a.length}`)
  return a
}

/** Reads a venue from the text of a venue file; throws VenueError (one line) on any mistake. */
export function parseVenue (text: string): Venue {
  if (text.length > VENUE_LIMITS.bytes) fail(`the file is over ${VENUE_LIMITS.bytes} bytes`)
  let doc: unknown
  try { doc = JSON.parse(text) } catch (e) { fail(`not JSON (${(e as Error).message.split('\n')[0]})`) }
  const top = object(doc, 'the file')
  keys(top, 'the file', ['rooms', 'reachable', 'sessions'])
  const rooms: Room[] = array(top.rooms, 'rooms', 1, VENUE_LIMITS.rooms).map((v, i) => {
    const where = `rooms[${i}]`
    const o = object(v, where)
    keys(o, where, ['name', 'x', 'y', 'w', 'h', 'capacity'])
    if (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > 60) fail(`${where}.name must be a name of 1 to 60 characters, not ${show(o.name)}`)
    const M = VENUE_LIMITS.metres
    const room: Room = {
      name: o.name as string,
      x: num(o.x, `${where}.x`, 0, M, 'metres'),
      y: num(o.y, `${where}.y`, 0, M, 'metres'),
      w: num(o.w, `${where}.w`, MIN_SIDE, M, 'metres'),
      h: num(o.h, `${where}.h`, MIN_SIDE, M, 'metres'),
      capacity: o.capacity === undefined ? undefined : num(o.capacity, `${where}.capacity`, 1, VENUE_LIMITS.capacity, 'a number of people')
    }
    if (room.x + room.w > M || room.y + room.h > M) fail(`${where} reaches past ${M} m`)
    if (room.capacity !== undefined && !Number.isInteger(room.capacity)) fail(`${where}.capacity must be a whole number of people, not ${room.capacity}`)
    return room
  })
  const index = new Map<string, number>()
  rooms.forEach((r, i) => { if (index.has(r.name)) fail(`rooms[${i}].name ${show(r.name)} is also rooms[${index.get(r.name)}]'s`); index.set(r.name, i) })
  // Rooms must not overlap: a point is in one room or in the corridor (sorted by x, each against those it can reach).
  const byX = rooms.map((r, i) => i).sort((a, b) => rooms[a].x - rooms[b].x)
  for (let k = 0; k < byX.length; k++) {
    const a = rooms[byX[k]]
    for (let j = k + 1; j < byX.length && rooms[byX[j]].x < a.x + a.w; j++) {
      const b = rooms[byX[j]]
      if (b.y < a.y + a.h && a.y < b.y + b.h) fail(`rooms ${show(a.name)} and ${show(b.name)} overlap`)
    }
  }
  const room = (v: unknown, where: string): number => {
    if (typeof v !== 'string' || !index.has(v)) fail(`${where} must name a room, not ${show(v)}`)
    return index.get(v as string)!
  }
  let reachable: number[][] | undefined
  if (top.reachable !== undefined) {
    const o = object(top.reachable, 'reachable')
    reachable = rooms.map(() => [])
    const given = new Set<number>()
    for (const [name, to] of Object.entries(o)) {
      const from = room(name, 'each key of reachable')
      given.add(from)
      reachable[from] = array(to, `reachable[${show(name)}]`, 1, rooms.length).map((t, j) => {
        const r = room(t, `reachable[${show(name)}][${j}]`)
        if (r === from) fail(`reachable[${show(name)}] names the room itself`)
        return r
      })
    }
    // A room missing from the map: its people walk to any other room.
    for (let i = 0; i < rooms.length; i++) if (!given.has(i)) reachable[i] = rooms.map((_, j) => j).filter(j => j !== i)
  }
  const sessions: Session[] = top.sessions === undefined
    ? []
    : array(top.sessions, 'sessions', 0, VENUE_LIMITS.sessions).map((v, i) => {
      const where = `sessions[${i}]`
      const o = object(v, where)
      keys(o, where, ['room', 'from', 'to'])
      const s = { room: room(o.room, `${where}.room`), from: num(o.from, `${where}.from`, 0, VENUE_LIMITS.minutes, 'minutes'), to: num(o.to, `${where}.to`, 0, VENUE_LIMITS.minutes, 'minutes') }
      if (s.to <= s.from) fail(`${where} ends (minute ${s.to}) before it starts (minute ${s.from})`)
      return s
    })
  return new Venue(rooms, { reachable, sessions })
}

/** How many people the venue's rooms hold (capacity, or the default floor's PEOPLE_PER_ROOM where none is given). */
export function venueCapacity (v: Venue): number {
  return v.rooms.reduce((k, r) => k + (r.capacity ?? PEOPLE_PER_ROOM), 0)
}
