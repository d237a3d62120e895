// The end of a simulated event, as numbers (for --json and tests) and as a
// page a newcomer reads in ten seconds.

import { SKEW } from './options.js'
import type { SimDriver } from './driver.js'
import { NRF52840 } from '../nor-flash.js'

export interface Spread { median?: number, p90?: number, max?: number }

/**
 * Why the counted badges that do not hold the most common chain set do not,
 * each badge under the first that applies: it came back from a power cut in
 * the last WOKE_MS; no badge that is on is within radio range of it; it holds
 * a chain longer than (or missing from) the common set, news still spreading
 * from it; else it lacks some of the common set: still catching up.
 */
export interface Disagreeing { woke: number, outOfRange: number, ahead: number, behind: number }
export const WOKE_MS = 5 * 60_000

/** Where the wall time went: building the badges, then running the event; and the cost of one simulated badge-minute. */
export interface Timing { setupSeconds: number, runSeconds: number, badgeMinutes: number, msPerBadgeMinute: number }

export interface SimReport {
  badges: number
  minutes: number
  seed: number
  wallSeconds: number
  badgeMinutesPerSecond: number
  timing: Timing
  posts: number
  /** Posted blocks that reached every badge, and how long that took (seconds; median / p90 / worst over blocks). */
  blocks: { tracked: number, reachedAll: number, to50: Spread, to95: Spread, to100: Spread }
  radio: { connections: number, connectFailures: number, linkBreaks: number, frames: number, linkBytes: number, advertBytes: number, deliveries: number, bytesPerDeliveredBlock: number }
  /** The badges' own counters, summed over the `badges` on at the end (hostile ones too: each counts since its last boot), and the power cuts. */
  badgesHealth: { badges: number, linksOk: number, linksFailed: number, violations: number, evictions: number, powerCuts: number, clockJumps: number }
  flash: { regionBytes: number, liveBytesMax: number, liveBytesMean: number, erasesMax: number }
  ramBytes: number
  /** Badges on at the end (counted), how many hold the most common chain set, and honest badges off at the end (a power cut: not counted). */
  converged: { badges: number, agreeing: number, fingerprint: string, off: number, disagreeing: Disagreeing }
  /** Cards whose hour is up on the mesh clock (dueChains), and of those the ones past the skew bound too (expiredChains: every badge must have forgotten them); how often one came back to a badge (zombies: should be 0); the most badges that still held one at a check (badges waking up). */
  forgetting: { dueChains: number, expiredChains: number, zombies: number, staleHolders: number }
  /**
   * The simulator's verification memo: answered from memory, not, and of those how many were verified for real (the rest: vouched for by a signer or the threads' table).
   * The simulator's own bookkeeping, not the event's: with threads each has its own memo, and which thread verifies a signature first is a race, so these may differ by a few between identical runs (the rest of the report does not).
   */
  verifyCache: { hits: number, misses: number, verified: number }
  timeline: Array<{ t: number, coverage: number, chains: number, links: number }>
  /** Badges that ran as native board processes (real C under WAMR, flash in a file), and the interpreter. */
  native: { badges: number, interp?: string }
  /**
   * What the honest badges lost (measured in every run, hostile or not, so
   * the two compare): posts that did not reach every honest badge, honest
   * chains evicted or forgotten before their time, cards holding a block
   * not by their owner, how far honest mesh clocks ran ahead of the true
   * time (ms; within the skew bound is the promise: the mesh runs on its
   * fastest honest clock) and of the median honest clock (after power cuts
   * the median lags: rebooted badges start behind), and signature checks.
   */
  honest: {
    badges: number
    postsNotDelivered: number
    chainsEvicted: number
    cardsRewritten: number
    prematureForgets: number
    clock: { aheadMaxMs: number, spreadMaxMs: number, skewMs: number, withinSkew: boolean }
    signatureChecks: number
    /** PROOF and beacon checks: one per link and per newer beacon. */
    handshakeChecks: number
  }
  /** The hostile badges, and per kind what they did and what the honest badges counted against them. */
  hostile: { badges: number, list: Array<{ badge: number, kind: string }>, kinds: Record<string, Record<string, number>> }
}

function spread (xs: number[]): Spread {
  if (xs.length === 0) return {}
  const s = [...xs].sort((a, b) => a - b)
  return { median: s[(s.length - 1) >> 1], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))], max: s[s.length - 1] }
}

