// The page of `picobadge web`: three panels behind tabs (arrow keys move
// between tabs, as the ARIA tabs pattern has it), and a notice where the
// browser lacks Web Serial.

import { setUpSim } from './sim-panel.js'
import { setUpFlash } from './flash-panel.js'
import { setUpMonitor } from './monitor-panel.js'
import { webSerial } from './serial-port.js'

function setUpTabs (): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')]
  const select = (tab: HTMLButtonElement, focus: boolean) => {
    for (const t of tabs) {
      const on = t === tab
      t.setAttribute('aria-selected', String(on))
      t.tabIndex = on ? 0 : -1
      document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on
    }
    if (focus) tab.focus()
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t, false))
    t.addEventListener('keydown', e => {
      const k = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
      if (k) { e.preventDefault(); select(tabs[(i + k + tabs.length) % tabs.length], true) }
      if (e.key === 'Home') { e.preventDefault(); select(tabs[0], true) }
      if (e.key === 'End') { e.preventDefault(); select(tabs[tabs.length - 1], true) }
    })
  })
}

setUpTabs()
document.getElementById('no-serial')!.hidden = webSerial() !== undefined
setUpSim()
setUpFlash()
setUpMonitor()
