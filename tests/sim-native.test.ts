// Mixed meshes: some badges are native board processes (boards/native: the
// C firmware under real WAMR, flash in a file) among core.wasm badges in V8,
// over the same simulated radio (host/sim/native-badge.ts drives them over
// the radio socket of boards/native/README.md). Needs the native board
// built (node scripts/native.mjs; npm test builds it).

import { describe, it, expect, afterEach } from 'vitest'
import { spawn } from 'node:child_process'
import { readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MeshSimulator, PlannedPost, SimBadge, SimOptions, nativeIndices } from '../host/sim/mesh.js'
import { Venue } from '../host/sim/venue.js'
import { report, renderReport, SimReport } from '../host/sim/report.js'
import { NativeBadge, request } from '../host/sim/native-badge.js'
import { NativeBadgeError } from '../host/sim/native-pool.js'
import { nativeBinaryPath } from '../host/native/board.js'
import { coreWasmPath } from '../host/core.js'
import { makeImage } from '../host/image.js'
import { newKey } from '../host/keyfile.js'
import { toHex } from '../host/bytes.js'
import { simOptions } from '../host/sim/command.js'
import { Badge, actionBytes } from '../host/badge.js'
import { enrolCert } from '../host/enrol.js'
import { SIM_EVENT_SECRET } from '../host/sim/event.js'
import { stored } from './support/badges.js'
import { decode } from 'cborg'

const MIN = 60_000
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const chainsOf = (n: SimBadge) => new Map(n.badge!.chains().map(c => [hex(c.owner), c.length]))
const alive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

const sims: MeshSimulator[] = []
afterEach(() => { for (const s of sims.splice(0)) s.close() })
function sim (opts: SimOptions): MeshSimulator {
  const s = new MeshSimulator(opts)
  sims.push(s)
  return s
}

/** Badges in one hall, a card posted by each of `who`. */
function hall (badges: number, who: number[], every = 0.5): Pick<SimOptions, 'badges' | 'venue' | 'plan'> {
  const plan: PlannedPost[] = who.map((b, i) => ({ badge: b, at: (0.5 + i * every) * MIN, collection: 'cards', payload: { name: `badge ${b}` } }))
  return { badges, venue: new Venue([{ name: 'Hall', x: 0, y: 0, w: 20, h: 20 }]), plan }
}

/**
 * A report without what differs by design between a native badge and a V8 one in its place: wall-clock
 * time, the native count, signature checks (a native core verifies under WAMR, not through the
 * simulator's memo, so they are not counted), and flash and RAM figures (the V8 badges' only: the radio
 * socket does not carry a board's). Everything else must be the all-V8 run's, event for event.
 */
function behaviour (r: SimReport): object {
  const { wallSeconds, badgeMinutesPerSecond, verifyCache, native, flash, ramBytes, honest: { signatureChecks, handshakeChecks, ...honest }, ...rest } = r
  return { ...rest, honest }
}

function pidsOf (s: MeshSimulator): number[] {
  return s.nodes.flatMap(n => n.badge instanceof NativeBadge && n.badge.pid !== undefined ? [n.badge.pid] : [])
}

