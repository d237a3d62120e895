// host/progress.ts: the time-left estimate on a terminal. A run of 1.4 s
// whose first report comes after 0.94 s of setup once said "~94 s left".

import { describe, it, expect } from 'vitest'
import { progressBar } from '../host/progress.js'

describe('progressBar', () => {
  it('estimates the time left from the work\'s own rate, never from the setup before it', () => {
    const lines: string[] = []
    const stream = Object.assign({ write: (s: string) => { lines.push(s); return true } }, { isTTY: true }) as unknown as NodeJS.WritableStream & { isTTY: boolean }
    let t = 0
    const bar = progressBar(stream, () => t)
    // A clock set by hand: 940 ms of setup, then 1% of the work every 4.6 ms (1.4 s in all).
    for (let k = 1; k <= 100; k++) { t = 940 + (k - 1) * 4.6; bar('simulating', k / 100) }
    const estimates = lines.map(l => /~(\d+) s left/.exec(l)).filter(m => m !== null).map(m => Number(m![1]))
    expect(lines[0]).toMatch(/estimating/)
    expect(estimates.length).toBeGreaterThan(50)
    expect(Math.max(...estimates)).toBeLessThanOrEqual(1)
    expect(lines.at(-2)).not.toMatch(/left|estimating/) // the finished bar
  })
})
