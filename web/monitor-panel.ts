// The "Talk to a badge" panel: a serial monitor on a port the browser hands
// over: the board's console as text, as `picobadge monitor` shows it.

import { webSerial, type WebSerialPort } from './serial-port.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
/** The console keeps its last 200 000 characters: a badge logs for hours. */
const KEEP = 200_000

export function setUpMonitor (): void {
  const form = $<HTMLFormElement>('serial-form')
  const openBtn = $<HTMLButtonElement>('serial-open'); const closeBtn = $<HTMLButtonElement>('serial-close')
  const stateEl = $('serial-state'); const out = $('serial-console')
  let port: WebSerialPort | null = null
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null

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
        openBtn.disabled = true; closeBtn.disabled = false
        const text = new TextDecoder()
        while (port?.readable) {
          reader = port.readable.getReader()
          try {
            for (;;) {
              const { value, done } = await reader.read()
              if (done) break
              out.textContent = (out.textContent + text.decode(value, { stream: true })).slice(-KEEP)
              out.scrollTop = out.scrollHeight
            }
          } finally { reader.releaseLock(); reader = null }
        }
      } catch (err) {
        stateEl.textContent = `The port closed: ${(err as Error).message}`
      } finally {
        openBtn.disabled = false; closeBtn.disabled = true
      }
    })()
  })
  closeBtn.addEventListener('click', () => {
    void (async () => {
      const p = port; port = null
      await reader?.cancel().catch(() => {})
      await p?.close().catch(() => {})
      stateEl.textContent = 'No port open.'
    })()
  })
}
