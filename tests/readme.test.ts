// The README against the tool (#13: "each README example is run by a
// test, so the README cannot drift from what the tool prints"). Every
// `picobadge` line in a sh block uses a command and options that
// command's help lists; an output block marked
// <!-- README check: picobadge … --> is what that command prints (every
// line of the block appears in its output: the simulations are seeded,
// and the blocks leave out the wall-time line); and each example below,
// top to bottom, is run as written where this machine can, or said why not.
// The runs that need a board, a native build, a compile or the package
// installed are in tests/readme-run.test.ts (two files: vitest runs them
// side by side, each well under a minute).
//
// | README place | example | how it is checked here |
// | --- | --- | --- |
// | top | `npm install` | not run: it made the tree this test runs in (CI runs it on a fresh clone) |
// | top | `npm test` | not run: it is the run this file belongs to |
// | top | `npm start` | package.json's start is `picobadge demo`; its output block (next row) runs |
// | What `npm start` shows | output block | README check: `picobadge demo --quiet`, for real |
// | Bigger simulations | 8 `sim` lines | options in `sim --help`; each runs for real with `--minutes 1` (and `--attack-from 0.5`; `--venue floor.json` on docs/VENUE.md's example floor): the README says its figures are examples. Asserted: exit 0 and the report's shape (the ✔/✘ lines, the `--json` fields, the `--hostile each` table, the native badges' line, the help's limits) |
// | Bigger simulations | "The first of these ends with" | README check: `sim --badges 200 --minutes 10 --quiet`, for real |
// | What decides the wall time | "about 8 s", "about a minute" | not asserted: timings (no timed assertions); `npm run bench` measures the simulator |
// | What a ✘ means | output block | README check: `sim --badges 100 --minutes 1 --quiet`, for real |
// | The badge, for firmware writers | "Version 3.1" | equal to docs/ABI.md's version |
// | The badge, for firmware writers | `new Badge({ flash }).init(now)` (`picobadge/badge`), `sync(a, b)` (`picobadge/sim`) | run, imported by the package's name (a scratch project whose node_modules/picobadge is this tree) |
// | Run a badge on your computer | `node scripts/native.mjs` | run by npm test's runner before vitest (scripts/test.mjs); here its binary must exist |
// | Run a badge on your computer | `keys new`, `build`, `picobadge-native --flash … --app … --event-key event.key` | for real, in a scratch folder: the board boots on the key file ("booted, RPC ready") and makes the flash file |
// | Run a badge on your computer | `test --native`, `test --native --destructive` | for real: "N of N vectors agree" |
// | Run a badge on your computer | `picobadge-native … --serial pty`, its `serial: /dev/pts/N` line, `test --port /dev/pts/N` | for real: the line's shape, then the test over that pty |
// | Run a badge on your computer | `enrol --key event.key --port /dev/pts/5`, `status --port /dev/pts/5` | for real, in the block's order before `test --port`, over the pty the board named: the cert taken, the status shown |
// | Run a badge on your computer | `sim --badges 40 --native 4` (prose) | the same options as the block's `--native 4` line, which runs |
// | Run a badge on your computer | the memory table | the classic and fast rows' high-water marks and wasm stacks equal `--report-memory` after a boot (the "same after `picobadge test --destructive`" is not re-checked: --report-memory prints at exit, and a board under test is ended by its host) |
// | Flash your first badge | `git clone`, `npm install`, `npm install -g .`, `npm pack` | not run (network, a global install); the `npm pack` tarball is checked to hold what the command needs |
// | Flash your first badge | `keys new`, `build`, `ports` | for real, in order, in a scratch folder |
// | Flash your first badge | `flash --board esp32 … --build … --app …`, `… --app-only` | for real, in-process, against the simulated ESP32 (tests/support/esp32-board.ts) on a synthetic ESP-IDF build folder in place of path/to/esp-idf/build |
// | Flash your first badge | `monitor --port /dev/ttyUSB0 --reset` | needs hardware: `--reset` pulses a USB-serial bridge's DTR/RTS, which no pty or simulated port here has; options checked; tests/monitor.test.ts drives the decoding and the reset pulse on a transport pair |
// | Flash your first badge | `flash --board nrf52 --hex … --app app.pbimg` | for real onto the simulated UF2 bootloader (tests/support/uf2-bootloader.ts), named with `--drive` (the README's line finds the drive under /media, /run/media, /Volumes or /mnt, which a test must not write) |
// | Flash your first badge | `flash --board nrf52 --app … --key … --out badge.uf2` | for real |
// | Flash your first badge | `enrol --key event.key --port /dev/ttyACM0` | needs hardware; the same command runs over the native board's pty above |
// | Flash your first badge | `enrol --key event.key --badge PUBKEY --out badge.cert` | for real, PUBKEY a badge key's (`keys new --badge`): a 64-byte cert |
// | Flash your first badge | `test --port /dev/ttyUSB0` (prose) | needs hardware; the same command runs over the native board's pty above |
// | Flash your first badge | `test --simulated-board` (prose) | for real |
// | Your own app | `app/index.ts` block, `build --entry app/index.ts --key event.key` | for real: the block as written in a scratch project (node_modules/picobadge is this tree), its rules the example app's; the image builds |
// | Your own app | "the app cannot start (-91): …" | the line host/app-refusal.ts makes for it (tests/app-refusal.test.ts holds that to the core) |
// | Use it from Node | the `Feed` block | run as written (by the package's name): prints "2 true" as its comment says |
// | Remember and forget | the `BadgeEngine` block | run as written, with `feedBytes` a real feed: accepts its blocks |
// | How fast | the bench table | not asserted: one run of `npm run bench` (timings); but the core's size and RAM rows, and "one 49.0 KiB module", equal the build |


