#!/usr/bin/env node
// `npm test`: builds the core, then runs every suite that checks the project
// and ends with one line CI reads: "N passed, N failed".
//
// Suites: the build itself, the native board's build and its C unit tests, as-pect (AssemblyScript units), the TypeScript
// type check, vitest (host, interop, properties, fuzz), and picofeed 8.0.5's
// own test suite run against picobadge with only its import line changed;
// the feed API's suites run on both builds of the core (host and badge).

import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '')
const totals = { passed: 0, failed: 0, skipped: 0 }
const lines = []

/**
 * What a vitest JSON report says: tests passed, failed and skipped, and each failure named with the first
 * lines of its message (printed again at the end, where CI's tail shows them). A file that failed without
 * a failed test (it did not load, or a hook threw) counts as one failure; so does a non-zero exit with none.
 */
function vitestTally (report, status) {
  const j = JSON.parse(readFileSync(report, 'utf8'))
  const failures = []
  for (const file of j.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name
    const failed = (file.assertionResults ?? []).filter(t => t.status === 'failed')
    for (const t of failed) failures.push(`${where} > ${t.fullName}\n${firstLines((t.failureMessages ?? []).join('\n'))}`)
    if (failed.length === 0 && file.status === 'failed') failures.push(`${where} (the file failed)\n${firstLines(file.message ?? '')}`)
  }
  if (failures.length === 0 && status !== 0) failures.push(`vitest exited with ${status} and no failed test (an unhandled error: see its output above)`)
  return { passed: j.numPassedTests, failed: failures.length, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0), failures }
}
const firstLines = (s) => stripAnsi(s).split('\n').slice(0, 8).map(l => `    ${l}`).join('\n')
const failures = []

function run (title, cmd, args, opts = {}) {
  process.stdout.write(`\n=== ${title}\n`)
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FORCE_COLOR: '0' }, ...opts })
  const out = (r.stdout ?? '') + (r.stderr ?? '')
  process.stdout.write(out)
  return { status: r.status ?? 1, out: stripAnsi(out) }
}

function record (title, passed, failed, skipped = 0) {
  totals.passed += passed
  totals.failed += failed
  totals.skipped += skipped
  lines.push(`${title}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
}

// 1. Build: core (release + debug) and host. A broken build fails everything after it.
const build = run('build', 'npm', ['run', '--silent', 'build'])
record('build', build.status === 0 ? 1 : 0, build.status === 0 ? 0 : 1)

// 1b. The native board (boards/native: the firmware's C under real WAMR), in
// every variant, and the C unit tests of boards/common in each build. The
// vitest suites after this run the built boards (tests/native-board.test.ts).
// A missing cmake or C compiler fails this suite with what to install.
{
  const r = run('native board (node scripts/native.mjs)', process.execPath, [join(root, 'scripts', 'native.mjs')])
  record('native board build', r.status === 0 ? 1 : 0, r.status === 0 ? 0 : 1)
  if (r.status === 0) {
    for (const variant of ['classic', 'asan']) {
      const dir = join(root, 'build', 'native', variant)
      const tests = readdirSync(dir).filter(f => /^test_\w+$/.test(f)).sort()
      if (tests.length === 0) record(`C unit tests (${variant})`, 0, 1)
      for (const t of tests) {
        const c = run(`C unit tests: boards/common ${t} (${variant})`, join(dir, t), [])
        const m = /(\d+) passed, (\d+) failed/.exec(c.out)
        if (m) record(`C ${t} (${variant})`, Number(m[1]), c.status === 0 ? Number(m[2]) : Math.max(1, Number(m[2])))
        else record(`C ${t} (${variant})`, 0, 1)
      }
    }
    // A bounded fuzz run: radio events and RPC requests against boards/common
    // under both sanitizers (libFuzzer with clang, else the seeded driver).
    const f = run('fuzz (node scripts/fuzz.mjs: boards/common under ASan + UBSan)', process.execPath, [join(root, 'scripts', 'fuzz.mjs'), '--runs', process.env.PICOBADGE_FUZZ_RUNS ?? '2000'])
    for (const target of ['radio', 'rpc']) {
      const ok = new RegExp(`fuzz-${target}: \\d+ inputs, no crash`).test(f.out)
      record(`fuzz-${target}`, ok ? 1 : 0, ok ? 0 : 1)
    }
  }
}

// 1c. The Cortex-M4 board (boards/mps2) for QEMU's mps2-an386: built here,
// run by tests/m4-board.test.ts. Without arm-none-eabi-gcc, newlib-nano or
// qemu-system-arm (scripts/install-system.sh installs them) it is skipped,
// saying why, and so are its tests.
{
  const { m4Missing } = await import('./m4.mjs')
  const missing = m4Missing()
  if (missing) {
    process.stdout.write(`\n=== M4 board: skipped (${missing})\n`)
    record(`M4 board build (skipped: ${missing})`, 0, 0, 1)
  } else {
    const r = run('M4 board (node scripts/m4.mjs: boards/mps2 for QEMU mps2-an386)', process.execPath, [join(root, 'scripts', 'm4.mjs')])
    record('M4 board build', r.status === 0 ? 1 : 0, r.status === 0 ? 0 : 1)
  }
}

// 2. as-pect.
{
  const r = run('as-pect (AssemblyScript units)', bin('asp'), ['--config', 'as-pect.config.js', '--no-logo'])
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(r.out)
  if (m && r.status === 0) record('as-pect', Number(m[1]), Number(m[2]) - Number(m[1]))
  else if (m) record('as-pect', Number(m[1]), Math.max(1, Number(m[2]) - Number(m[1])))
  else record('as-pect', 0, 1)
}

// 3. Type checks: the host as published, then the host with the tests.
for (const config of ['tsconfig.json', 'tsconfig.test.json']) {
  const r = run(`typecheck (${config})`, bin('tsc'), ['-p', config, '--noEmit'])
  record(`typecheck ${config}`, r.status === 0 ? 1 : 0, r.status === 0 ? 0 : 1)
}

// 4. vitest.
{
  mkdirSync(join(root, 'build'), { recursive: true })
  const report = join(root, 'build', 'vitest-report.json')
  rmSync(report, { force: true }) // a report left by an earlier run must not stand in for this one's
  const r = run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`])
  if (existsSync(report)) {
    // Skipped: the hardware-in-the-loop tests when no board is named (they say so in their names).
    const t = vitestTally(report, r.status)
    record('vitest', t.passed, t.failed, t.skipped)
    failures.push(...t.failures)
  } else record('vitest', 0, 1)
}

