// Issue #12 in the mesh simulator: one hostile badge of each kind of attack
// (host/sim/hostile/, one file each) joins a small seeded event after the
// honest cards have spread (minute 4), and the report measures what the
// honest badges lost (host/sim/losses.ts). Each kind has two tests: one that
// the attack really ran (its counters), and one on the honest figures #12
// asks for. Each names the fix it failed without.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { MeshSimulator, HostileKind, HOSTILE_KINDS, PlannedPost, SKEW } from '../host/sim/mesh.js'
import { report, renderReport, SimReport } from '../host/sim/report.js'
import { CollideAttack } from '../host/sim/hostile/index.js'
import { itemHash, unkeyedSum } from '../host/sim/hostile/fp-collision.js'
import { toHex } from '../host/bytes.js'

const MIN = 60_000
const ATTACKS: HostileKind[] = ['clock', 'hijack', 'push', 'replay', 'advert-spam', 'impersonate', 'collide']
/** Six honest cards posted in the first three minutes, before the attacks start (minute 4), and three late ones (minute 7) while they go on. */
const plan: PlannedPost[] = [
  ...[0, 2, 4, 6, 8, 10].map((badge, i) => ({ badge, at: (0.5 + i * 0.4) * MIN, collection: 'cards', payload: { name: `badge ${badge}` } })),
  ...[1, 3, 5].map((badge, i) => ({ badge, at: (7 + i * 0.3) * MIN, collection: 'cards', payload: { name: `late ${badge}` } }))
]
const POSTS = 9

interface Run { r: SimReport, sim: MeshSimulator, held: number, enrols: number }
const runs = new Map<string, Run>()
/** A 14-minute event of 15 honest badges and one hostile badge per kind (14 + kinds with several), memoized per kind list; `held`: (honest badge, posted block) pairs held. */
function run (kinds: HostileKind[]): Run {
  const key = kinds.join(',')
  let out = runs.get(key)
  if (out) return out
  const badges = kinds.length > 1 ? 14 + kinds.length : 16
  const hostile = kinds.map((kind, i) => ({ badge: badges - 1 - i, kind, fromMinute: 4 }))
  const sim = new MeshSimulator({ badges, minutes: 14, seed: 42, plan, hostile }).run()
  let held = 0
  for (const t of sim.metrics.blocks.values()) for (let i = 0; i < badges; i++) if (sim.metrics.counted(i) && !Number.isNaN(t.times[i])) held++
  // Every badge is enrolled (mesh.ts): each chain an honest badge holds (its own too) starts with an enrol block, which is not a post.
  let enrols = 0
  for (let i = 0; i < badges; i++) {
    const b = sim.nodes[i].badge
    if (sim.metrics.counted(i) && b) enrols += b.chains().length
  }
  out = { r: report(sim, 1), sim, held, enrols }
  runs.set(key, out)
  return out
}

/** The honest figures #12 asks for, as one object (so a failure shows all of them). */
const figures = (r: SimReport) => ({
  postsNotDelivered: r.honest.postsNotDelivered,
  chainsEvicted: r.honest.chainsEvicted,
  cardsRewritten: r.honest.cardsRewritten,
  prematureForgets: r.honest.prematureForgets,
  clockWithinSkew: r.honest.clock.withinSkew
})
const UNHARMED = { postsNotDelivered: 0, chainsEvicted: 0, cardsRewritten: 0, prematureForgets: 0, clockWithinSkew: true }

describe('the honest event the attacks are measured against', () => {
  it('loses nothing: every post delivered, nothing evicted, rewritten or forgotten early, clocks within the skew bound', () => {
    const { r } = run([])
    expect(r.blocks.tracked).toBe(POSTS)
    expect(figures(r)).toEqual(UNHARMED)
    expect(r.honest.clock.aheadMaxMs).toBeLessThanOrEqual(SKEW)
    expect(r.hostile).toEqual({ badges: 0, list: [], kinds: {} })
  })
})

