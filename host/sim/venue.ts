// The event floor: rooms, the corridors between them, and people who stay
// somewhere for a while, then walk to a spot in another room. Positions
// are in metres; walls between rooms weaken the radio (radio.ts takes the
// room of each end into account).
//
// The default floor grows with the crowd, never denser: about
// PEOPLE_PER_ROOM people a room, WING_ROOMS rooms to a wing (a hall and
// talk rooms side by side above a corridor), wings laid out in a roughly
// square grid. People walk to rooms of their own wing and of the wings
// beside it, so a walk takes minutes on a floor of any size, and news
// crosses a big floor wing by wing, in the pockets of people walking.
// A floor of at most WING_ROOMS rooms (up to 250 badges) is one wing: the
// floor every earlier version of the simulator used, draw for draw.

import { Rng } from '../rng.js'

export interface Room {
  name: string
  x: number
  y: number
  w: number
  h: number
  /** People the room is laid out for; rooms are chosen in proportion to it (default: all alike). */
  capacity?: number
}

/** A talk in a room from minute `from` to minute `to`: while it runs, the room pulls SESSION_PULL times its share of walkers. */
export interface Session { room: number, from: number, to: number }

export interface VenueOptions {
  /** Which rooms people walk to from each room (default: every other room). */
  reachable?: number[][]
  /** Corridors run below each row of rooms, one every `rowPitch` metres (default: one corridor below the whole floor). */
  rowPitch?: number
  sessions?: Session[]
}

export const CORRIDOR = -1
export const ROOM_W = 20
export const ROOM_H = 15
export const HALL_W = ROOM_W * 1.5
export const CORRIDOR_H = 5
export const PEOPLE_PER_ROOM = 25
export const WING_ROOMS = 10
export const SESSION_PULL = 4
/** Side of the buckets roomAt looks a point up in (metres). */
const BUCKET = 10

export class Venue {
  readonly rooms: Room[]
  readonly width: number
  readonly height: number
  readonly sessions: readonly Session[]
  readonly rowPitch: number | undefined
  /** Per room: the rooms its people walk to, starting with the next index and wrapping (so one draw picks the same room as (room + 1 + k) % rooms). */
  readonly #reachable: number[][]
  /** Rooms overlapping each bucket, in index order: roomAt scans a handful, not the floor. */
  readonly #buckets = new Map<number, number[]>()
  readonly #bucketCols: number
  /** Whether every room is chosen alike at every time (no capacities that differ, no sessions): then a choice is one rng.int. */
  readonly uniform: boolean

  constructor (rooms: Room[], readonly options: VenueOptions = {}) {
    const opts = options
    if (rooms.length === 0) throw new RangeError('venue: no rooms')
    this.rooms = rooms
    this.width = Math.max(...rooms.map(r => r.x + r.w))
    this.height = Math.max(...rooms.map(r => r.y + r.h)) + CORRIDOR_H
    this.sessions = opts.sessions ?? []
    this.rowPitch = opts.rowPitch
    const cap0 = rooms[0].capacity ?? PEOPLE_PER_ROOM
    this.uniform = this.sessions.length === 0 && rooms.every(r => (r.capacity ?? PEOPLE_PER_ROOM) === cap0)
    this.#reachable = rooms.map((_, i) => {
      const to = opts.reachable?.[i]
      const set = to ? new Set(to) : undefined
      const out: number[] = []
      for (let k = 1; k < rooms.length; k++) {
        const j = (i + k) % rooms.length
        if (!set || set.has(j)) out.push(j)
      }
      return out
    })
    this.#bucketCols = Math.ceil(this.width / BUCKET) + 1
    rooms.forEach((r, i) => {
      for (let by = Math.floor(r.y / BUCKET); by <= Math.floor((r.y + r.h) / BUCKET); by++) {
        for (let bx = Math.floor(r.x / BUCKET); bx <= Math.floor((r.x + r.w) / BUCKET); bx++) {
          const k = by * this.#bucketCols + bx
          let list = this.#buckets.get(k)
          if (!list) this.#buckets.set(k, list = [])
          list.push(i)
        }
      }
    })
  }

  /** A floor sized for n people: wings of a hall and talk rooms, about PEOPLE_PER_ROOM people a room (see the top of this file). */
  static forBadges (n: number): Venue {
    const count = 1 + Math.max(2, Math.ceil(n / PEOPLE_PER_ROOM) - 1)
    const wings = Math.ceil(count / WING_ROOMS)
    const wingW = HALL_W + (WING_ROOMS - 1) * ROOM_W
    const pitch = ROOM_H + CORRIDOR_H
    // Columns of wings so the floor comes out about square.
    const cols = Math.max(1, Math.round(Math.sqrt(wings * pitch / wingW)))
    const rooms: Room[] = []
    const wingOf: number[] = []
    let talk = 0
    for (let k = 0; k < count; k++) {
      const wing = Math.floor(k / WING_ROOMS)
      const j = k % WING_ROOMS
      const x0 = (wing % cols) * wingW
      const y0 = Math.floor(wing / cols) * pitch
      if (j === 0) rooms.push({ name: wing === 0 ? 'Hall' : `Hall ${wing + 1}`, x: x0, y: y0, w: HALL_W, h: ROOM_H })
      else { rooms.push({ name: `Room ${talkName(talk)}`, x: x0 + HALL_W + (j - 1) * ROOM_W, y: y0, w: ROOM_W, h: ROOM_H }); talk++ }
      wingOf.push(wing)
    }
    const near = (a: number, b: number) => Math.abs((a % cols) - (b % cols)) <= 1 && Math.abs(Math.floor(a / cols) - Math.floor(b / cols)) <= 1
    const reachable = rooms.map((_, i) => rooms.map((_, j) => j).filter(j => j !== i && near(wingOf[i], wingOf[j])))
    return new Venue(rooms, { reachable, rowPitch: pitch })
  }

  /** The room a point is in (the first by index, where rooms overlap), or CORRIDOR. */
  roomAt (x: number, y: number): number {
    const list = this.#buckets.get(Math.floor(y / BUCKET) * this.#bucketCols + Math.floor(x / BUCKET))
    if (!list) return CORRIDOR
    for (const i of list) {
      const r = this.rooms[i]
      if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return i
    }
    return CORRIDOR
  }

  spotIn (room: number, rng: Rng): [number, number] {
    const r = this.rooms[room]
    return [r.x + rng.range(1, r.w - 1), r.y + rng.range(1, r.h - 1)]
  }

  /** The rooms a person in `room` walks to next (every room but this one from the corridor). */
  reachable (room: number): readonly number[] {
    return room === CORRIDOR ? this.rooms.map((_, i) => i) : this.#reachable[room]
  }

  /** How much farther than the straight line a walk from (x, y) goes: out to the corridor and back (both ends alike). */
  detour (y: number): number {
    const corridorEnd = this.rowPitch === undefined ? this.height : (Math.floor(y / this.rowPitch) + 1) * this.rowPitch
    return 2 * Math.max(0, corridorEnd - y)
  }

  /** One of `rooms`, in proportion to capacity and to the sessions running at time t (ms); one rng.int when the venue is uniform. */
  choose (rooms: readonly number[], t: number, rng: Rng): number {
    if (this.uniform) return rooms[rng.int(rooms.length)]
    const w = rooms.map(i => (this.rooms[i].capacity ?? PEOPLE_PER_ROOM) * (this.#inSession(i, t) ? SESSION_PULL : 1))
    let x = rng.next() * w.reduce((a, b) => a + b, 0)
    for (let k = 0; k < rooms.length; k++) { x -= w[k]; if (x < 0) return rooms[k] }
    return rooms[rooms.length - 1]
  }

  #inSession (room: number, t: number): boolean {
    for (const s of this.sessions) if (s.room === room && t >= s.from * 60_000 && t < s.to * 60_000) return true
    return false
  }
}

