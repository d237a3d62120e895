// `picobadge monitor`'s decoding: console lines out of a byte stream that
// also carries RPC frames, ESP-IDF and Zephyr log lines, timestamps, and
// the reset pulse on the modem lines.

import { describe, it, expect } from 'vitest'
import { ConsoleSplitter, decodeLine, formatLine } from '../host/monitor.js'
import { attachMonitor, hardReset } from '../host/commands/monitor.js'
import { slipEncode } from '../host/slip.js'
import { encodeFrame } from '../host/rpc/frames.js'
import { transportPair, Transport } from '../host/rpc/transport.js'
import { Rng } from './support/rng.js'

describe('picobadge monitor', () => {
  it('decodes ESP-IDF and Zephyr log lines, and leaves other text alone', () => {
    expect(decodeLine('\x1b[0;32mI (312) picobadge: booted, 3 links\x1b[0m\r')).toMatchObject({ level: 'info', boardTime: '312 ms', tag: 'picobadge', text: 'booted, 3 links' })
    expect(decodeLine('E (9001) sync: link 3: stalled')).toMatchObject({ level: 'error', tag: 'sync', text: 'link 3: stalled' })
    expect(decodeLine('[00:00:01.234,567] <wrn> bt_hci_core: no ID address')).toMatchObject({ level: 'warning', boardTime: '00:00:01.234,567', tag: 'bt_hci_core' })
    expect(decodeLine('ets Jun  8 2016 00:22:57')).toMatchObject({ level: 'text', text: 'ets Jun  8 2016 00:22:57' })
    const shown = formatLine(decodeLine('W (5) clock: jumped'), new Date('2026-11-25T10:00:00.123Z'), false)
    expect(shown).toBe('10:00:00.123  WARNING       5 ms  clock: jumped')
  })

  it('takes RPC frames out of the console stream, however the bytes are split', () => {
    const frame = slipEncode(encodeFrame({ type: 0x82, seq: 3, payload: Uint8Array.of(0x0a, 0x0a, 1, 2) }))
    const stream = Uint8Array.from([...new TextEncoder().encode('I (1) a: one\nhal'), ...frame, ...new TextEncoder().encode('f a line\r\n'), ...frame, ...new TextEncoder().encode('E (2) b: two\n')])
    const rng = new Rng(3)
    for (let k = 0; k < 50; k++) {
      const s = new ConsoleSplitter()
      const lines: string[] = []
      for (let o = 0; o < stream.length;) { const n = 1 + rng.int(9); lines.push(...s.push(stream.subarray(o, o + n))); o += n }
      expect(lines).toEqual(['I (1) a: one', 'half a line\r', 'E (2) b: two'])
    }
  })

  it('shows what arrives on the port, and resets the board with the modem lines', async () => {
    const [host, board] = transportPair()
    const signals: Array<{ dtr?: boolean, rts?: boolean }> = []
    const port: Transport = { ...host, setSignals: async s => { signals.push(s) } }
    const out: string[] = []
    attachMonitor(port, l => out.push(l))
    await hardReset(port)
    expect(signals).toEqual([{ dtr: false, rts: true }, { dtr: false, rts: false }])
    board.write(new TextEncoder().encode('I (10) picobadge: hello\n'))
    await new Promise(r => setTimeout(r, 20))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/INFO +10 ms {2}picobadge: hello$/)
  })
})