describe('clock: HELLOs 10 hours ahead under made-up keys, reconnecting every 1.5 s (#12, finding 1)', () => {
  it('the attacker ran: many links, each HELLO under a fresh key', () => {
    const c = run(['clock']).r.hostile.kinds.clock
    expect(c.futureHellos).toBeGreaterThan(100)
    expect(c.madeUpKeys).toBe(c.futureHellos)
  })
  // Fails on the core of main at 7709aea: two made-up keys agree, the clock jumps 10 h, every card is forgotten. Flip when the clock fix (signed HELLO, bounded slew) merges.
  it('honest clocks stay within the skew bound and no card is forgotten early', () => {
    expect(figures(run(['clock']).r)).toEqual(UNHARMED)
  })
})

describe('hijack: blocks signed by the attacker on other badges\' heads (#12, finding 2)', () => {
  it('the attacker ran: it offered forged extensions on scripted links', () => {
    expect(run(['hijack']).r.hostile.kinds.hijack.forgedExtensions).toBeGreaterThan(50)
  })
  it('no honest card is rewritten or re-dated, and each forged block counts against the attacker', () => {
    const { r } = run(['hijack'])
    expect(figures(r)).toEqual(UNHARMED)
    expect(r.hostile.kinds.hijack.violations).toBeGreaterThan(50)
  })
})

describe('push: chains nobody held, eight a link, and unasked chains in BLOCKS (#12, finding 3)', () => {
  it('the attacker ran: hundreds of chains offered, unasked ones pushed, most of its links refused as a violator\'s', () => {
    const k = run(['push']).r.hostile.kinds.push
    expect(k.chainsMade).toBeGreaterThan(500)
    expect(k.refusedLinks).toBeGreaterThan(100)
    expect(k.unaskedPushed).toBeGreaterThan(50)
  })
  it('no honest chain is evicted or rewritten, no clock moves, and the unasked runs count against the attacker', () => {
    const { r } = run(['push'])
    expect({ ...figures(r), postsNotDelivered: 0 }).toEqual(UNHARMED)
    expect(r.hostile.kinds.push.violations).toBeGreaterThan(0)
  })
  // Failed on the core of main at 7709aea (the store fix alone): 3 of 9 posts not delivered, the stores full of the attacker's chains by minute 7.
  // Passes with the dos fix: a violator's links are refused inbound too (most of the attacker's), so the stores fill more slowly (about 80 of
  // 120 free slots taken at minute 7, 120 by minute 14). A badge whose FIRST post comes after the free slots are all taken waits for the
  // attacker's chains to expire: held chains are never evicted for them (docs/SYNC.md, threat model).
  it('every post is delivered, those made after the attacker filled the stores too', () => {
    const { r, held } = run(['push'])
    expect(r.honest.postsNotDelivered).toBe(0)
    expect(held).toBe(POSTS * 15)
  })
})

describe('replay: held, valid blocks sent again (#12, finding 4)', () => {
  it('the attacker ran: it replayed hundreds of blocks the honest badges held', () => {
    expect(run(['replay']).r.hostile.kinds.replay.replayedBlocks).toBeGreaterThan(200)
  })
  it('loses nothing', () => { expect(figures(run(['replay']).r)).toEqual(UNHARMED) })
  // Failed before the store fix of #12 (7709aea, duplicates found before signature work): 2,293 checks for 135 blocks taken.
  it('costs no signature checks: honest badges check one signature per block they take', () => {
    const { r, held, enrols } = run(['replay'])
    // An enrol block stored costs two: its signature and its cert's (docs/SYNC.md §6.1), once, as any block; and
    // each start one, badge_enrol checking the cert it is handed (15 honest badges, no power cuts in this run).
    expect(r.honest.signatureChecks).toBeLessThanOrEqual(held + 2 * enrols + 15)
  })
})

describe('advert-spam: adverts from made-up addresses (#12, finding 4)', () => {
  it('the attacker ran: thousands of spoofed adverts, honest badges tried to connect to them', () => {
    const k = run(['advert-spam']).r.hostile.kinds['advert-spam']
    expect(k.spoofedAdverts).toBeGreaterThan(1000)
    expect(k.connectsToNowhere).toBeGreaterThan(0)
  })
  it('loses nothing: every post still reaches every honest badge', () => {
    const { r, held } = run(['advert-spam'])
    expect(figures(r)).toEqual(UNHARMED)
    expect(held).toBe(POSTS * 15)
  })
})