export function report (sim: SimDriver, wallSeconds: number, phases: { setupSeconds: number, runSeconds: number } = { setupSeconds: 0, runSeconds: wallSeconds }): SimReport {
  const sum = sim.summary(WOKE_MS)
  const m = sim.metrics
  const now = sim.now
  const to50: number[] = []; const to95: number[] = []; const to100: number[] = []
  let reachedAll = 0
  for (const track of m.blocks.values()) {
    const a = m.spread(track, 0.5); const b = m.spread(track, 0.95); const c = m.spread(track, 1)
    if (a !== undefined) to50.push(a)
    if (b !== undefined) to95.push(b)
    if (c !== undefined) { to100.push(c); reachedAll++ }
  }
  const health = { badges: 0, linksOk: 0, linksFailed: 0, violations: 0, evictions: 0, powerCuts: m.powerCuts, clockJumps: 0 }
  const live: number[] = []
  let erasesMax = 0; let ram = 0; let counted = 0; let off = 0; let verifies = 0; let handshakes = 0
  for (const p of sum.parts) {
    health.badges += p.on.length
    health.linksOk += p.health.linksOk; health.linksFailed += p.health.linksFailed; health.violations += p.health.violations
    health.evictions += p.health.evictions; health.clockJumps += p.health.clockJumps
    live.push(...p.live)
    erasesMax = Math.max(erasesMax, p.erasesMax)
    ram = Math.max(ram, p.ram)
    counted += p.counted; off += p.off; verifies += p.verifies; handshakes += p.handshakes
  }
  const minutes = now / 60_000
  const L = sim.losses
  const list = (sim.opts.hostile ?? []).map(h => ({ badge: h.badge, kind: h.kind }))
  const kinds: Record<string, Record<string, number>> = {}
  for (const h of list) {
    const k = kinds[h.kind] ??= { badges: 0 }
    k.badges++
  }
  for (const [kind, c] of sum.hostileCounts) Object.assign(kinds[kind] ??= { badges: 0 }, c)
  if (kinds['advert-spam']) kinds['advert-spam'].connectsToNowhere = sum.counters.connectsToNowhere
  const badges = sim.opts.badges
  const native = sim.opts.native ?? 0
  return {
    badges,
    minutes,
    seed: sim.opts.seed,
    wallSeconds,
    badgeMinutesPerSecond: (badges * minutes) / Math.max(wallSeconds, 1e-9),
    timing: { ...phases, badgeMinutes: badges * minutes, msPerBadgeMinute: badges * minutes > 0 ? wallSeconds * 1000 / (badges * minutes) : 0 },
    posts: m.blocks.size,
    blocks: { tracked: m.blocks.size, reachedAll, to50: spread(to50), to95: spread(to95), to100: spread(to100) },
    radio: {
      connections: m.connections,
      connectFailures: m.connectFailures,
      linkBreaks: m.linkBreaks,
      frames: m.frames,
      linkBytes: m.linkBytes,
      advertBytes: m.advertBytes,
      deliveries: m.deliveries,
      bytesPerDeliveredBlock: m.deliveries ? m.linkBytes / m.deliveries : 0
    },
    badgesHealth: health,
    flash: { regionBytes: (sim.opts.geometry ?? NRF52840).size, liveBytesMax: Math.max(0, ...live), liveBytesMean: live.length ? live.reduce((a, b) => a + b, 0) / live.length : 0, erasesMax },
    ramBytes: ram,
    converged: { badges: counted, agreeing: sum.agreeing, fingerprint: sum.best, off, disagreeing: sum.disagreeing },
    forgetting: { dueChains: sim.dueChains, expiredChains: sim.forgotten, zombies: sum.counters.zombies, staleHolders: sim.staleHolders },
    verifyCache: { hits: sum.counters.cacheHits, misses: sum.counters.cacheMisses, verified: sum.counters.cacheVerified },
    timeline: sim.timeline,
    native: { badges: native, interp: native ? sim.opts.nativeInterp ?? 'classic' : undefined },
    honest: {
      badges: badges - list.length,
      postsNotDelivered: m.blocks.size - reachedAll,
      chainsEvicted: L.evicted,
      cardsRewritten: L.rewritten,
      prematureForgets: L.prematureForgets,
      clock: { aheadMaxMs: L.clockAheadMax, spreadMaxMs: L.clockSpreadMax, skewMs: SKEW, withinSkew: L.clockAheadMax <= SKEW },
      signatureChecks: verifies,
      handshakeChecks: handshakes
    },
    hostile: { badges: list.length, list, kinds }
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`
const secs = (s?: number) => s === undefined ? '—' : s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`

/** A sparkline of values in [0, 1]. */
function spark (xs: number[]): string {
  const bars = '▁▂▃▄▅▆▇█'
  return xs.map(x => bars[Math.max(0, Math.min(7, Math.round(x * 7)))]).join('')
}

/** What the honest badges lost, and what each kind of hostile badge did (never hides a loss). */
function renderAttack (r: SimReport, mark: (ok: boolean) => string): string[] {
  const h = r.honest
  const min = (ms: number) => ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`
  const out = ['', `Under attack (${Object.entries(r.hostile.kinds).map(([k, c]) => c.badges > 1 ? `${k} ×${c.badges}` : k).join(', ')}): what the ${h.badges} honest badges lost`]
  out.push(`  ${mark(h.postsNotDelivered === 0)} posts not delivered to every honest badge: ${h.postsNotDelivered}`)
  out.push(`  ${mark(h.chainsEvicted === 0)} honest chains evicted before their time: ${h.chainsEvicted}`)
  out.push(`  ${mark(h.cardsRewritten === 0)} cards rewritten (a block not by the card's owner): ${h.cardsRewritten}`)
  out.push(`  ${mark(h.prematureForgets === 0)} states forgotten before their time (a clock pushed ahead): ${h.prematureForgets}`)
  out.push(`  ${mark(h.clock.withinSkew)} mesh clocks: at most ${min(Math.max(0, h.clock.aheadMaxMs))} ahead of the true time (skew bound ${min(h.clock.skewMs)}); the fastest ${min(h.clock.spreadMaxMs)} ahead of the median`)
  out.push(`  signature checks by honest badges: ${h.signatureChecks} of blocks, ${h.handshakeChecks} of links' PROOFs and time beacons`)
  for (const [kind, c] of Object.entries(r.hostile.kinds)) {
    const { badges, ...rest } = c
    const what = Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')
    out.push(`  ${kind} (${badges} badge${badges === 1 ? '' : 's'}): ${what || 'nothing counted'}`)
  }
  return out
}

/** Why the rest do not agree, biggest reason first. */
function renderWhy (d: Disagreeing): string {
  const parts: Array<[number, string]> = [
    [d.behind, 'still catching up'],
    [d.ahead, 'holding news still spreading from them'],
    [d.outOfRange, 'out of range of every other badge'],
    [d.woke, `back from a power cut in the last ${WOKE_MS / 60_000} min`]
  ]
  return parts.filter(([k]) => k > 0).sort((a, b) => b[0] - a[0]).map(([k, what]) => `${k} ${what}`).join(', ')
}

/** The report as a page of text. */
export function renderReport (r: SimReport): string {
  const lines: string[] = []
  const b = r.blocks
  const who = r.hostile.badges ? `${r.honest.badges} honest + ${r.hostile.badges} hostile badges` : `${r.badges} badges`
  lines.push(`${who}, ${+r.minutes.toPrecision(3)} simulated minutes (seed ${r.seed}), in ${r.wallSeconds.toFixed(1)} s: ${r.badgeMinutesPerSecond.toFixed(0)} badge-minutes per second`)
  if (r.native.badges) {
    const interp = r.native.interp?.endsWith('fast') ? 'fast' : 'classic'
    const asan = r.native.interp?.startsWith('asan') ? ' under ASan and UBSan' : ''
    lines.push(`${r.native.badges} native badge${r.native.badges === 1 ? '' : 's'} (real C under WAMR): WAMR's ${interp} interpreter${asan}, flash in files, killed at power cuts`)
  }
  lines.push('')
  // The story first, in three lines: did it spread, do they agree, did they forget.
  const mark = (ok: boolean) => ok ? '✔' : '✘'
  const all = b.tracked > 0 && b.reachedAll === b.tracked
  if (b.tracked === 0) lines.push('· no badge posted yet: the event was too short (badges post within their first minutes: try --minutes 5)')
  else lines.push(`${mark(all)} ${b.reachedAll} of ${b.tracked} posts reached all ${r.converged.badges} badges${b.to50.median !== undefined ? ` (half the floor in ${secs(b.to50.median)}, everyone in ${secs(b.to100.median)}, median)` : ''}${r.converged.off ? `; ${r.converged.off} more ${r.converged.off === 1 ? 'was' : 'were'} off at the end (a power cut) and ${r.converged.off === 1 ? 'is' : 'are'} not counted` : ''}`)
  lines.push(`${mark(r.converged.agreeing === r.converged.badges)} ${r.converged.agreeing === r.converged.badges ? `all ${r.converged.badges} badges hold exactly the same chains` : `${r.converged.agreeing} of ${r.converged.badges} badges hold the same chains; the rest: ${renderWhy(r.converged.disagreeing)}`}`)
  if (r.forgetting.expiredChains > 0) lines.push(`${mark(r.forgetting.zombies === 0)} ${r.forgetting.expiredChains} cards expired and every badge forgot them; ${r.forgetting.zombies === 0 ? 'none came back' : `${r.forgetting.zombies} came back`}`)
  else lines.push(`· no card expired yet (a card lives an hour after its last update: try --minutes 90)`)
  if (r.hostile.badges) lines.push(...renderAttack(r, mark))
  lines.push('')
  lines.push(`Posts: ${r.posts} blocks posted on badges; ${b.reachedAll} of them reached every badge.`)
  lines.push(`  time to reach 50% of badges   median ${secs(b.to50.median)}, 90th percentile ${secs(b.to50.p90)}`)
  lines.push(`  time to reach 95% of badges   median ${secs(b.to95.median)}, 90th percentile ${secs(b.to95.p90)}`)
  lines.push(`  time to reach every badge     median ${secs(b.to100.median)}, 90th percentile ${secs(b.to100.p90)}, worst ${secs(b.to100.max)}`)
  lines.push(`Agreement: ${r.converged.agreeing} of ${r.converged.badges} badges hold exactly the same chains (set fingerprint ${r.converged.fingerprint.slice(0, 8)}…).`)
  const f = r.forgetting
  const perBadge = r.badgesHealth.badges > 0 ? ` (${(r.badgesHealth.evictions / r.badgesHealth.badges).toFixed(1)} a badge)` : ''
  lines.push(`Forgetting: ${f.dueChains} cards reached their hour (an hour after their last update); the badges' collectors evicted ${r.badgesHealth.evictions} chains${perBadge}; ${f.expiredChains} cards are past the ${SKEW / 60_000}-minute clock skew bound, when every badge must have forgotten them; ${f.zombies === 0 ? 'none came back' : `${f.zombies} came back (zombies!)`}.`)
  lines.push('')
  lines.push(`Radio: ${r.radio.connections} connections (${r.radio.connectFailures} attempts failed, ${r.radio.linkBreaks} links broke walking apart)`)
  lines.push(`  ${kib(r.radio.linkBytes)} on air over links, ${Math.round(r.radio.bytesPerDeliveredBlock)} bytes per delivered block; adverts ${kib(r.radio.advertBytes)}`)
  lines.push(`  links that ran to the end ${r.badgesHealth.linksOk}, cut short ${r.badgesHealth.linksFailed}, dropped for misbehaviour ${r.badgesHealth.violations}${r.badgesHealth.powerCuts ? ' (counted by each badge since its last boot)' : ''}`)
  lines.push(`Each badge: ${kib(r.ramBytes)} of core RAM (fixed); flash ${kib(r.flash.liveBytesMean)} live on average, ${kib(r.flash.liveBytesMax)} at most, of ${kib(r.flash.regionBytes)}; ≤ ${r.flash.erasesMax} erases per sector`)
  if (r.badgesHealth.powerCuts) lines.push(`Power cuts: ${r.badgesHealth.powerCuts}`)
  if (r.timeline.length > 1) {
    const step = Math.max(1, Math.ceil(r.timeline.length / 60))
    const pts = r.timeline.filter((_, i) => i % step === 0)
    lines.push('')
    lines.push(`Coverage of live posts over time  ${spark(pts.map(p => p.coverage))}`)
    const maxChains = Math.max(1, ...pts.map(p => p.chains))
    lines.push(`Chains held per badge over time   ${spark(pts.map(p => p.chains / maxChains))}  (peak ${maxChains.toFixed(1)})`)
  }
  return lines.join('\n')
}
