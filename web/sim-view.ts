// Draws the venue and the badges on a canvas: rooms with their walls, the
// corridor, links as lines (new ones bright), badges as dots (the post being
// followed in orange, spreading; posters ringed; cards held as a halo that
// shrinks as cards expire; hostile badges as red diamonds; badges without
// power grey). Positions are eased between the worker's pictures, so badges
// walk smoothly whatever the simulation's speed.

import { FLAG_ON, FLAG_HOSTILE, FLAG_POSTER, FLAG_SPOTLIGHT, type FrameMessage, type VenueMessage } from './sim-messages.js'

const COLORS = { wall: '#495057', room: '#f1f3f5', corridor: '#e9ecef', label: '#868e96', link: 'rgba(116,192,252,0.7)', newLink: '#1971c2', badge: '#0b6bcb', spot: '#e8590c', hostile: '#c92a2a', off: '#adb5bd', halo: 'rgba(232,89,12,0.14)' }
const PAD = 12

export class SimView {
  venue: VenueMessage | null = null
  #prev: FrameMessage | null = null
  #next: FrameMessage | null = null
  #arrived = 0
  #interval = 100
  #links = new Set<number>()
  #newLinks = new Map<number, number>()
  frames = 0

  constructor (readonly canvas: HTMLCanvasElement) {}

  setVenue (v: VenueMessage): void {
    this.venue = v
    this.#prev = this.#next = null
    this.#links.clear(); this.#newLinks.clear()
    // The canvas keeps the floor's proportions; its pixels follow its width on the page.
    const w = Math.max(320, Math.round(this.canvas.clientWidth * (globalThis.devicePixelRatio || 1)) || 900)
    this.canvas.width = w
    this.canvas.height = Math.round(PAD * 2 + (w - PAD * 2) * v.height / v.width)
  }

  push (f: FrameMessage, now: number): void {
    if (this.#next) this.#interval = Math.min(500, Math.max(16, now - this.#arrived))
    this.#prev = this.#next ?? f
    this.#next = f
    this.#arrived = now
    const seen = new Set<number>()
    for (let i = 0; i < f.links.length; i += 2) {
      const k = f.links[i] * 65536 + f.links[i + 1]
      seen.add(k)
      if (!this.#links.has(k)) this.#newLinks.set(k, now)
    }
    for (const k of this.#newLinks.keys()) if (!seen.has(k)) this.#newLinks.delete(k)
    this.#links = seen
  }

  /** Draws the picture for wall-clock time `now` (ms, performance.now()). */
  draw (now: number): void {
    const v = this.venue
    const c = this.canvas.getContext('2d')!
    c.clearRect(0, 0, this.canvas.width, this.canvas.height)
    if (!v) return
    this.frames++
    const s = (this.canvas.width - PAD * 2) / v.width
    const X = (x: number) => PAD + x * s
    const Y = (y: number) => PAD + y * s
    // The corridor along the bottom, then each room with its walls and a door onto the corridor.
    const roomsBottom = Math.max(...v.rooms.map(r => r.y + r.h))
    c.fillStyle = COLORS.corridor
    c.fillRect(X(0), Y(roomsBottom), v.width * s, (v.height - roomsBottom) * s)
    c.font = `${Math.round(Math.max(11, Math.min(16, this.canvas.width / 70)))}px system-ui, sans-serif`
    for (const r of v.rooms) {
      c.fillStyle = COLORS.room
      c.fillRect(X(r.x), Y(r.y), r.w * s, r.h * s)
      c.strokeStyle = COLORS.wall
      c.lineWidth = Math.max(1.5, s * 0.25)
      const door = Math.min(3, r.w / 4)
      c.beginPath()
      c.moveTo(X(r.x + r.w / 2 - door / 2), Y(r.y + r.h)); c.lineTo(X(r.x), Y(r.y + r.h)); c.lineTo(X(r.x), Y(r.y))
      c.lineTo(X(r.x + r.w), Y(r.y)); c.lineTo(X(r.x + r.w), Y(r.y + r.h)); c.lineTo(X(r.x + r.w / 2 + door / 2), Y(r.y + r.h))
      c.stroke()
      c.fillStyle = COLORS.label
      c.fillText(r.name, X(r.x) + 6, Y(r.y) + 18)
    }
    const f = this.#next
    if (!f) return
    const p = this.#prev ?? f
    const k = Math.min(1, (now - this.#arrived) / this.#interval)
    const n = f.xs.length
    const px = new Float32Array(n); const py = new Float32Array(n)
    for (let i = 0; i < n; i++) { px[i] = X(p.xs[i] + (f.xs[i] - p.xs[i]) * k); py[i] = Y(p.ys[i] + (f.ys[i] - p.ys[i]) * k) }
    c.lineWidth = Math.max(1, s * 0.12)
    c.strokeStyle = COLORS.link
    c.beginPath()
    for (let i = 0; i < f.links.length; i += 2) { c.moveTo(px[f.links[i]], py[f.links[i]]); c.lineTo(px[f.links[i + 1]], py[f.links[i + 1]]) }
    c.stroke()
    c.strokeStyle = COLORS.newLink
    c.lineWidth = Math.max(2, s * 0.3)
    c.beginPath()
    for (const [key, at] of this.#newLinks) {
      if (now - at > 1500) continue
      const a = Math.floor(key / 65536); const b = key % 65536
      c.moveTo(px[a], py[a]); c.lineTo(px[b], py[b])
    }
    c.stroke()
    const r = Math.max(2.5, Math.min(6, s * 0.55))
    for (let i = 0; i < n; i++) {
      if (f.cards[i] > 0 && f.flags[i] & FLAG_ON) {
        c.fillStyle = COLORS.halo
        c.beginPath(); c.arc(px[i], py[i], r + Math.min(8, 1.2 * Math.sqrt(f.cards[i]) * Math.min(2, s / 4 + 0.5)), 0, Math.PI * 2); c.fill()
      }
    }
    for (let i = 0; i < n; i++) {
      const fl = f.flags[i]
      const color = !(fl & FLAG_ON) ? COLORS.off : fl & FLAG_HOSTILE ? COLORS.hostile : fl & FLAG_SPOTLIGHT ? COLORS.spot : COLORS.badge
      c.fillStyle = color
      if (fl & FLAG_HOSTILE) {
        c.beginPath(); c.moveTo(px[i], py[i] - r * 1.4); c.lineTo(px[i] + r * 1.4, py[i]); c.lineTo(px[i], py[i] + r * 1.4); c.lineTo(px[i] - r * 1.4, py[i]); c.closePath(); c.fill()
      } else {
        c.beginPath(); c.arc(px[i], py[i], r, 0, Math.PI * 2); c.fill()
      }
      if (fl & FLAG_POSTER && !(fl & FLAG_HOSTILE)) {
        c.strokeStyle = color; c.lineWidth = 1.5
        c.beginPath(); c.arc(px[i], py[i], r + 2.5, 0, Math.PI * 2); c.stroke()
      }
    }
  }
}