/** A, B, …, Z, A1, B1, …: the talk rooms' letters. */
function talkName (i: number): string {
  return `${String.fromCharCode(65 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`
}

/**
 * One person's path: dwell at a spot, walk in a straight line at walking
 * speed to a spot in another room (out to the corridor and back), dwell
 * again. Positions are worked out lazily for any time not before the last asked.
 */
export class Walker {
  x: number
  y: number
  #fromX = 0; #fromY = 0; #toX = 0; #toY = 0
  #walkStart = 0; #walkEnd = 0; #dwellEnd: number
  room: number

  constructor (readonly venue: Venue, readonly rng: Rng, readonly dwellMinutes: [number, number] = [2, 10]) {
    this.room = venue.choose(venue.rooms.map((_, i) => i), 0, rng)
    ;[this.x, this.y] = venue.spotIn(this.room, rng)
    this.#dwellEnd = rng.range(0, dwellMinutes[1]) * 60_000
    this.#walkStart = this.#walkEnd = -1
  }

  /** Moves the walker to time t (ms) and returns its position. */
  at (t: number): this {
    for (;;) {
      if (t < this.#walkEnd) { // walking
        const f = (t - this.#walkStart) / (this.#walkEnd - this.#walkStart)
        this.x = this.#fromX + (this.#toX - this.#fromX) * f
        this.y = this.#fromY + (this.#toY - this.#fromY) * f
        this.room = this.venue.roomAt(this.x, this.y)
        return this
      }
      if (this.#walkEnd >= 0 && this.#dwellEnd < this.#walkEnd) { // arrived
        this.x = this.#toX; this.y = this.#toY
        this.room = this.venue.roomAt(this.x, this.y)
        this.#dwellEnd = this.#walkEnd + this.rng.range(this.dwellMinutes[0], this.dwellMinutes[1]) * 60_000
      }
      if (t < this.#dwellEnd) return this
      // Leave for another room, by the corridor.
      const to = this.venue.reachable(this.room)
      const next = to.length > 0 ? this.venue.choose(to, this.#dwellEnd, this.rng) : 0
      const [tx, ty] = this.venue.spotIn(next, this.rng)
      const d = Math.hypot(tx - this.x, ty - this.y) + this.venue.detour(this.y)
      this.#fromX = this.x; this.#fromY = this.y; this.#toX = tx; this.#toY = ty
      this.#walkStart = this.#dwellEnd
      this.#walkEnd = this.#dwellEnd + (d / this.rng.range(0.8, 1.4)) * 1000
    }
  }
}