describe('mixed mesh: native badges (real C under WAMR) among V8 badges', () => {
  it('picks native badges spread evenly by index, never a hostile one', () => {
    expect(nativeIndices(12, 2)).toEqual([3, 9])
    expect(nativeIndices(10, 3, new Set([8, 9]))).toEqual([1, 4, 6])
    expect(() => nativeIndices(4, 3, new Set([0, 1]))).toThrow(/only 2 badges are not hostile/)
    const { options } = simOptions(['--badges', '12', '--native', '2', '--native-interp', 'fast'])
    expect(options.native).toBe(2)
    expect(options.nativeInterp).toBe('fast')
  })

  it('12 badges, 2 native: the report is as good as the same run all in V8, and no process outlives the run', () => {
    const opts = { ...hall(12, [0, 3, 5, 8, 10]), minutes: 4, seed: 21 }
    const base = sim(opts).run()
    const v8: SimReport = report(base, 1)
    const mixed = sim({ ...opts, native: 2 })
    mixed.run()
    const natives = mixed.nodes.filter(n => n.native)
    expect(natives.map(n => n.index)).toEqual([3, 9])
    for (const n of natives) expect(n.badge).toBeInstanceOf(NativeBadge)
    const pids = pidsOf(mixed)
    expect(pids.length).toBe(2)
    for (const pid of pids) expect(alive(pid)).toBe(true)
    const r = report(mixed, 1)
    // A native badge has the key a V8 badge in its place draws (its entropy is the simulator's), and its
    // core is the same code: the run is the all-V8 run, event for event.
    expect(behaviour(r)).toEqual(behaviour(v8))
    expect(r.native).toEqual({ badges: 2, interp: 'classic' })
    expect(renderReport(r)).toContain('2 native badges (real C under WAMR)')
    // As good as V8: every post everywhere, everyone agreeing, nothing back from the dead.
    expect(v8.blocks.reachedAll).toBe(v8.blocks.tracked)
    expect(r.blocks.tracked).toBe(v8.blocks.tracked) // the same plan
    expect(r.blocks.reachedAll).toBe(r.blocks.tracked)
    expect(r.converged.agreeing).toBe(12)
    expect(r.converged.agreeing).toBeGreaterThanOrEqual(v8.converged.agreeing)
    expect(r.forgetting.zombies).toBe(0)
    expect(r.badgesHealth.violations).toBe(0)
    // The native badges hold exactly what a V8 badge holds, and posted from native hands too (badge 3 posts).
    const want = chainsOf(mixed.nodes[0])
    expect(want.size).toBe(5)
    for (const n of natives) expect(chainsOf(n)).toEqual(want)
    expect(mixed.nodes[3].posts).toBe(1)
    const dir = mixed.fleet!.dir // close() lets go of the fleet: its folder's name is kept here
    expect(existsSync(dir)).toBe(true)
    mixed.close()
    for (const pid of pids) expect(alive(pid), `pid ${pid} after close`).toBe(false)
    expect(existsSync(dir), 'the flash files\' folder after close').toBe(false)
  })

  it('native badges are enrolled like the V8 ones: their chains, as V8 neighbours hold them, start with the enrol block the desk signed', () => {
    // With keys from the OS this run differed each time, and about one in ten left cards short of some
    // badge: seed 7 puts badges 1 and 3 11.8-14.4 m from the other four (radio range 15 m), so a card
    // crosses only on a link that connects 40 % of the time at best, tried every ~20 s (backoff doubling
    // after each lost attempt, the scanner's 10-s duplicate filter), and the keys decide who tries when
    // (P2, assembly/sync/peers.ts). With the seed's keys it replays; every V8 badge that holds a chain is checked.
    const s = sim({ ...hall(6, [0, 1, 2, 3, 4, 5], 0.3), minutes: 3, seed: 7, native: 2 })
    s.run()
    const natives = s.nodes.filter(n => n.native)
    expect(natives).toHaveLength(2)
    const v8s = s.nodes.flatMap(n => n.badge instanceof Badge ? [n.badge] : [])
    for (const n of [...natives, s.nodes.find(x => !x.native)!]) {
      const pk = n.badge!.identity()
      // Its own chain: the enrol block, then its card.
      expect(chainsOf(n).get(hex(pk)), `badge ${n.index}'s own chain`).toBe(2)
      // As the V8 badges hold it (every one that has it: the same two blocks, enrol first).
      const feeds = v8s.flatMap(b => { const f = stored(b, pk); return f ? [f] : [] })
      expect(feeds.length, `V8 badges holding badge ${n.index}'s chain`).toBeGreaterThan(0)
      for (const feed of feeds) {
        expect(feed.length).toBe(2)
        const genesis = decode(feed.blocks[0].body)
        expect(genesis[0], `badge ${n.index}'s genesis`).toBe('enrol')
        expect(hex(genesis[1])).toBe(hex(enrolCert(SIM_EVENT_SECRET, pk)))
      }
    }
  })

  it('replays from its seed: a native badge has the V8 badge\'s key for that seed and index, and two runs give the same report', () => {
    // A board asks the simulator for entropy when its core does (never the OS's): it draws it where a V8 badge does.
    // Power cuts too, half of them in the middle of a flash write (a native board counts its writes to it).
    const opts = { ...hall(5, [0, 2, 4], 0.3), minutes: 3, seed: 31, powerCutEvery: 1 }
    const v8 = sim(opts)
    v8.runUntil(10_000)
    const once = (): SimReport => {
      const s = sim({ ...opts, native: 2 })
      s.runUntil(10_000)
      // Every badge has a key by now (they make it at first boot); one cut off at the moment shows it when back.
      let natives = 0
      for (const n of s.nodes) {
        if (!n.badge || !v8.nodes[n.index].badge) continue
        expect(hex(n.badge.identity()), `badge ${n.index}'s key`).toBe(hex(v8.nodes[n.index].badge!.identity()))
        if (n.native) natives++
      }
      expect(natives, 'native badges compared').toBeGreaterThan(0)
      s.run()
      const { wallSeconds, badgeMinutesPerSecond, ...r } = report(s, 1) // the only wall-clock fields
      s.close()
      return r as SimReport
    }
    const a = once()
    expect(a.native.badges).toBe(2)
    expect(a.badgesHealth.powerCuts).toBeGreaterThan(2)
    expect(once()).toEqual(a)
    v8.run()
    expect(behaviour(a as SimReport)).toEqual(behaviour(report(v8, 1))) // the all-V8 run, event for event, cuts and all
  })

  it('a native badge killed (SIGKILL) with links up mid-sync restarts from its flash file, keeps its identity, and catches up', () => {
    // Many posters, so blocks keep flowing; the native badges (3 and 9 of 12) never post, so what they write is what sync brings.
    const opts = { ...hall(12, [0, 1, 2, 4, 5, 6, 7, 8, 10, 11], 0.3), minutes: 6, seed: 4, native: 2 }
    const s = sim(opts)
    const n = s.nodes.find(x => x.native && x.index === 3)!
    expect(n).toBeDefined()
    s.runUntil(0.5 * MIN)
    const id = hex(n.badge!.identity())
    const flash = s.fleet!.flashPath(n.index)
    expect(existsSync(flash)).toBe(true)
    // Wait for a moment when it is syncing: a link up and posted chains it does not hold yet.
    let t = 0.5 * MIN
    while (t < 4 * MIN && !(n.links.size > 0 && chainsOf(n).size < s.metrics.blocks.size)) s.runUntil(t += 100)
    expect(n.links.size, 'links up at the cut').toBeGreaterThan(0)
    const before = chainsOf(n)
    const pid = (n.badge as NativeBadge).pid!
    s.cutPower(n, { offFor: 20_000 })
    expect(n.on).toBe(false)
    expect(n.linksAtLastCut).toBeGreaterThan(0)
    expect(alive(pid), 'the process is gone').toBe(false)
    s.runUntil(t + 25_000)
    expect(n.on).toBe(true)
    const pid2 = (n.badge as NativeBadge).pid!
    expect(pid2).not.toBe(pid)
    expect(hex(n.badge!.identity()), 'the same identity from the same flash file').toBe(id)
    expect(n.badge!.status(n.local(s.q.now)).newIdentity).toBe(false)
    const after = chainsOf(n)
    for (const [owner, h] of before) expect(after.get(owner) ?? 0, `chain ${owner.slice(0, 8)} survived the cut`).toBeGreaterThanOrEqual(h)
    // A second cut, in the middle of a flash write: the 1st to 3rd the board makes from now, as a V8
    // badge's NorFlash.cutPowerAt (counted in writes, not wall-clock time: the run replays).
    const cuts = s.metrics.powerCuts
    s.cutPower(n, { midWrite: true, offFor: 10_000 })
    expect(alive(pid2), 'on until it writes').toBe(true)
    while (s.metrics.powerCuts === cuts && s.q.now < opts.minutes * MIN) s.runUntil(s.q.now + 100)
    expect(n.on, 'the power died in one of its next writes').toBe(false)
    expect(alive(pid2)).toBe(false)
    s.runUntil(opts.minutes * MIN)
    const r = report(s, 1)
    expect(r.blocks.tracked).toBe(10)
    expect(r.blocks.reachedAll).toBe(10)
    expect(r.converged.agreeing).toBe(12)
    expect(chainsOf(n)).toEqual(chainsOf(s.nodes[0])) // every live chain
    expect(hex(n.badge!.identity())).toBe(id)
    expect(r.forgetting.zombies).toBe(0)
  })

  for (const interp of ['fast', 'asan'] as const) {
    it(`runs under the ${interp} build too${interp === 'asan' ? ' (AddressSanitizer and UBSan: a report would end the board and fail the run)' : ''}`, () => {
      const opts = { ...hall(8, [0, 2, 6]), minutes: 3, seed: 9 }
      const s = sim({ ...opts, native: 2, nativeInterp: interp })
      s.run()
      const r = report(s, 1)
      // The all-V8 run, event for event (so its delivery below is this seed's, not luck's).
      expect(behaviour(r)).toEqual(behaviour(report(sim(opts).run(), 1)))
      expect(r.native).toEqual({ badges: 2, interp })
      expect(renderReport(r)).toContain(interp === 'fast' ? "WAMR's fast interpreter" : "WAMR's classic interpreter under ASan and UBSan")
      expect(r.blocks.reachedAll).toBe(3)
      expect(r.converged.agreeing).toBe(8)
      expect(s.nodes.filter(n => n.native).every(n => chainsOf(n).size === 3)).toBe(true)
    })
  }

  it('a native board that dies behind the simulator\'s back fails the run with one clear line, and leaves no process', () => {
    const s = sim({ ...hall(6, [0, 1]), minutes: 2, seed: 2, native: 1 })
    s.runUntil(10_000)
    const n = s.nodes.find(x => x.native)!
    const pid = (n.badge as NativeBadge).pid!
    process.kill(pid, 'SIGKILL')
    let error: unknown
    try { s.run() } catch (e) { error = e }
    expect(error).toBeInstanceOf(NativeBadgeError)
    expect((error as Error).message).toBe(`native badge ${n.index} (pid ${pid}) was killed by SIGKILL`)
    expect(pidsOf(s).filter(alive)).toEqual([])
  })
})

