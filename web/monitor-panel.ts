// The "Talk to a badge" panel: a serial monitor on a port the browser hands
// over (the board's console as text, as `picobadge monitor` shows it), and
// for a board that answers the test RPC, what it reports (rpc-view.ts): who
// it is and its status while it runs (refreshed when asked, the badge runs
// on), and its store when asked (which stops the badge). While
// the RPC talks, the port's bytes go to it; what is not a frame comes back
// to the console.

import { webSerial, type WebSerialPort } from './serial-port.js'
import { askRunning, askStatusRows, askStore, type Row } from './rpc-view.js'
import type { Transport } from '../host/rpc/transport.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
/** The console keeps its last 200 000 characters: a badge logs for hours. */
const KEEP = 200_000

export function setUpMonitor (): void {
  const form = $<HTMLFormElement>('serial-form')
  const openBtn = $<HTMLButtonElement>('serial-open'); const closeBtn = $<HTMLButtonElement>('serial-close')
  const askBtn = $<HTMLButtonElement>('serial-ask'); const view = $('serial-badge')
  const storeBtn = $<HTMLButtonElement>('serial-store'); const statusBtn = $<HTMLButtonElement>('serial-status')
  const stateEl = $('serial-state'); const out = $('serial-console')
  let port: WebSerialPort | null = null
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  let rpcSink: ((bytes: Uint8Array) => void) | null = null
  const text = new TextDecoder()
  const show = (bytes: Uint8Array) => {
    out.textContent = (out.textContent + text.decode(bytes, { stream: true })).slice(-KEEP)
    out.scrollTop = out.scrollHeight
  }

  form.addEventListener('submit', e => {
    e.preventDefault()
    const serial = webSerial()
    if (!serial) { stateEl.textContent = 'This browser has no Web Serial: open the page in Chrome, Edge or another Chromium browser.'; return }
    void (async () => {
      try {
        port = await serial.requestPort()
        const baud = Number($<HTMLSelectElement>('serial-baud').value)
        await port.open({ baudRate: baud })
        stateEl.textContent = `Port open at ${baud} baud.`
        openBtn.disabled = true; closeBtn.disabled = false; askBtn.disabled = false
        while (port?.readable) {
          reader = port.readable.getReader()
          try {
            for (;;) {
              const { value, done } = await reader.read()
              if (done) break
              if (rpcSink) rpcSink(value); else show(value)
            }
          } finally { reader.releaseLock(); reader = null }
        }
      } catch (err) {
        stateEl.textContent = `The port closed: ${(err as Error).message}`
      } finally {
        openBtn.disabled = false; closeBtn.disabled = true; askBtn.disabled = true; storeBtn.hidden = statusBtn.hidden = true
      }
    })()
  })
  /** Runs one RPC exchange on the open port: its bytes go to the RPC meanwhile, and the buttons wait. */
  const withRpc = <T>(ask: (t: Transport) => Promise<T>): Promise<T> => {
    const p = port
    if (!p?.writable) return Promise.reject(new Error('no port open'))
    askBtn.disabled = storeBtn.disabled = statusBtn.disabled = true
    const listeners: Array<(b: Uint8Array) => void> = []
    let writing = Promise.resolve()
    const transport: Transport = {
      // One writer at a time: each write waits for the one before to release the stream.
      write (bytes) { writing = writing.then(async () => { const w = p.writable!.getWriter(); try { await w.write(bytes) } finally { w.releaseLock() } }).catch(() => {}) },
      onData (fn) { listeners.push(fn) },
      async close () { rpcSink = null }
    }
    rpcSink = bytes => { for (const fn of listeners) fn(bytes) }
    return ask(transport).finally(() => { rpcSink = null; askBtn.disabled = storeBtn.disabled = statusBtn.disabled = !port })
  }
  /** What the board reported so far, a row per label (a later answer replaces an earlier one's row). */
  let shown = new Map<string, string>()
  const showRows = (rows: Row[]) => {
    for (const [k, v] of rows) shown.set(k, v)
    view.replaceChildren(...[...shown].flatMap(([k, v]) => { const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = v; return [dt, dd] }))
  }
  const noAnswer = (err: unknown) => { stateEl.textContent = `No RPC answer: ${(err as Error).message} (a board answers only when its firmware has the test RPC: docs/RPC.md)` }
  const readStore = () => withRpc(t => askStore(t, show)).then(b => {
    showRows(b.rows)
    storeBtn.hidden = statusBtn.hidden = true // test mode: no running badge to ask
    stateEl.textContent = `The board answered: ${b.board}. It is in test mode now: restart it to run the badge again.`
  }, noAnswer)
  askBtn.addEventListener('click', () => {
    shown = new Map()
    withRpc(t => askRunning(t, show)).then(r => {
      showRows(r.rows)
      // A running badge keeps running: reading its store (HELLO, CALL) would stop it, so that waits to be asked.
      if (r.running) { storeBtn.hidden = statusBtn.hidden = false; stateEl.textContent = 'The badge answered and runs on. Reading its store stops it until the board restarts.' } else return readStore()
    }, noAnswer).catch(noAnswer)
  })
  storeBtn.addEventListener('click', () => { void readStore() })
  // STATUS alone: the running badge's status now, and it runs on.
  statusBtn.addEventListener('click', () => {
    withRpc(t => askStatusRows(t, show)).then(rows => {
      showRows(rows)
      stateEl.textContent = `Status read at ${new Date().toLocaleTimeString()}; the badge runs on.`
    }, noAnswer)
  })
  closeBtn.addEventListener('click', () => {
    void (async () => {
      const p = port; port = null
      await reader?.cancel().catch(() => {})
      await p?.close().catch(() => {})
      askBtn.disabled = true; storeBtn.hidden = statusBtn.hidden = true
      stateEl.textContent = 'No port open.'
    })()
  })
}
