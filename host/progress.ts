// A progress bar on stderr for anything that takes time: redrawn in place
// on a terminal (with elapsed and remaining time), a line every 10%
// otherwise, so CI logs and pipes stay short.

export type ProgressSink = (label: string, fraction: number) => void

export function progressBar (stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): ProgressSink {
  const tty = stream.isTTY === true
  const start = Date.now()
  let lastTenth = -1
  let lastLabel = ''
  return (label, fraction) => {
    const f = Math.max(0, Math.min(1, fraction))
    if (tty) {
      const width = 30
      const done = Math.round(f * width)
      const elapsed = (Date.now() - start) / 1000
      const left = f > 0 ? elapsed / f - elapsed : 0
      const line = `${label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(0)} s, ~${left.toFixed(0)} s left`
      stream.write(`\r${line.padEnd(lastLabel.length)}`)
      lastLabel = line
      if (f >= 1) stream.write('\n')
    } else {
      const tenth = Math.floor(f * 10)
      if (tenth > lastTenth) { lastTenth = tenth; stream.write(`${(tenth * 10).toString().padStart(3)}%  ${label}\n`) }
    }
  }
}