describe('the native board\'s radio socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picobadge-radio-test-'))
  const key = newKey('event-key')
  const image = join(dir, 'app.img')
  writeFileSync(image, makeImage(readFileSync(coreWasmPath()), key.secretKey))

  /** Runs a board on a fresh flash with fd 3 as its radio, writes `bytes`, closes; its exit code and stderr. */
  function board (bytes: Uint8Array, name: string): Promise<{ code: number | null, stderr: string, answer: Buffer }> {
    return new Promise(resolve => {
      const child = spawn(nativeBinaryPath('classic'), ['--flash', join(dir, `${name}.flash`), '--app', image, '--event-key', toHex(key.publicKey), '--radio', 'fd:3'],
        { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] })
      let stderr = ''
      const chunks: Buffer[] = []
      child.stderr!.on('data', (s: Buffer) => { stderr += s.toString() })
      const sock = child.stdio[3] as unknown as NodeJS.ReadWriteStream
      sock.on('data', (b: Buffer) => chunks.push(b))
      sock.on('error', () => {})
      sock.write(bytes)
      sock.end()
      child.on('exit', code => { rmSync(join(dir, `${name}.flash`), { force: true }); resolve({ code, stderr, answer: Buffer.concat(chunks) }) })
    })
  }

  const cat = (...xs: Uint8Array[]) => Uint8Array.from(Buffer.concat(xs))
  // BOOT (hint 0) on a fresh flash: the core makes its key and the board asks for 32 bytes (ENTROPY),
  // which it reads next (ENTROPY_BYTES): sent ahead here, the socket keeps them until then.
  const boot = cat(request(0x01, 0, new Uint8Array(8)), Uint8Array.of(0x0f, 32, 0), new Uint8Array(32).fill(7))

  it('answers well-formed requests in lockstep and exits 0 when the simulator closes the socket', async () => {
    const r = await board(cat(boot, request(0x02, 1000), request(0x0a, 1000)), 'good')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // BOOT: ENTROPY (32), ADVERTISE then DONE(0); TICK: DONE; IDENTITY: DATA(32) then DONE(0).
    const types: number[] = []
    for (let o = 0; o < r.answer.length; o += 3 + r.answer.readUInt16LE(o + 1)) types.push(r.answer[o])
    expect(types.filter(t => t === 0x8f).length).toBe(3)
    expect(types).toContain(0x81)
    expect(types[0]).toBe(0x86)
    expect(r.answer.subarray(3, 5)).toEqual(Buffer.from([32, 0]))
    expect(types).toContain(0x8a)
  })

  it('CUT: the power dies (exit 137) in the flash write it names, not before and with no answer to that request', async () => {
    const post = request(0x08, 2000, actionBytes('cards', { name: 'cut' })) // a post writes its chain's first block
    const ok = await board(cat(boot, request(0x0e, 1000, Uint8Array.of(200, 0, 0, 0)), post), 'cut-later')
    expect(ok.code).toBe(0) // 200 writes from now: the post wrote fewer
    const r = await board(cat(boot, request(0x0e, 1000, Uint8Array.of(1, 0, 0, 0)), post, request(0x02, 3000)), 'cut-next')
    expect(r.code).toBe(137)
    const types: number[] = []
    for (let o = 0; o < r.answer.length; o += 3 + r.answer.readUInt16LE(o + 1)) types.push(r.answer[o])
    expect(types.filter(t => t === 0x8f).length, 'DONE for BOOT and CUT only').toBe(2)
  })

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['an unknown request type', Uint8Array.of(0x7f, 0, 0), /unknown request type 0x7f/],
    ['BOOT without its hint', request(0x01, 0), /malformed BOOT/],
    ['a BOOT whose ENTROPY is answered with 31 bytes', cat(request(0x01, 0, new Uint8Array(8)), Uint8Array.of(0x0f, 31, 0), new Uint8Array(31)), /did not answer ENTROPY 32/],
    ['a BOOT whose ENTROPY is answered with another request', cat(request(0x01, 0, new Uint8Array(8)), request(0x02, 5)), /did not answer ENTROPY 32/],
    ['a frame longer than an ATT MTU allows', cat(boot, request(0x07, 5, new Uint8Array(2 + 245))), /malformed FRAME/],
    ['an advert of 32 bytes', cat(boot, request(0x03, 5, new Uint8Array(6 + 32))), /malformed ADVERT/],
    ['LINK_UP with central = 2', cat(boot, request(0x04, 5, Uint8Array.of(1, 0, 247, 0, 2, 1, 2, 3, 4, 5, 6))), /central is neither/],
    ['local time going backwards', cat(boot, request(0x02, 5000), request(0x02, 4000)), /backwards/],
    ['a payload longer than any request', Uint8Array.of(0x08, 0xff, 0xff), /longer than any request/],
    ['a stream that ends inside a message', Uint8Array.of(0x02, 8, 0, 1, 2), /ended inside the payload/],
    ['a header cut short', Uint8Array.of(0x02, 8), /inside a message header/],
    ['ENROL with a 63-byte cert', cat(boot, request(0x0c, 5, new Uint8Array(63))), /malformed ENROL/],
    ['BEACON with a 73-byte beacon', cat(boot, request(0x0d, 5, new Uint8Array(73))), /malformed BEACON/],
    ['CUT at the 0th write', cat(boot, request(0x0e, 5, new Uint8Array(4))), /malformed CUT.*write count is 0/]
  ]
  for (const [what, bytes, line] of malformed) {
    it(`refuses ${what} with exit code 3 and one line`, async () => {
      const r = await board(bytes, what.replace(/\W+/g, '-'))
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(line)
      expect(r.stderr.trim().split('\n').length).toBe(1)
    })
  }
})
