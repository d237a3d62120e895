// The "Watch the mesh" panel: the controls become the argument list of
// `picobadge sim`, the Worker runs it (sim-worker.ts), the canvas draws it
// (sim-view.ts), and the report appears beside it as text and charts.

import { HOSTILE_KINDS } from '../host/sim/mesh.js'
import { SimView } from './sim-view.js'
import { reportCharts } from './charts.js'
import { state } from './page-state.js'
import type { FromWorker, ToWorker } from './sim-messages.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** The `picobadge sim` arguments the form stands for. */
export function simArgv (form: HTMLFormElement): string[] {
  const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim()
  const argv = ['--badges', v('badges'), '--minutes', v('minutes'), '--seed', v('seed')]
  if (Number(v('power-cuts')) > 0) argv.push('--power-cuts', v('power-cuts'))
  const hostile = [...form.querySelectorAll<HTMLInputElement>('input[name=hostile]:checked')].map(c => c.value)
  if (hostile.length) argv.push('--hostile', hostile.join(','))
  return argv
}

/**
 * A message of `picobadge sim`'s option parser in the page's words: each
 * `--name` becomes the label of the form field named `name` (the fields are
 * named after the options they become, simArgv).
 */
export function inFormWords (form: HTMLFormElement, message: string): string {
  return message.replace(/--([a-z-]+)/g, (flag, name: string) => {
    const field = form.elements.namedItem(name)
    const label = field instanceof HTMLInputElement ? field.labels?.[0]?.textContent : name === 'hostile' ? form.querySelector('#sim-hostile legend')?.textContent : undefined
    return label ? `“${label.trim()}”` : flag
  })
}

export function setUpSim (): void {
  const form = $<HTMLFormElement>('sim-form')
  const run = $<HTMLButtonElement>('sim-run'); const stop = $<HTMLButtonElement>('sim-stop')
  const speed = $<HTMLSelectElement>('sim-speed')
  const status = $('sim-status'); const clock = $('sim-clock'); const out = $('sim-report'); const charts = $('sim-charts')
  const canvas = $<HTMLCanvasElement>('sim-canvas')
  const fieldset = $('sim-hostile')
  for (const kind of HOSTILE_KINDS) {
    const label = document.createElement('label')
    const box = document.createElement('input')
    box.type = 'checkbox'; box.name = 'hostile'; box.value = kind
    label.append(box, ` ${kind}`)
    fieldset.append(label)
  }
  const view = new SimView(canvas)
  let worker: Worker | null = null
  let frameTimes: number[] = []
  let lastSummary = ''

  const send = (m: ToWorker) => worker?.postMessage(m)
  const finish = (s: typeof state.sim) => { state.sim = s; run.disabled = false; stop.disabled = true }

  const onMessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data
    if (m.type === 'venue') {
      view.setVenue(m)
      canvas.setAttribute('aria-label', `The venue: ${m.rooms.length} rooms along a corridor, ${m.badges} badges`)
    } else if (m.type === 'frame') {
      view.push(m, performance.now())
      state.simTime = m.t
      state.spread = m.spotlight ? m.spotlight.holders / m.xs.length : 0
      const on = m.flags.reduce((k, f) => k + (f & 1), 0)
      const spot = m.spotlight ? `; the oldest live post (badge ${m.spotlight.poster}'s) is on ${m.spotlight.holders} badges` : ''
      lastSummary = `${(m.t / 60000).toFixed(1)} of ${((view.venue?.end ?? 0) / 60000).toFixed(1)} min: ${on} badges on, ${m.links.length / 2} links up, ${m.posts} posts${m.expired ? `, ${m.expired} expired` : ''}${spot}`
    } else if (m.type === 'report') {
      state.simReport = m.report
      out.textContent = m.text
      charts.replaceChildren(...reportCharts(m.report))
      clock.textContent = ''
      status.textContent = `The event is over: ${lastSummary}. ${state.fps ? `Drawn at ${state.fps.toFixed(0)} frames per second.` : ''}`
      finish('done')
    } else if (m.type === 'error') {
      status.textContent = `The simulation stopped: ${inFormWords(form, m.message)}`
      finish('error')
    }
  }

  form.addEventListener('submit', e => {
    e.preventDefault()
    if (!form.reportValidity()) return
    worker?.terminate()
    worker = new Worker('/web/sim-worker.js', { type: 'module' })
    worker.onmessage = onMessage
    worker.onerror = e => { status.textContent = `The simulation could not start: ${e.message}`; finish('error') }
    state.sim = 'running'; state.simReport = null; state.fps = 0; frameTimes = []
    out.textContent = 'Running…'; charts.replaceChildren()
    status.textContent = 'Running: every badge runs the core, on the instances the page shares among them.'
    run.disabled = true; stop.disabled = false
    send({ type: 'start', argv: simArgv(form), speed: Number(speed.value) })
  })
  stop.addEventListener('click', () => {
    send({ type: 'stop' })
    worker?.terminate(); worker = null
    status.textContent = `Stopped at ${lastSummary || 'the start'}.`
    finish('idle')
  })
  speed.addEventListener('change', () => send({ type: 'speed', speed: Number(speed.value) }))

  let lastStatus = 0
  const loop = (now: number) => {
    requestAnimationFrame(loop)
    if (!view.venue) return
    view.draw(now)
    if (state.sim !== 'running') return
    frameTimes.push(now)
    while (frameTimes.length && now - frameTimes[0] > 1000) frameTimes.shift()
    if (frameTimes.length > 1) state.fps = (frameTimes.length - 1) * 1000 / (now - frameTimes[0])
    // The running clock is not a live region: a screen reader hears the start and the end, not every half second.
    if (now - lastStatus > 500 && lastSummary) { clock.textContent = lastSummary; lastStatus = now }
  }
  requestAnimationFrame(loop)
}
