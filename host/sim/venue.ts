// The event floor: talk rooms side by side along a corridor, a bigger hall
// at one end, and people who stay somewhere for a while, then walk to a
// spot in another room. Positions are in metres; walls between rooms
// weaken the radio (radio.ts takes the room of each end into account).

import { Rng } from '../rng.js'

export interface Room { name: string, x: number, y: number, w: number, h: number }

export const CORRIDOR = -1
const ROOM_W = 20
const ROOM_H = 15
const CORRIDOR_H = 5
const PEOPLE_PER_ROOM = 25

export class Venue {
  readonly rooms: Room[]
  readonly width: number
  readonly height: number

  constructor (rooms: Room[]) {
    this.rooms = rooms
    this.width = Math.max(...rooms.map(r => r.x + r.w))
    this.height = Math.max(...rooms.map(r => r.y + r.h)) + CORRIDOR_H
  }

  /** A floor sized for n people: a hall and talk rooms of about PEOPLE_PER_ROOM each, along a corridor. */
  static forBadges (n: number): Venue {
    const talks = Math.max(2, Math.ceil(n / PEOPLE_PER_ROOM) - 1)
    const rooms: Room[] = [{ name: 'Hall', x: 0, y: 0, w: ROOM_W * 1.5, h: ROOM_H }]
    for (let i = 0; i < talks; i++) rooms.push({ name: `Room ${String.fromCharCode(65 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`, x: ROOM_W * 1.5 + i * ROOM_W, y: 0, w: ROOM_W, h: ROOM_H })
    return new Venue(rooms)
  }

  /** The room a point is in, or CORRIDOR. */
  roomAt (x: number, y: number): number {
    for (let i = 0; i < this.rooms.length; i++) {
      const r = this.rooms[i]
      if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return i
    }
    return CORRIDOR
  }

  spotIn (room: number, rng: Rng): [number, number] {
    const r = this.rooms[room]
    return [r.x + rng.range(1, r.w - 1), r.y + rng.range(1, r.h - 1)]
  }
}

/**
 * One person's path: dwell at a spot, walk in a straight line at walking
 * speed to a spot in another room (down the corridor), dwell again.
 * Positions are worked out lazily for any time not before the last asked.
 */
export class Walker {
  x: number
  y: number
  #fromX = 0; #fromY = 0; #toX = 0; #toY = 0
  #walkStart = 0; #walkEnd = 0; #dwellEnd: number
  room: number

  constructor (readonly venue: Venue, readonly rng: Rng, readonly dwellMinutes: [number, number] = [2, 10]) {
    this.room = rng.int(venue.rooms.length)
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
      const rooms = this.venue.rooms.length
      const next = rooms > 1 ? (this.room + 1 + this.rng.int(rooms - 1)) % rooms : 0
      const [tx, ty] = this.venue.spotIn(next, this.rng)
      const d = Math.hypot(tx - this.x, ty - this.y) + 2 * (this.venue.height - this.y)
      this.#fromX = this.x; this.#fromY = this.y; this.#toX = tx; this.#toY = ty
      this.#walkStart = this.#dwellEnd
      this.#walkEnd = this.#dwellEnd + (d / this.rng.range(0.8, 1.4)) * 1000
    }
  }
}
