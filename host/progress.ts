// A progress bar on stderr for anything that takes time: redrawn in place
// on a terminal (with elapsed and remaining time), a line every 10%
// otherwise, so CI logs and pipes stay short.

export type ProgressSink = (label: string, fraction: number) => void

export function progressBar (stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr, now: () => number = Date.now): ProgressSink {
  const tty = stream.isTTY === true
  const start = now()
  // The time left is estimated from the rate since the first report, not since
  // start: the setup before it (compiling modules, opening ports) is not part of
  // the work left, and counting it made a 1.4 s run's first estimate "~94 s".
  // No estimate until 5% more of the work is done: before that it is noise.
  let first: { t: number, f: number } | undefined
  let lastTenth = -1
  let lastLabel = ''
  return (label, fraction) => {
    const f = Math.max(0, Math.min(1, fraction))
    if (tty) {
      const width = 30
      const done = Math.round(f * width)
      const t = now()
      first ??= { t, f }
      const elapsed = (t - start) / 1000
      const left = f - first.f >= 0.05 ? ((t - first.t) / 1000) / (f - first.f) * (1 - f) : undefined
      const line = `${label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(0)} s${f >= 1 ? '' : left === undefined ? ', estimating' : `, ~${left.toFixed(0)} s left`}`
      stream.write(`\r${line.padEnd(lastLabel.length)}`)
      lastLabel = line
      if (f >= 1) stream.write('\n')
    } else {
      const tenth = Math.floor(f * 10)
      if (tenth > lastTenth) { lastTenth = tenth; stream.write(`${(tenth * 10).toString().padStart(3)}%  ${label}\n`) }
    }
  }
}
