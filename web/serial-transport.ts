// A byte pipe (host/rpc/transport.ts's Transport, what the serial DFU and
// the RPC client speak) over a Web Serial port the page has opened: one
// read loop hands every chunk to the listeners; writes go one at a time,
// each waiting for the one before to release the stream.

import type { Transport } from '../host/rpc/transport.js'
import type { WebSerialPort } from './serial-port.js'

export function serialTransport (port: WebSerialPort): Transport {
  const listeners: Array<(b: Uint8Array) => void> = []
  let writing = Promise.resolve()
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  let open = true
  void (async () => {
    while (open && port.readable) {
      reader = port.readable.getReader()
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          for (const fn of listeners) fn(value)
        }
      } catch { break } finally { reader.releaseLock(); reader = null }
    }
  })()
  return {
    write (bytes) {
      if (!open || !port.writable) throw new Error('the port is closed')
      writing = writing.then(async () => { const w = port.writable!.getWriter(); try { await w.write(bytes) } finally { w.releaseLock() } }).catch(() => {})
    },
    onData (fn) { listeners.push(fn) },
    async close () {
      open = false
      await writing
      await reader?.cancel().catch(() => {})
      await port.close().catch(() => {})
    }
  }
}