import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, statSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coreWasmPath } from '../host/core.js'
import { CORE_BUILDS } from '../host/web/server.js'
import { PAGE_PACKAGES } from '../host/web/modules.js'
import { root, readme, run, section, commandLines, codeBlock, withOption } from './support/readme.js'

describe('README', () => {
  it('every picobadge line uses a command and options its help lists', async () => {
    const lines = commandLines()
    expect(lines.length).toBeGreaterThan(15)
    const helps = new Map<string, string>()
    for (const [cmd, ...args] of lines) {
      if (!helps.has(cmd)) {
        const h = await run([cmd, '--help'])
        expect(h.status, `picobadge ${cmd} --help`).toBe(0)
        helps.set(cmd, h.stdout)
      }
      for (const a of args.filter(a => a.startsWith('--') && a !== '--help')) { // --help is every command's
        const opt = a.split('=')[0]
        expect(helps.get(cmd), `README: picobadge ${cmd} ${args.join(' ')}: ${opt} is not in its help`).toMatch(new RegExp(`(^|[\\s\\[|])${opt}\\b`, 'm'))
      }
    }
  })

  it('`npm start` is the demo whose output it shows', () => {
    expect(codeBlock(readme, 'sh')).toMatch(/^npm start /m)
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start).toBe('node dist/host/cli.js demo')
  })

  it('each output it shows is what the command prints', async () => {
    const checks = [...readme.matchAll(/<!-- README check: picobadge (.*?) -->\n```\n([\s\S]*?)```/g)]
    expect(checks.length).toBeGreaterThanOrEqual(3)
    for (const [, command, shown] of checks) {
      const r = await run(command.split(' '))
      expect(r.status, command).toBe(0)
      for (const line of shown.split('\n').filter(l => l.trim())) expect(r.stdout, `README: picobadge ${command}`).toContain(line)
    }
  })

  it('"Bigger simulations": every line runs (one simulated minute each: its figures are examples, as it says)', async () => {
    const text = section('### Bigger simulations')
    expect(text).toMatch(/The figures in these lines are examples/)
    const lines = commandLines(text.slice(0, text.indexOf('The first of these')))
    expect(lines.map(l => l[0])).toEqual(Array(8).fill('sim'))
    // `--venue floor.json`: the floor docs/VENUE.md shows, as written.
    const venueDir = mkdtempSync(join(tmpdir(), 'readme-venue-'))
    writeFileSync(join(venueDir, 'floor.json'), codeBlock(readFileSync(join(root, 'docs/VENUE.md'), 'utf8'), 'json'))
    for (const line of lines) {
      const args = line.slice(1).map(a => a === 'floor.json' ? join(venueDir, 'floor.json') : a)
      if (args.includes('--help')) {
        const h = await run(['sim', '--help'])
        expect(h.stdout).toMatch(/^usage: picobadge sim/m)
        expect(h.stdout).toMatch(/--badges N +badges on the floor, 2 to 10000/) // the limits it enforces
        continue
      }
      let short = withOption(args, '--minutes', '1')
      if (short.includes('--attack-from')) short = withOption(short, '--attack-from', '0.5')
      const r = await run(['sim', ...short, ...(short.includes('--json') ? [] : ['--quiet'])])
      expect(r.status, `picobadge sim ${short.join(' ')}\n${r.stderr}`).toBe(0)
      if (short.includes('--json')) {
        const report = JSON.parse(r.stdout)
        expect(report).toMatchObject({ badges: 60, minutes: 1 })
        expect(report.hostile.badges).toBe(3) // garbage, forge, flood: one badge each
        expect(Object.keys(report.hostile.kinds).sort()).toEqual(['flood', 'forge', 'garbage'])
        expect(report.honest).toMatchObject({ badges: 57, postsNotDelivered: expect.any(Number) })
      } else if (short.includes('each')) {
        expect(r.stdout).toMatch(/^What one hostile badge of each kind cost the \d+ honest badges/m)
        for (const kind of ['none', 'clock', 'hijack', 'push', 'replay', 'advert-spam', 'impersonate', 'collide']) expect(r.stdout).toMatch(new RegExp(`^${kind} `, 'm'))
      } else {
        expect(r.stdout).toMatch(/^[✔✘] \d+ of \d+ posts reached all \d+ badges/m)
        expect(r.stdout).toMatch(/^[✔✘] (all \d+ badges hold exactly|\d+ of \d+ badges hold) the same chains/m)
        if (short.includes('--native')) expect(r.stdout).toMatch(/^4 native badges \(real C under WAMR\)/m)
        if (short.includes('all')) expect(r.stdout).toMatch(/^\d+ honest \+ 11 hostile badges/m)
      }
    }
  })

  it('"How fast": the core\'s size and RAM are the build\'s', () => {
    const text = section('## How fast')
    const size = statSync(coreWasmPath()).size
    const kib = (size / 1024).toFixed(1)
    expect(text).toContain(`| \`build/core.wasm\` size | | ${kib} KiB (${size.toLocaleString('en-US')} B)`)
    expect(text).toContain(`is one ${kib} KiB module in one 64 KiB page`)
    const used = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(coreWasmPath())), { env: { flash_read: () => -1, flash_program: () => -1, flash_erase: () => -1, host_entropy: () => -1, host_log: () => {}, host_ed25519_verify: () => 0, host_ed25519_sign: () => 0 } }).exports.memory_used as () => number
    expect(text).toContain(`(${used().toLocaleString('en-US')} B)`)
  })

  it('npm pack holds what the installed command and its page need (the README installs it from a clone or a tarball)', () => {
    expect(readme).toMatch(/npm install -g \./)
    const p = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
    expect(p.status, p.stderr).toBe(0)
    const files = (JSON.parse(p.stdout)[0].files as Array<{ path: string }>).map(f => f.path)
    for (const f of ['dist/host/cli.js', 'build/core.wasm', 'build/core-host.wasm', 'asconfig.json', 'assembly/index.ts']) expect(files).toContain(f)
    // What `picobadge web` serves from an install (host/web/server.ts): the page, its compiled code, every build of the core it loads,
    // and the npm packages it imports, installed with the package (its dependencies, or theirs).
    const page = ['web/index.html', 'web/style.css', ...readdirSync(join(root, 'dist/web')).filter(f => f.endsWith('.js')).map(f => `dist/web/${f}`), ...CORE_BUILDS.map(b => b.slice(1))]
    expect(page.filter(f => !files.includes(f))).toEqual([])
    const pkg = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    const installed = new Set(Object.keys(pkg(root).dependencies ?? {}))
    for (const d of [...installed]) for (const dd of Object.keys(pkg(join(root, 'node_modules', d)).dependencies ?? {})) installed.add(dd)
    expect(PAGE_PACKAGES.filter(p => !installed.has(p))).toEqual([])
  })
})
