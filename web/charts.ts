// The report's sparklines (`picobadge sim` prints them as ▁▂▃ bars) as line
// charts: the report's own timeline, one sample every 10 simulated seconds.

import type { SimReport } from '../host/sim/report.js'

const SVG = 'http://www.w3.org/2000/svg'

interface Series { title: string, values: number[], max: number, unit: (v: number) => string }

function chart (s: Series, minutes: number): HTMLElement {
  const fig = document.createElement('figure')
  fig.className = 'chart'
  const W = 300; const H = 70
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`)
  svg.setAttribute('preserveAspectRatio', 'none')
  svg.setAttribute('role', 'img')
  const last = s.values[s.values.length - 1] ?? 0
  svg.setAttribute('aria-label', `${s.title}: from ${s.unit(s.values[0] ?? 0)} to ${s.unit(last)}, at most ${s.unit(Math.max(...s.values, 0))}, over ${+minutes.toPrecision(3)} minutes`)
  const pts = s.values.map((v, i) => `${(i / Math.max(1, s.values.length - 1)) * W},${H - 4 - (v / (s.max || 1)) * (H - 8)}`)
  const area = document.createElementNS(SVG, 'polygon')
  area.setAttribute('points', `0,${H} ${pts.join(' ')} ${W},${H}`)
  area.setAttribute('fill', 'rgba(11,107,203,0.12)')
  const line = document.createElementNS(SVG, 'polyline')
  line.setAttribute('points', pts.join(' '))
  line.setAttribute('fill', 'none')
  line.setAttribute('stroke', '#0b6bcb')
  line.setAttribute('stroke-width', '2')
  line.setAttribute('vector-effect', 'non-scaling-stroke')
  svg.append(area, line)
  const cap = document.createElement('figcaption')
  cap.textContent = `${s.title} (peak ${s.unit(Math.max(...s.values, 0))})`
  fig.append(svg, cap)
  return fig
}

/** Charts of coverage, chains per badge and links up over the event. */
export function reportCharts (r: SimReport): HTMLElement[] {
  const t = r.timeline
  if (t.length < 2) return []
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`
  const chains = t.map(p => p.chains)
  const links = t.map(p => p.links)
  return [
    chart({ title: 'Coverage of live posts', values: t.map(p => p.coverage), max: 1, unit: pct }, r.minutes),
    chart({ title: 'Chains held per badge', values: chains, max: Math.max(1, ...chains), unit: v => v.toFixed(1) }, r.minutes),
    chart({ title: 'Links up', values: links, max: Math.max(1, ...links), unit: v => v.toFixed(0) }, r.minutes)
  ]
}
