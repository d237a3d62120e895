#!/usr/bin/env node
// A bounded fuzz run of the badge host (boards/native/fuzz): what the air
// (fuzz-radio: adverts, links, frames, ticks, actions) and the serial port
// (fuzz-rpc: RPC requests and noise) can say to boards/common under the
// core, with AddressSanitizer and UndefinedBehaviorSanitizer. Built by
// `node scripts/native.mjs --variant fuzz` (libFuzzer when clang has it,
// else the seeded driver). Each target gets the same number of inputs, so a
// run is bounded and, with the driver, repeatable.
//
//   node scripts/fuzz.mjs [--runs N] [--seed S]
//
// Exit 0 when no input crashed or tripped a sanitizer; otherwise 1, with
// the target's report and the crashing input kept under build/native/fuzz/.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'build', 'native', 'fuzz')
const argv = process.argv.slice(2)
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : dflt }
const runs = opt('runs', 3000)
const seed = opt('seed', 1)

const { makeImage, eventPublicKey } = await import(join(root, 'dist', 'host', 'image.js'))
const { coreWasmPath } = await import(join(root, 'dist', 'host', 'core.js'))
// A fixed event key: the fuzz run is about the badge, not the key, and a fixed one keeps a crash replayable.
const seedKey = new Uint8Array(32).fill(0x42)
const app = join(dir, 'app.img')
mkdirSync(dir, { recursive: true })
writeFileSync(app, makeImage(readFileSync(coreWasmPath()), seedKey))
const env = { ...process.env, PICOBADGE_FUZZ_APP: app, PICOBADGE_FUZZ_KEY: Buffer.from(eventPublicKey(seedKey)).toString('hex') }

// A seed for fuzz-radio: a real conversation. Two badges in this process
// (the same core, in V8) link up and sync a card; what the one that
// receives hears, in fuzz_radio.c's script format, is where the fuzzer
// starts mutating, so it reaches deep into the sync protocol.
const { Badge } = await import(join(root, 'dist', 'host', 'badge.js'))
const EV = { TIME: 0, LINK_UP: 2, LINK_READY: 4, FRAME: 5 }
function conversation () {
  const t0 = 1_760_000_000_000
  // The receiver draws its nonce as the fuzz target's badge will (port_fuzz.c's fixed entropy, its first
  // link up at local time 0), so that the peer's PROOF in the script, which answers that nonce, verifies there.
  const a = new Badge({ entropy: buf => { for (let i = 0; i < buf.length; i++) buf[i] = 0xa5 ^ ((i * 29) & 0xff) } }).init(0, t0)
  const b = new Badge().init(0, t0)
  b.post('cards', { name: 'Ada' }, 10)
  a.drain(); b.drain()
  const script = [EV.LINK_UP | 0x80, 1, 247 - 23]
  a.linkUp(1, 247, true, Uint8Array.of(2, 0, 0, 0, 0, 0), 0)
  b.linkUp(1, 247, false, Uint8Array.of(1, 0, 0, 0, 0, 0), 20)
  for (let round = 0, local = 30; round < 40; round++, local += 10) {
    let quiet = true
    for (const [from, to] of [[a, b], [b, a]]) {
      for (const r of from.drain()) {
        if (r.kind !== 'send') continue
        quiet = false
        if (to === a && r.frame.length <= 255) script.push(EV.FRAME, 1, r.frame.length, ...r.frame)
        to.frame(1, r.frame, local)
      }
      from.linkReady(1, local)
      if (from === a) script.push(EV.LINK_READY, 1)
    }
    if (quiet) break
  }
  script.push(EV.TIME, 0, 0x10, 0x00)
  return Uint8Array.from(script)
}
const corpus = join(dir, 'seeds-radio')
rmSync(corpus, { recursive: true, force: true })
mkdirSync(corpus, { recursive: true })
writeFileSync(join(corpus, 'conversation'), conversation())

// A seed for fuzz-rpc: the running badge's requests as a desk sends them (fuzz_rpc.c's input format:
// op, sequence u16, payload). IDENTITY; the badge's real cert, signed by the fuzz event key for the key
// the fuzz badge makes from port_fuzz.c's fixed entropy (as `a` above), taken (1); a real beacon,
// kept (1, passed on: the outbox); the same beacon again (0, not newer); STATUS (the badge's 80 bytes);
// then a HELLO (test mode), the cert again and STATUS (-73 both). Mutations of it start from the paths
// where the core says yes.
const { enrolCert } = await import(join(root, 'dist', 'host', 'enrol.js'))
const { beaconSign } = await import(join(root, 'dist', 'host', 'beacon.js'))
function desk () {
  const me = new Badge({ entropy: buf => { for (let i = 0; i < buf.length; i++) buf[i] = 0xa5 ^ ((i * 29) & 0xff) } }).init(0, 1_760_000_000_000).identity()
  const beacon = beaconSign(seedKey, 1_760_000_000_000)
  const OP = { HELLO: 0x00, ENROL: 0x02, BEACON: 0x06, IDENTITY: 0x0a, STATUS: 0x0e } // fuzz_rpc.c: (op & 3) == 2 and bits 2-4 pick the type
  return Uint8Array.from([
    OP.IDENTITY, 1, 0, 0,
    OP.ENROL, 2, 0, ...enrolCert(seedKey, me),
    OP.BEACON, 3, 0, ...beacon,
    OP.BEACON, 4, 0, ...beacon,
    OP.STATUS, 7, 0, 0,
    OP.HELLO, 5, 0, 0,
    OP.ENROL, 6, 0, ...enrolCert(seedKey, me),
    OP.STATUS, 8, 0, 0
  ])
}
const rpcCorpus = join(dir, 'seeds-rpc')
rmSync(rpcCorpus, { recursive: true, force: true })
mkdirSync(rpcCorpus, { recursive: true })
writeFileSync(join(rpcCorpus, 'desk'), desk())

let failed = 0
for (const target of ['radio', 'rpc']) {
  const bin = join(dir, `fuzz-${target}`)
  if (!existsSync(bin)) { process.stderr.write(`fuzz: ${bin} is missing: node scripts/native.mjs --variant fuzz\n`); process.exit(1) }
  const artifacts = join(dir, `crashes-${target}`) + '/'
  mkdirSync(artifacts, { recursive: true })
  const t0 = Date.now()
  // libFuzzer takes a folder as its corpus (a file would only be replayed); it adds what it finds there.
  const seeds = [target === 'radio' ? corpus : rpcCorpus]
  const r = spawnSync(bin, [`-runs=${runs}`, `-seed=${seed}`, '-max_len=4096', '-len_control=0', `-artifact_prefix=${artifacts}`, '-print_final_stats=1', ...seeds], { env, encoding: 'utf8', maxBuffer: 1 << 26 })
  const secs = ((Date.now() - t0) / 1000).toFixed(1)
  if (r.status === 0) process.stdout.write(`fuzz-${target}: ${runs} inputs, no crash, no sanitizer report (${secs} s)\n`)
  else {
    failed++
    process.stdout.write(`fuzz-${target}: FAILED after ${secs} s (exit ${r.status ?? r.signal}); inputs kept in ${artifacts}\n${(r.stderr ?? '').slice(-4000)}\n`)
  }
}
process.exit(failed ? 1 : 0)