// 5. picofeed 8.0.5's own suite, import line swapped to picobadge, once on
// each build of the core: the host build serves the feed API by default,
// and PICOBADGE_CORE=badge puts the badge build (one 64 KiB page) behind it.
{
  const src = readFileSync(join(root, 'node_modules', 'picofeed', 'test.js'), 'utf8')
  const swapped = src.replace(/from '\.\/index\.js'/, "from 'picobadge'")
  if (swapped === src) throw new Error("picofeed's test.js no longer imports './index.js'")
  const dir = join(root, 'build', 'picofeed-suite')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'test.js'), swapped)
  for (const build of ['host', 'badge']) {
    const r = run(`picofeed 8.0.5's test.js against picobadge (${build} build)`, process.execPath, [join(dir, 'test.js')], { env: { ...process.env, FORCE_COLOR: '0', PICOBADGE_CORE: build } })
    // brittle closes with "# tests = P/T pass".
    const m = /# tests = (\d+)\/(\d+) pass/.exec(r.out)
    const p = m ? Number(m[1]) : 0
    const f = m ? Number(m[2]) - p : 1
    record(`picofeed suite (${build} build)`, p, r.status === 0 ? f : Math.max(1, f))
  }
}

// 6. The tests of the feed API again with the badge build behind it (vitest
// above ran them on the host build): interop with picofeed, the API, the
// feed fuzzers, and the Ed25519 oracles (hostile signatures included).
{
  const report = join(root, 'build', 'vitest-badge-report.json')
  rmSync(report, { force: true })
  const files = ['tests/interop.test.ts', 'tests/api.test.ts', 'tests/fuzz-feed.test.ts', 'tests/ed25519-oracle.test.ts', 'tests/ed25519-halfsize.test.ts']
  const r = run('vitest: the feed API on the badge build', bin('vitest'), ['run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env: { ...process.env, FORCE_COLOR: '0', PICOBADGE_CORE: 'badge' } })
  if (existsSync(report)) {
    const t = vitestTally(report, r.status)
    record('vitest (feed API on the badge build)', t.passed, t.failed, t.skipped)
    failures.push(...t.failures.map(f => `(badge build) ${f}`))
  } else record('vitest (feed API on the badge build)', 0, 1)
}

if (failures.length > 0) process.stdout.write(`\n=== vitest failures (${failures.length})\n${failures.join('\n')}\n`)
process.stdout.write('\n' + lines.join('\n') + '\n')
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`)
process.exit(totals.failed === 0 ? 0 : 1)
