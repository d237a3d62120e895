// Every command and subcommand of `picobadge` fed bad input, as a newcomer
// or a slip of the hand would (#13): missing, unwritable, truncated,
// wrong-kind and corrupt files; missing ports; out-of-range numbers.
// For each: a non-zero exit, one or two lines on stderr that say what went
// wrong and what to do, no stack trace, and no half-written output (a file
// is complete or absent). The files are small and nothing here compiles,
// so each run is quick; the spawn timeout only guards against a hang.

import { describe, it, expect } from 'vitest'
import { spawnSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync, chmodSync, mkdirSync, cpSync, copyFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

const cli = fileURLToPath(new URL('../dist/host/cli.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'cli-bad-'))
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env, cwd: dir })

/** The contract for bad input: non-zero, one or two lines naming the problem, no stack. */
function refused (args: string[], why: RegExp, env?: NodeJS.ProcessEnv) {
  const r = run(args, env)
  const where = `picobadge ${args.join(' ')}\n${r.stderr}`
  expect(r.status, where).not.toBe(0)
  expect(r.status, where).not.toBeNull()
  // Progress lines ('  0%  connect') are not the error; everything else counts.
  const lines = r.stderr.trimEnd().split('\n').filter(l => !/^ *\d+% {2}/.test(l))
  expect(lines.length, where).toBeGreaterThanOrEqual(1)
  expect(lines.length, where).toBeLessThanOrEqual(2)
  expect(r.stderr, where).not.toMatch(/^\s+at .*[:(]/m)
  expect(r.stderr, where).toMatch(why)
  return r
}
const path = (name: string) => join(dir, name)
const noTemp = () => expect(readdirSync(dir).filter(f => f.endsWith('.tmp'))).toEqual([])

// Keys made once, through the command.
expect(run(['keys', 'new', '--event', '--out', path('event.key')]).status).toBe(0)
expect(run(['keys', 'new', '--badge', '--out', path('badge.key')]).status).toBe(0)

describe('picobadge keys', () => {
  it('refuses missing, corrupt and wrong-kind key files and unwritable outputs, in a line', () => {
    refused(['keys'], /keys needs a command: new or show/)
    refused(['keys', 'old'], /unknown keys command 'old'/)
    refused(['keys', 'new', '--out', path('k')], /say which key: --event or --badge/)
    refused(['keys', 'new', '--event'], /--out FILE is needed/)
    refused(['keys', 'show'], /usage: picobadge keys show FILE/)
    refused(['keys', 'show', path('none.key')], /cannot read key file .*none\.key/)
    writeFileSync(path('corrupt.key'), '{"picobadge":"event-key","publicKey":')
    refused(['keys', 'show', path('corrupt.key')], /not a picobadge key file \(not JSON\)/)
    writeFileSync(path('hex.key'), JSON.stringify({ picobadge: 'event-key', publicKey: 'zz'.repeat(32), secretKey: 'zz'.repeat(32) }))
    refused(['keys', 'show', path('hex.key')], /secretKey must be 32 bytes of lowercase hex/)
    refused(['keys', 'show', dir], /cannot read key file/)
    // Unwritable: a missing folder, a folder, a full device; nothing is left behind.
    refused(['keys', 'new', '--event', '--out', path('nodir/event.key')], /cannot write the key .*: the folder .*nodir does not exist/)
    refused(['keys', 'new', '--event', '--out', dir], /is a folder; give a file name/)
    if (existsSync('/dev/full')) refused(['keys', 'new', '--event', '--force', '--out', '/dev/full'], /no space left on the device/)
    const before = readFileSync(path('event.key'), 'utf8')
    refused(['keys', 'new', '--event', '--out', path('event.key')], /exists: not overwriting the key \(use --force\)/)
    expect(readFileSync(path('event.key'), 'utf8')).toBe(before)
    noTemp()
  })
})

describe('picobadge build', () => {
  it('refuses a badge key: no badge runs an image it signs, and nothing is written', () => {
    refused(['build', '--key', path('badge.key'), '--out', path('b.pbimg')], /badge\.key is a badge-key, not an event key.*keys new --event/)
    expect(existsSync(path('b.pbimg'))).toBe(false)
  })

  it('refuses an output it cannot write before compiling, in a line (not the compiler\'s source)', () => {
    refused(['build', '--key', path('event.key'), '--out', dir], /cannot write the app image .*: it is a folder/)
    refused(['build', '--key', path('event.key'), '--out', path('nodir/app.pbimg')], /the folder .*nodir does not exist/)
    refused(['build', '--key', path('event.key'), '--out', path('m.pbimg'), '--module', '/nodir/a.wasm'], /cannot write the module \/nodir\/a\.wasm/)
    expect(existsSync(path('m.pbimg'))).toBe(false)
    refused(['build', '--key', path('none.key')], /cannot read key file/)
    refused(['build', '--key', path('event.key'), '--entry', path('none.ts'), '--out', path('n.pbimg')], /none\.ts/)
    refused(['build', '--key', path('event.key'), '--bogus'], /unknown option '?--bogus/)
    noTemp()
  })

  it('warns when the event key is readable by others, as the key help promises', () => {
    const loose = path('loose.key')
    writeFileSync(loose, readFileSync(path('event.key')))
    chmodSync(loose, 0o644)
    const r = run(['build', '--key', loose, '--out', path('nodir/x.pbimg')])
    expect(r.stderr).toMatch(/warning: .*loose\.key is readable by others .*chmod 600/)
  })
})

describe('picobadge sim', () => {
  it('refuses out-of-range numbers in a line, and its help states every limit it enforces', () => {
    const help = run(['sim', '--help']).stdout
    for (const [opt, bad] of [['badges', '1'], ['badges', '10001'], ['minutes', '0'], ['minutes', '2000'], ['seed', '-1'], ['posters', '2'], ['mtu', '22'], ['power-cuts', '-1']]) {
      const r = refused(['sim', `--${opt}=${bad}`, '--quiet'], new RegExp(`--${opt} must be an? (integer|number) from `))
      const [, lo, hi] = /from (\S+) to (\S+),/.exec(r.stderr)!
      const range = new RegExp(`--${opt} .*${lo.replace('.', '\\.')} to (${hi}|2\\^32-1|1e6)`)
      expect(help, `the help of --${opt} says ${lo} to ${hi}`).toMatch(range)
    }
    refused(['sim', '--hostile', 'nice'], /--hostile: unknown kind nice/)
    refused(['sim', '--badges'], /--badges needs a value/)
  })

  it('a tenth of a minute says so, and does not report a failure for posts that had no time to be made', () => {
    const r = run(['sim', '--minutes', '0.1', '--quiet'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^40 badges, 0\.1 simulated minutes/)
    expect(r.stdout).not.toMatch(/✘ 0 of 0 posts/)
  })

  it('--native before the native board is built says how to build it, in a line (a copy of dist/ beside a build/ without it)', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-unbuilt-'))
    cpSync(fileURLToPath(new URL('../dist', import.meta.url)), join(root, 'dist'), { recursive: true })
    mkdirSync(join(root, 'build'))
    for (const f of ['core.wasm', 'core-host.wasm', 'core-pooled.wasm']) copyFileSync(fileURLToPath(new URL(`../build/${f}`, import.meta.url)), join(root, 'build', f))
    writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }))
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(root, 'node_modules'))
    const r = spawnSync(process.execPath, [join(root, 'dist', 'host', 'cli.js'), 'sim', '--badges', '4', '--minutes', '0.1', '--native', '1', '--quiet'], { encoding: 'utf8', timeout: 120_000, cwd: dir })
    const where = r.stderr
    expect(r.status, where).toBe(1)
    expect(r.stderr, where).toMatch(/^picobadge sim: the native board \(classic\) is not built: run `node scripts\/native\.mjs`/)
    expect(r.stderr, where).not.toMatch(/internal error|a bug/)
    expect(r.stderr.trimEnd().split('\n').length, where).toBe(1)
  })

  it('with --json, progress goes to stderr and stdout is only the JSON', () => {
    const r = run(['sim', '--minutes', '0.2', '--badges', '10', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).badges).toBe(10)
    expect(r.stderr).toMatch(/100% +simulating/)
  })
})

