// A progress bar on stderr: redrawn in place on a terminal, a line every
// 10% otherwise, so CI logs and pipes stay short.

export type ProgressSink = (label: string, fraction: number) => void

export function progressBar (stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): ProgressSink {
  const tty = stream.isTTY === true
  let lastTenth = -1
  let lastLabel = ''
  return (label, fraction) => {
    const f = Math.max(0, Math.min(1, fraction))
    if (tty) {
      const width = 30
      const done = Math.round(f * width)
      stream.write(`\r${'#'.repeat(done)}${'.'.repeat(width - done)} ${(f * 100).toFixed(0).padStart(3)}%  ${label.padEnd(lastLabel.length)}`)
      lastLabel = label
      if (f >= 1) stream.write('\n')
    } else {
      const tenth = Math.floor(f * 10)
      if (tenth > lastTenth) { lastTenth = tenth; stream.write(`${(tenth * 10).toString().padStart(3)}%  ${label}\n`) }
    }
  }
}
