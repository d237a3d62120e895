// What `picobadge monitor` shows: the board's console, line by line, with
// the firmware's log lines decoded (ESP-IDF's "I (312) tag: text" and
// Zephyr's "[00:00:01.234,567] <inf> tag: text"), RPC frames (SLIP,
// docs/RPC.md) taken out of the text, and the host's time in front.

import { SLIP_END as END } from './slip.js'

export type Level = 'error' | 'warning' | 'info' | 'debug' | 'verbose' | 'text'

export interface LogLine { level: Level, tag?: string, boardTime?: string, text: string, raw: string }

const ESP_LEVELS: Record<string, Level> = { E: 'error', W: 'warning', I: 'info', D: 'debug', V: 'verbose' }
const ZEPHYR_LEVELS: Record<string, Level> = { err: 'error', wrn: 'warning', inf: 'info', dbg: 'debug' }
// ANSI colour codes ESP-IDF wraps its log lines in.
const ANSI = /\x1b\[[0-9;]*m/g // eslint-disable-line no-control-regex

/** One console line, decoded when it is a log line of ESP-IDF or Zephyr. */
export function decodeLine (raw: string): LogLine {
  const line = raw.replace(ANSI, '').replace(/\r$/, '')
  let m = /^([EWIDV]) \((\d+)\) ([^:]+): (.*)$/.exec(line)
  if (m) return { level: ESP_LEVELS[m[1]], boardTime: `${m[2]} ms`, tag: m[3], text: m[4], raw }
  m = /^\[(\d\d:\d\d:\d\d\.\d{3},\d{3})\] <(err|wrn|inf|dbg)> ([^:]+): (.*)$/.exec(line)
  if (m) return { level: ZEPHYR_LEVELS[m[2]], boardTime: m[1], tag: m[3], text: m[4], raw }
  return { level: 'text', text: line, raw }
}

/**
 * Splits the serial byte stream into console lines, leaving out the RPC's
 * SLIP frames (which start and end with 0xC0) wherever they interleave.
 */
export class ConsoleSplitter {
  #line: number[] = []
  #inFrame = false

  push (bytes: Uint8Array): string[] {
    const lines: string[] = []
    for (const b of bytes) {
      if (b === END) { this.#inFrame = !this.#inFrame; continue }
      if (this.#inFrame) continue
      if (b === 0x0a) { lines.push(new TextDecoder().decode(Uint8Array.from(this.#line))); this.#line = [] } else if (this.#line.length < 4096) this.#line.push(b)
    }
    return lines
  }
}

const COLOURS: Record<Level, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[36m', verbose: '\x1b[90m', text: '' }

/** A decoded line for the terminal: host time, level, board time, tag, text. */
export function formatLine (l: LogLine, now: Date, colour: boolean): string {
  const t = now.toISOString().slice(11, 23)
  if (l.level === 'text') return `${t}  ${l.text}`
  const lvl = l.level.toUpperCase().padEnd(7)
  const body = `${lvl} ${l.boardTime?.padStart(10) ?? ''}  ${l.tag}: ${l.text}`
  return colour ? `${t}  ${COLOURS[l.level]}${body}\x1b[0m` : `${t}  ${body}`
}