describe('picobadge flash', () => {
  // An app image, made from the event key without the compiler: a module of a few bytes.
  const image = path('app.pbimg')
  const nrf = (...a: string[]) => ['flash', '--board', 'nrf52', ...a]
  const esp = (...a: string[]) => ['flash', '--board', 'esp32', ...a]

  it('nrf52: refuses missing, truncated, wrong-kind and corrupt files, missing ports and folders, and writes nothing', async () => {
    const { makeImage } = await import('../host/image.js')
    const { readKeyFile } = await import('../host/keyfile.js')
    const good = makeImage(new Uint8Array(100).fill(7), readKeyFile(path('event.key')).secretKey)
    writeFileSync(image, good)
    writeFileSync(path('short.pbimg'), good.subarray(0, 150))
    writeFileSync(path('tiny.pbimg'), good.subarray(0, 20))
    writeFileSync(path('bad.hex'), ':10000000GARBAGE\n')
    writeFileSync(path('mbr.hex'), ':020000040000FA\n:0400000001020304F2\n:00000001FF\n')
    refused(['flash'], /--board is needed: esp32 or nrf52/)
    refused(['flash', '--board', 'avr'], /unknown board 'avr'/)
    refused(nrf(), /give --hex .*--app .*or both/)
    refused(nrf('--app', path('none.pbimg'), '--out', path('a.uf2')), /cannot read app image .*none\.pbimg/)
    refused(nrf('--app', dir, '--out', path('a.uf2')), /cannot read app image/)
    refused(nrf('--app', path('short.pbimg'), '--out', path('a.uf2')), /short\.pbimg is not an app image a badge would run: .*cut short/)
    refused(nrf('--app', path('tiny.pbimg'), '--out', path('a.uf2')), /20 bytes, shorter than an image's 144-byte header/)
    refused(nrf('--app', path('event.key'), '--out', path('a.uf2')), /event\.key is not an app image .*not a picobadge app image/)
    refused(nrf('--hex', path('bad.hex'), '--out', path('a.hex')), /bad\.hex is not a valid Intel HEX file/)
    refused(nrf('--hex', path('mbr.hex'), '--out', path('a.uf2')), /bytes at 0x000000, in the MBR and SoftDevice area/)
    refused(nrf('--app', image, '--key', path('badge.key'), '--out', path('a.uf2')), /badge-key, not an event key/)
    refused(nrf('--app', image, '--out', path('a.bin')), /--out must end in \.hex or \.uf2/)
    refused(nrf('--app', image, '--out', path('nodir/a.uf2')), /cannot write the merged file .*: the folder .*nodir does not exist/)
    refused(nrf('--app', image, '--out', dir + '/'), /--out must end in|is a folder/)
    refused(nrf('--app', image, '--drive', path('nodir')), /not a UF2 bootloader drive/)
    refused(nrf('--app', image, '--port', '/dev/picobadge-no-such-port'), /cannot open \/dev\/picobadge-no-such-port/)
    refused(nrf('--app', image, '--port'), /--port needs a value/)
    for (const f of ['a.uf2', 'a.hex', 'a.bin']) expect(existsSync(path(f)), f).toBe(false)
    noTemp()
    // And the good image goes through (the check is not refusing everything).
    expect(run(nrf('--app', image, '--key', path('event.key'), '--out', path('ok.uf2'))).status).toBe(0)
    // An event key others can read: flashed, with the warning the key help promises.
    writeFileSync(path('open.key'), readFileSync(path('event.key')))
    chmodSync(path('open.key'), 0o644)
    const loose = run(nrf('--app', image, '--key', path('open.key'), '--out', path('ok2.uf2')))
    expect(loose.status).toBe(0)
    expect(loose.stderr).toMatch(/warning: .*open\.key is readable by others/)
  })

  it('esp32: refuses missing build folders, corrupt flasher_args.json, images that are not images, missing ports, out-of-range bauds', () => {
    mkdirSync(path('build'), { recursive: true })
    writeFileSync(path('build/flasher_args.json'), '{ "flash_files": ')
    writeFileSync(path('README.md'), '# not an image\n'.repeat(20))
    refused(esp('--app', image), /--port is required/)
    refused(esp('--port', '/dev/x'), /nothing to flash/)
    refused(esp('--port', '/dev/x', '--baud', '5', '--app', image), /--baud 5: give a baud rate between 9600 and 2000000/)
    refused(esp('--port', '/dev/x', '--file', 'nowhere'), /--file nowhere: write it as OFFSET=PATH/)
    refused(esp('--port', '/dev/x', '--build', path('nodir')), /is not an ESP-IDF build folder/)
    refused(esp('--port', '/dev/x', '--build', path('build')), /flasher_args\.json is not valid JSON/)
    refused(esp('--port', '/dev/x', '--app', path('README.md'), '--app-only'), /README\.md is not an app image .*not a picobadge app image/)
    refused(esp('--port', '/dev/x', '--app', path('none.pbimg'), '--app-only'), /the app image does not exist/)
    refused(esp('--port', '/dev/picobadge-no-such-port', '--app', image, '--app-only'), /\/dev\/picobadge-no-such-port.*Nothing was written/)
    refused(esp('--port', '/dev/x', '--key', path('event.key')), /--key checks the app image: give --app too|nothing to flash/)
  })
})

describe('picobadge enrol and beacon', () => {
  const badge = 'ab'.repeat(32) // any 64 hex digits: a badge's public key as the desk reads it off the badge
  it('refuse missing and wrong-kind keys and unwritable outputs in a line, and write nothing half', () => {
    refused(['enrol', '--badge', badge], /--key FILE is needed: the event key that enrols badges/)
    refused(['enrol', '--key', path('event.key'), '--badge', '12'], /--badge: the badge's public key is 64 hex digits, not 12/)
    refused(['enrol', '--key', path('event.key')], /--badge PUBKEY is needed \(or --port PORT, to ask the badge\)/)
    refused(['enrol', '--key', path('event.key'), '--badge', badge, '--baud', '9600'], /--baud is the speed of --port PORT/)
    refused(['enrol', '--key', path('event.key'), '--port', '/dev/picobadge-no-such-port'], /\/dev\/picobadge-no-such-port/)
    refused(['beacon', '--key', path('event.key'), '--port', '/dev/picobadge-no-such-port'], /\/dev\/picobadge-no-such-port/)
    refused(['enrol', '--key', path('none.key'), '--badge', badge], /cannot read key file .*none\.key/)
    refused(['enrol', '--key', path('badge.key'), '--badge', badge], /badge\.key is a badge-key, not an event key/)
    refused(['beacon', '--key', path('badge.key')], /badge\.key is a badge-key, not an event key/)
    refused(['beacon', '--key', path('event.key'), '--time', 'yesterday'], /--time: not a time: yesterday/)
    for (const [cmd, what] of [[['enrol', '--key', path('event.key'), '--badge', badge], 'enrolment cert'], [['beacon', '--key', path('event.key')], 'beacon']] as const) {
      refused([...cmd, '--out', path('nodir/x.bin')], new RegExp(`cannot write the ${what} .*: the folder .*nodir does not exist`))
      refused([...cmd, '--out', dir], /is a folder; give a file name/)
      if (existsSync('/dev/full')) refused([...cmd, '--out', '/dev/full'], /no space left on the device/)
    }
    noTemp()
  })

  it('warn when the event key is readable by others, as build and flash do', () => {
    const loose = path('loose-desk.key')
    writeFileSync(loose, readFileSync(path('event.key')))
    chmodSync(loose, 0o644)
    for (const args of [['enrol', '--key', loose, '--badge', badge], ['beacon', '--key', loose]]) {
      const r = run(args)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/^warning: .*loose-desk\.key is readable by others .*chmod 600/)
    }
  })
})

describe('picobadge monitor, test, ports, demo, and the command itself', () => {
  it('refuses missing ports, out-of-range numbers and unknown options, in a line', () => {
    refused(['monitor'], /--port is needed/)
    refused(['monitor', '--port', '/dev/picobadge-no-such-port'], /cannot open \/dev\/picobadge-no-such-port.*picobadge ports lists the ports/)
    refused(['monitor', '--port', '/dev/x', '--baud', '10'], /--baud must be an integer from 1200 to 4000000, not 10/)
    refused(['test'], /--port is needed \(or --native, or --simulated-board\)/)
    refused(['test', '--simulated-board', '--port', '/dev/x'], /one board: --port, --native or --simulated-board/)
    refused(['test', '--port', '/dev/picobadge-no-such-port'], /cannot open \/dev\/picobadge-no-such-port/)
    refused(['test', '--simulated-board', '--seed=-1'], /--seed must be an integer from 0 to 4294967295, not -1/)
    refused(['test', '--native', '--interp', 'jit'], /--interp is classic or fast/)
    refused(['test', '--simulated-board', '--asan'], /--interp and --asan go with --native/)
    refused(['ports', '--bogus'], /unknown option --bogus/)
    refused(['ports', 'extra'], /unexpected argument: extra/)
    refused(['demo', '--seed', 'x'], /--seed must be an integer/)
    refused(['nosuch'], /unknown command 'nosuch' \(sim, demo, .*\)/)
  })
})

describe('a busy port', () => {
  // A pty another process holds locked, as a serial monitor holds a board's port
  // (serialport takes an exclusive flock; so does this holder). Python makes the pty.
  const python = spawnSync('python3', ['-c', 'import pty, fcntl']).status === 0
  it.skipIf(!python)('monitor, test and flash say the port is in use by another program, and what to do', async () => {
    const holder = spawn('python3', ['-c', [
      'import os, pty, fcntl, sys',
      'm, s = pty.openpty()',
      'name = os.ttyname(s)',
      'fd = os.open(name, os.O_RDWR | os.O_NOCTTY)',
      'fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)',
      'print(name, flush=True)',
      'sys.stdin.read()'
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] })
    try {
      const pts = await new Promise<string>(resolve => holder.stdout.once('data', b => resolve(String(b).trim())))
      const { makeImage } = await import('../host/image.js')
      const { readKeyFile } = await import('../host/keyfile.js')
      writeFileSync(path('busy.pbimg'), makeImage(new Uint8Array(64), readKeyFile(path('event.key')).secretKey))
      const busy = /in use by another program .*close that and try again/
      refused(['monitor', '--port', pts], busy)
      refused(['test', '--port', pts], busy)
      refused(['flash', '--board', 'nrf52', '--app', path('busy.pbimg'), '--port', pts], busy)
      refused(['flash', '--board', 'esp32', '--port', pts, '--app', path('busy.pbimg'), '--app-only'], busy)
    } finally { holder.stdin.end(); holder.kill() }
  })
})

describe('unreadable and unwritable files', () => {
  // Permissions bind everyone but root: as root, these run the command as nobody.
  const root = process.getuid?.() === 0
  const as = root ? { uid: 65534, gid: 65534 } : {}
  const runAs = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd, ...as })
  it.skipIf(process.platform === 'win32')('a key or image the user cannot read, a folder they cannot write: one line each, nothing written', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cli-perm-'))
    chmodSync(d, 0o755)
    const { makeImage } = await import('../host/image.js')
    const { readKeyFile } = await import('../host/keyfile.js')
    writeFileSync(join(d, 'event.key'), readFileSync(path('event.key')), { mode: 0o000 })
    writeFileSync(join(d, 'app.pbimg'), makeImage(new Uint8Array(64), readKeyFile(path('event.key')).secretKey), { mode: 0o000 })
    mkdirSync(join(d, 'locked'), { mode: 0o555 })
    chmodSync(join(d, 'locked'), 0o555)
    const check = (args: string[], why: RegExp) => {
      const r = runAs(args, d)
      const where = `picobadge ${args.join(' ')}\n${r.stderr}`
      expect(r.status, where).not.toBe(0)
      expect(r.stderr.trimEnd().split('\n').length, where).toBeLessThanOrEqual(2)
      expect(r.stderr, where).not.toMatch(/^\s+at .*[:(]/m)
      expect(r.stderr, where).toMatch(why)
    }
    check(['keys', 'show', 'event.key'], /cannot read key file event\.key: EACCES/)
    check(['build', '--key', 'event.key'], /cannot read key file event\.key: EACCES/)
    check(['flash', '--board', 'nrf52', '--app', 'app.pbimg', '--out', 'a.uf2'], /cannot read app image app\.pbimg: EACCES/)
    check(['keys', 'new', '--badge', '--out', 'locked/badge.key'], /cannot write the key locked\/badge\.key: permission denied \(choose a folder you can write to\)/)
    chmodSync(join(d, 'app.pbimg'), 0o644)
    check(['flash', '--board', 'nrf52', '--app', 'app.pbimg', '--out', 'locked/a.uf2'], /cannot write the merged \.uf2 locked\/a\.uf2: permission denied/)
    expect(readdirSync(join(d, 'locked'))).toEqual([])
    expect(existsSync(join(d, 'a.uf2'))).toBe(false)
  })
})