describe('impersonate: HELLOs under another badge\'s key, links held (#12, finding 6)', () => {
  it('the attacker ran: hundreds of HELLOs under keys it heard', () => {
    expect(run(['impersonate']).r.hostile.kinds.impersonate.impersonations).toBeGreaterThan(100)
  })
  it('loses nothing: every post still reaches every honest badge', () => {
    const { r, held } = run(['impersonate'])
    expect(figures(r)).toEqual(UNHARMED)
    expect(held).toBe(POSTS * 15)
  })
})

describe('collide: two chain sets that protocol 2 summed alike, one with a victim\'s card (#12, finding 6)', () => {
  const attackOf = () => {
    const { sim } = run(['collide'])
    return sim.nodes[15].attack as CollideAttack
  }
  // The collision is checked for real, so this test fails if the search or the item hash drifts from the core's (assembly/sync/items.ts).
  it('the attacker ran: it ground a real collision against a victim\'s card, served it and claimed the colliding sum', () => {
    const a = attackOf()
    const { r, sim } = run(['collide'])
    const k = r.hostile.kinds.collide
    expect(k.collisionsGround).toBe(1)
    expect(k.collidingHellos).toBeGreaterThan(20)
    expect(k.servedWithVictim).toBeGreaterThan(0)
    expect(k.servedWithoutVictim).toBeGreaterThan(0)
    const { first, second } = a.collision!
    const v = a.victim!
    expect(first[0].hash).toBe(itemHash(v.owner, v.height, v.head))
    expect(unkeyedSum(first)).toBe(unkeyedSum(second))
    expect(first).toHaveLength(second.length)
    const owners = (xs: typeof first) => xs.map(x => toHex(x.owner)).sort()
    expect(owners(second)).not.toContain(toHex(v.owner))
    expect(first.map(x => x.hash).sort()).not.toEqual(second.map(x => x.hash).sort())
    // The victim is an honest badge's card.
    expect(sim.nodes.some(n => !n.hostile && n.owner === toHex(v.owner))).toBe(true)
  })
  // No "loses nothing" test of its own: in this run the victim's card has spread before the attack
  // starts, so the run would show no loss under protocol 2 either (a test that could not fail). The
  // attack that does harm under protocol 2 is tests/hostile-fingerprint.test.ts; this kind's losses
  // are part of "every kind at once" below.
})

describe('every kind at once (--hostile all)', () => {
  it('the report lists the hostile badges: "14 honest + 11 hostile badges", one per kind', () => {
    const { r } = run(HOSTILE_KINDS)
    expect(r.hostile.badges).toBe(11)
    expect(r.honest.badges).toBe(14)
    expect(r.hostile.list).toEqual(HOSTILE_KINDS.map((kind, i) => ({ badge: 24 - i, kind })))
    for (const k of ATTACKS) expect(r.hostile.kinds[k].badges).toBe(1)
    const text = renderReport(r)
    expect(text).toMatch(/^14 honest \+ 11 hostile badges/)
    for (const k of ATTACKS) expect(text).toContain(`  ${k} (1 badge): `)
  })
  it('shows the honest badges\' losses truthfully', () => {
    const text = renderReport(run(HOSTILE_KINDS).r)
    const { r } = run(HOSTILE_KINDS)
    expect(text).toContain(`${r.honest.prematureForgets === 0 ? '✔' : '✘'} states forgotten before their time (a clock pushed ahead): ${r.honest.prematureForgets}`)
    expect(text).toContain(`${r.honest.postsNotDelivered === 0 ? '✔' : '✘'} posts not delivered to every honest badge: ${r.honest.postsNotDelivered}`)
  })
  // Failed on the core of main at 7709aea: every honest clock 10 h ahead, cards forgotten early. Holds with the clock fix (signed HELLO, slew capped
  // against an anchor) and the store fix (sync never evicts).
  it('nothing honest is evicted, rewritten or forgotten early, and honest clocks stay within the skew bound', () => {
    const { r } = run(HOSTILE_KINDS)
    expect({ ...figures(r), postsNotDelivered: 0 }).toEqual(UNHARMED)
    expect(r.honest.clock.aheadMaxMs).toBeLessThan(3 * 60_000 + 1000) // SLEW_BURST (clock.ts) and the crystals' drift: the beacons anchor it
  })
  // Failed (an it.fails) on main at a07e958: the push and flood badges together, with made-up keys, filled every honest store's free chain
  // slots by minute 7 (120 of 128; sync keeps 8 for the badge's own posts and never evicts), so the three cards first posted then reached
  // only the owners' direct neighbours (3 of 9 posts not delivered). Keys are free, so no per-key or per-link bound stops this; admission by
  // the event key does (docs/SYNC.md §6.1): every badge is enrolled at the desk, made-up keys' chains are guests, at most GUEST_MAX held.
  it('every post is delivered, as in the run without attackers', () => {
    expect(figures(run(HOSTILE_KINDS).r)).toEqual(figures(run([]).r))
    expect(run(HOSTILE_KINDS).held).toBe(run([]).held - POSTS * 2) // 14 honest badges, not 16
  })
})

