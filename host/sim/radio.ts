// The Bluetooth LE model: what a badge's radio can and cannot do, with
// numbers from the specification and common controller defaults.
//   - Range and loss: a packet at distance d (metres; a wall between rooms
//     counts as WALL_FACTOR times the distance) is lost with a probability
//     rising steeply towards RANGE, and always beyond it.
//   - Advertising: a legacy advertisement every ADV_INTERVAL plus the
//     spec's 0–10 ms random delay. Scanners listen SCAN_DUTY of the time
//     and filter duplicates (an unchanged advertisement from the same
//     address is reported once per DUP_FILTER_RESET, as NimBLE and Zephyr
//     do between scan restarts).
//   - Connections: set-up waits for the target's next advertisement plus
//     CONNECT_SETUP; each badge's controller holds at most MAX_CONNECTIONS
//     (NimBLE's default); a link breaks when its ends move out of range.
//   - Throughput: one connection event every CONN_INTERVAL carries up to
//     PACKETS_PER_EVENT packets each way at 1 Mbit/s; the link layer
//     retransmits, so frames on a live link arrive in order and intact.
//   - Latency: nothing a badge sends reaches another's host sooner than
//     REPORT_DELAY: an advertising event on three channels and the
//     controller's report, a CONNECT_IND and its first connection event.
//     A badge hears that a link ended at the link's next connection event
//     (CONN_INTERVAL), or when it walks out of range (both ends at once).
//     So the simulator's shards may run REPORT_DELAY apart (shard.ts).

export const RANGE = 15
export const WALL_FACTOR = 1.6
export const ADV_INTERVAL = 1000
export const ADV_JITTER = 10
export const SCAN_DUTY = 0.3
export const DUP_FILTER_RESET = 10_000
export const CONNECT_SETUP = [40, 120] as const
export const MAX_CONNECTIONS = 3
export const CONN_INTERVAL = 30
export const REPORT_DELAY = 5
export const PACKETS_PER_EVENT = 4
export const PHY_BYTES_PER_MS = 125 // 1 Mbit/s
/** Bytes a data packet adds to its ATT payload on air: preamble, access address, LL header, MIC, CRC (14), L2CAP (4), ATT (3). */
export const FRAME_OVERHEAD = 21
/** Bytes an advertising packet adds to its data: preamble, access address, header, advertiser address, CRC. */
export const ADV_OVERHEAD = 16
export const ADV_CHANNELS = 3

/** Probability that one packet at effective distance d is lost. */
export function lossAt (d: number): number {
  if (d >= RANGE) return 1
  const f = d / RANGE
  return 0.02 + 0.9 * f * f * f * f
}

/** Effective distance: the straight line, stretched when a wall is in between. */
export function effectiveDistance (dx: number, dy: number, sameRoom: boolean): number {
  const d = Math.sqrt(dx * dx + dy * dy)
  return sameRoom ? d : d * WALL_FACTOR
}

/** Time a frame of n payload bytes occupies a link direction, in ms. */
export function frameTime (n: number): number {
  return CONN_INTERVAL / PACKETS_PER_EVENT + (n + FRAME_OVERHEAD) / PHY_BYTES_PER_MS
}
