// A progress bar on stderr for long runs: redrawn in place on a terminal,
// a line every 10% otherwise (CI logs stay short).

export function progressBar (label: string, stream: NodeJS.WriteStream = process.stderr): (fraction: number) => void {
  const tty = stream.isTTY === true
  let lastTenth = -1
  const start = Date.now()
  return (fraction: number) => {
    const f = Math.max(0, Math.min(1, fraction))
    if (tty) {
      const width = 30
      const done = Math.round(f * width)
      const elapsed = (Date.now() - start) / 1000
      const eta = f > 0 ? elapsed / f - elapsed : 0
      stream.write(`\r${label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left `)
      if (f >= 1) stream.write('\n')
    } else {
      const tenth = Math.floor(f * 10)
      if (tenth > lastTenth) { lastTenth = tenth; stream.write(`${label}: ${tenth * 10}%\n`) }
    }
  }
}