describe('picobadge sim --hostile (the command)', () => {
  const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
  const sim = (...args: string[]) => spawnSync(process.execPath, [cli, 'sim', '--badges', '14', '--minutes', '1', '--seed', '4', ...args], { encoding: 'utf8' })
  it('lists the hostile badges and their counters in --json, and counts them apart in the text', () => {
    const p = sim('--hostile', 'clock,push,clock', '--json')
    expect(p.status).toBe(0)
    const r = JSON.parse(p.stdout)
    expect(r.hostile.badges).toBe(3)
    expect(r.hostile.list).toEqual([{ badge: 13, kind: 'clock' }, { badge: 12, kind: 'push' }, { badge: 11, kind: 'clock' }])
    expect(r.hostile.kinds.clock.badges).toBe(2)
    expect(r.hostile.kinds.clock.futureHellos).toBeGreaterThan(0)
    expect(r.honest.badges).toBe(11)
    const t = sim('--hostile', 'clock,push,clock', '--quiet')
    expect(t.stdout).toMatch(/^11 honest \+ 3 hostile badges/)
    expect(t.stdout).toMatch(/clock ×2/)
  })
  it('--hostile all is one badge of every kind', () => {
    const p = sim('--hostile', 'all', '--json')
    expect(p.status).toBe(0)
    const r = JSON.parse(p.stdout)
    expect(r.hostile.list.map((h: { kind: string }) => h.kind).sort()).toEqual(['advert-spam', 'clock', 'collide', 'flood', 'forge', 'garbage', 'hijack', 'impersonate', 'push', 'reorder', 'replay'])
    expect(r.honest.badges).toBe(3)
  })
  it('--hostile each runs the event without attackers and once per #12 attack, one row each', () => {
    const p = sim('--hostile', 'each', '--attack-from', '0.5', '--json')
    expect(p.status).toBe(0)
    const rows = JSON.parse(p.stdout)
    expect(rows.map((r: { kind: string }) => r.kind)).toEqual(['none', ...ATTACKS])
    expect(rows[0].hostile.badges).toBe(0)
    for (const r of rows.slice(1)) expect(r.hostile.list).toEqual([{ badge: 13, kind: r.kind }])
    expect(rows[1].hostile.kinds.clock.futureHellos).toBeGreaterThan(0) // the attack started at half a minute and ran
    const t = sim('--hostile', 'each', '--quiet')
    expect(t.stdout.split('\n').filter(l => /^(none|clock|hijack|push|replay|advert-spam|impersonate|collide) /.test(l))).toHaveLength(8)
  })
  it('documents every kind in --help', () => {
    const h = spawnSync(process.execPath, [cli, 'sim', '--help'], { encoding: 'utf8' })
    for (const k of [...ATTACKS, 'all']) expect(h.stdout).toContain(k)
  })
})
