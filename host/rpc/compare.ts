// Runs the vectors on two targets (a board and Node) and says where their
// answers differ: call by call, the result and every byte read back.

import type { CoreTarget } from './target.js'
import type { Vector } from './vectors.js'
import { RpcError } from './frames.js'

export interface Difference { vector: Vector, call: number, what: string }
export interface Comparison { vectors: number, calls: number, differences: Difference[], groups: Map<string, { vectors: number, differing: number }> }

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

export async function compare (a: CoreTarget, b: CoreTarget, vectors: Vector[], progress: (done: number, total: number) => void = () => {}): Promise<Comparison> {
  const out: Comparison = { vectors: vectors.length, calls: 0, differences: [], groups: new Map() }
  for (const [n, v] of vectors.entries()) {
    const g = out.groups.get(v.group) ?? { vectors: 0, differing: 0 }
    out.groups.set(v.group, g)
    g.vectors++
    let differs = false
    for (const [i, call] of v.calls.entries()) {
      out.calls++
      const [ra, rb] = [await a.call(call).catch((e: Error) => e), await b.call(call).catch((e: Error) => e)]
      if (ra instanceof Error || rb instanceof Error) {
        if (!(ra instanceof RpcError || rb instanceof RpcError)) throw ra instanceof Error ? ra : rb
        // Both refused the same way (both trapped, say): they agree. Each has made its instance again.
        if (ra instanceof RpcError && rb instanceof RpcError && ra.code !== undefined && ra.code === rb.code) continue
        out.differences.push({ vector: v, call: i, what: `${call.name}: ${a.name} ${ra instanceof Error ? ra.message : ra.result}, ${b.name} ${rb instanceof Error ? rb.message : rb.result}` })
        differs = true
        continue
      }
      if (ra.result !== rb.result) {
        out.differences.push({ vector: v, call: i, what: `${call.name} returned ${ra.result} on ${a.name}, ${rb.result} on ${b.name}` })
        differs = true
      }
      ra.reads.forEach((bytes, k) => {
        if (hex(bytes) !== hex(rb.reads[k])) {
          out.differences.push({ vector: v, call: i, what: `${call.name}: bytes at window offset ${call.reads![k].offset} differ (${a.name} ${hex(bytes).slice(0, 32)}…, ${b.name} ${hex(rb.reads[k]).slice(0, 32)}…)` })
          differs = true
        }
      })
    }
    if (differs) g.differing++
    progress(n + 1, vectors.length)
  }
  return out
}
