// The README's examples that need a board, a native build, a compile or
// the package installed: run as written, against the native board and the
// simulated ESP32 and UF2 bootloader where hardware is absent. Which
// example is checked how: the table in tests/readme.test.ts.

import { describe, it, expect } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, mkdtempSync, existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { MemoryMap } from '../host/flash/memory-map.js'
import { esp32FlashCommand } from '../host/flash/command.js'
import { NRF52840 } from '../host/flash/nrf52.js'
import { readKeyFile } from '../host/keyfile.js'
import { verifyImage } from '../host/image.js'
import { appRefusalLine } from '../host/app-refusal.js'
import { nativeBinaryPath } from '../host/native/board.js'
import { simulatedBoard, syntheticBuild, APP_PARTITION } from './support/esp32-board.js'
import { SimulatedUf2Bootloader } from './support/uf2-bootloader.js'
import { root, cli, run, section, commandLines, shellLines, codeBlock, project, nativeBoard, sink } from './support/readme.js'

describe('README, run as written', () => {
  it('"The badge, for firmware writers": the ABI version it names is docs/ABI.md\'s; Badge and sync work as it says', () => {
    const abi = readFileSync(join(root, 'docs/ABI.md'), 'utf8')
    const version = /^Version: \*\*(\d+\.\d+)\*\*/m.exec(abi)![1]
    expect(section('## The badge, for firmware writers')).toContain(`Version ${version}.`)
    const dir = project()
    writeFileSync(join(dir, 'badges.mjs'), `
import { Badge } from 'picobadge/badge'
import { NorFlash, NRF52840 } from 'picobadge/nor-flash'
import { sync } from 'picobadge/sim'
const a = new Badge({ flash: new NorFlash(NRF52840) }).init(1000)
const b = new Badge({ flash: new NorFlash(NRF52840) }).init(1000)
a.post('cards', { name: 'Ada' }, 2000)
sync(a, b, { t: 3000 })
console.log(b.chains().map(c => Buffer.from(c.owner).toString('hex')).join(','), Buffer.from(a.identity()).toString('hex'))
`)
    const r = spawnSync(process.execPath, ['badges.mjs'], { cwd: dir, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    const [held, owner] = r.stdout.trim().split(' ')
    expect(held).toBe(owner) // b holds exactly a's chain: the card went over the pipe
  })

  it('"Run a badge on your computer" runs as written: the native board boots on the key file; picobadge test agrees, natively and over its pty; the memory table is what it reports', async () => {
    const text = section('## Run a badge on your computer')
    const lines = shellLines(text)
    expect(lines[0]).toBe('node scripts/native.mjs')
    expect(lines).toContain('npx picobadge test --port /dev/pts/5') // run over the pty below
    const native = nativeBinaryPath('classic') // built by npm test's runner, as the first line does
    const dir = mkdtempSync(join(tmpdir(), 'readme-native-'))
    const board = (line: string) => line.split(/\s+/).slice(1).map(a => a === 'build/native/classic/picobadge-native' ? native : a)
    for (const line of lines.slice(1)) {
      if (line.startsWith('npx picobadge ') && !line.includes('--port')) {
        const args = line.split(/\s+/).slice(2)
        const r = await run(args, dir)
        expect(r.status, `${line}\n${r.stderr}`).toBe(0)
        if (args[0] === 'test') expect(r.stdout).toMatch(/^(\d+) of \1 vectors agree/m)
      } else if (line.startsWith('build/native/classic/picobadge-native') && !line.includes('pty')) {
        const r = await nativeBoard([...board(line), '--report-memory'], dir)
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr).toMatch(/made a new identity on badge\.flash/)
        expect(statSync(join(dir, 'badge.flash')).size).toBe(256 * 1024)
        memoryRow('classic', r.stderr)
      } else if (line.includes('--serial pty')) {
        const shown = /^#\s+(serial: \/dev\/pts\/)\d+$/m.exec(text)
        expect(shown, 'the pty line it shows').not.toBeNull()
        const r = await nativeBoard(board(line), dir, async (stderr) => {
          const pty = /^serial: (\/dev\/pts\/\d+)$/m.exec(stderr)
          expect(pty, stderr).not.toBeNull()
          // The block's lines to /dev/pts/5, in its order, to the pty the board named: enrol and status
          // while the badge runs, then test (which stops it).
          const onPort = lines.filter(l => l.startsWith('npx picobadge ') && l.includes('--port /dev/pts/5'))
          expect(onPort.map(l => l.split(/\s+/)[2])).toEqual(['enrol', 'status', 'test'])
          for (const l of onPort) {
            const args = l.split(/\s+/).slice(2).map(a => a === '/dev/pts/5' ? pty![1] : a)
            const t = await new Promise<{ code: number | null, out: string }>(resolve => {
              const c = spawn(process.execPath, [cli, ...args], { cwd: dir })
              let out = ''
              c.stdout.on('data', (b: Buffer) => { out += b.toString() })
              c.stderr.on('data', (b: Buffer) => { out += b.toString() })
              c.on('exit', code => resolve({ code, out }))
            })
            expect(t.code, `${l}\n${t.out}`).toBe(0)
            if (args[0] === 'status') expect(t.out).toMatch(/mesh clock/)
            if (args[0] === 'test') expect(t.out).toMatch(/^(\d+) of \1 vectors agree/m)
          }
        })
        expect(r.code, r.stderr).toBeNull() // ended by SIGTERM, after the test
      }
    }
    // The fast row, after a boot.
    const f = spawnSync(nativeBinaryPath('fast'), ['--flash', join(dir, 'f.flash'), '--app', join(dir, 'app.img'), '--event-key', join(dir, 'event.key'), '--report-memory'], { input: '', encoding: 'utf8' })
    expect(f.status, f.stderr).toBe(0)
    memoryRow('fast', f.stderr)

    function memoryRow (interp: string, stderr: string): void {
      const m = /WAMR pool high-water (\d+) bytes \(pool \d+, wasm stack (\d+)\)/.exec(stderr)
      expect(m, stderr).not.toBeNull()
      const row = new RegExp(`^\\| ${interp} \\| ([\\d,]+) B \\| 65,536 B \\| (\\d+) KiB`, 'm').exec(text)
      expect(row, `the ${interp} row`).not.toBeNull()
      expect(Number(row![1].replace(/,/g, '')), `README's ${interp} high-water`).toBe(Number(m![1]))
      expect(Number(row![2]) * 1024).toBe(Number(m![2]))
    }
  })

  it('"Flash your first badge" runs as written, up to the board, and onto simulated boards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-'))
    const text = section('## Flash your first badge')
    const lines = commandLines(text)
    // Those that need nothing but what the ones before them made.
    const local = (l: string[]) => ['keys', 'build', 'ports'].includes(l[0]) || (l[0] === 'flash' && l.includes('--out') && !l.includes('--hex'))
    expect(lines.filter(local).map(l => l[0])).toEqual(['keys', 'build', 'ports', 'flash'])
    const seen: string[] = []
    const b = syntheticBuild()
    const esp32 = simulatedBoard() // one board for both lines: the second keeps the firmware the first wrote
    for (const l of lines) {
      const line = l.join(' ')
      if (local(l)) {
        const r = await run(l, dir)
        expect(r.status, `picobadge ${line}\n${r.stderr}`).toBe(0)
      } else if (l[0] === 'flash' && l.includes('esp32')) {
        // The simulated ESP32 on its virtual port; a synthetic ESP-IDF build folder where the README says path/to/esp-idf/build.
        const { chip, port } = esp32
        const args = l.slice(1).map(a => a === 'path/to/esp-idf/build' ? b.dir : a === 'app.pbimg' ? join(dir, 'app.pbimg') : a)
        const out = sink(); const err = sink()
        expect(await esp32FlashCommand(args, { stdout: out, stderr: err, openPort: () => port() }), `${line}\n${err.text}`).toBe(0)
        expect(out.text).toMatch(/every region verified by MD5/)
        const image = readFileSync(join(dir, 'app.pbimg'))
        expect(Buffer.from(chip.flash.bytes.subarray(APP_PARTITION.offset, APP_PARTITION.offset + image.length)).equals(image)).toBe(true)
      } else if (l[0] === 'flash' && l.includes('--hex')) {
        const uf2 = new SimulatedUf2Bootloader()
        writeFileSync(join(dir, 'zephyr.hex'), new MemoryMap([[0x26000, new Uint8Array(4096).fill(0x5a)]]).asHexString())
        const args = [...l.map(a => a === 'path/to/zephyr/build/zephyr/zephyr.hex' ? join(dir, 'zephyr.hex') : a), '--drive', uf2.drive]
        const r = await run(args, dir)
        expect(r.status, `picobadge ${line}\n${r.stderr}`).toBe(0)
        expect(uf2.process()).toBeGreaterThan(0)
        const image = readFileSync(join(dir, 'app.pbimg'))
        expect(Buffer.from(uf2.flash.subarray(NRF52840.image, NRF52840.image + image.length)).equals(image)).toBe(true)
      } else if (l[0] === 'enrol' && l.includes('--port')) {
        // To the badge on its cable: the same command runs against the native board's pty in "Run a badge on your computer".
        expect(l.slice(1)).toEqual(['--key', 'event.key', '--port', '/dev/ttyACM0'])
      } else if (l[0] === 'enrol') {
        expect((await run(['keys', 'new', '--badge', '--out', 'badge.key'], dir)).status).toBe(0)
        const pub = Buffer.from(readKeyFile(join(dir, 'badge.key')).publicKey).toString('hex')
        const r = await run(l.map(a => a === 'PUBKEY' ? pub : a), dir)
        expect(r.status, `picobadge ${line}\n${r.stderr}`).toBe(0)
        expect(statSync(join(dir, 'badge.cert')).size).toBe(64)
      } else if (l[0] === 'monitor') {
        // Needs hardware (see the table above): its options are checked with every line's.
      } else throw new Error(`README: no check for picobadge ${line}`)
      seen.push(l[0])
    }
    expect(seen).toEqual(['keys', 'build', 'ports', 'flash', 'flash', 'monitor', 'flash', 'flash', 'enrol', 'enrol'])
    expect(existsSync(join(dir, 'badge.uf2'))).toBe(true)
    expect(verifyImage(readFileSync(join(dir, 'app.pbimg')), readKeyFile(join(dir, 'event.key')).publicKey).length).toBeGreaterThan(0)
    // The prose's board-less test.
    expect(text).toContain('`picobadge test --simulated-board`')
    const t = await run(['test', '--simulated-board'], dir)
    expect(t.status, t.stderr).toBe(0)
    expect(t.stdout).toMatch(/^(\d+) of \1 vectors agree/m)
  })

  it('"Your own app" builds as written, and its refusal line is the one the tool prints', async () => {
    const text = section('### Your own app')
    const dir = project()
    mkdirSync(join(dir, 'app'))
    writeFileSync(join(dir, 'app', 'index.ts'), codeBlock(text, 'ts'))
    // Its two rules, as the example app writes them (tests/fixtures/app): top-level functions, exported.
    const fixture = readFileSync(join(root, 'tests/fixtures/app/index.ts'), 'utf8')
    const rules = fixture.slice(fixture.indexOf('// State (16 bytes)'), fixture.indexOf("registerCollection('waves'"))
    writeFileSync(join(dir, 'app', 'waves.ts'), "import { BlockContext, Latch, ACCEPT } from '../node_modules/picobadge/assembly/store/collection'\nimport { CborReader } from '../node_modules/picobadge/assembly/store/cbor'\n" + rules.replace(/^function /gm, 'export function '))
    expect((await run(['keys', 'new', '--event', '--out', 'event.key'], dir)).status).toBe(0)
    const build = /`(picobadge build --entry app\/index\.ts --key event\.key)`/.exec(text)
    expect(build).not.toBeNull()
    const r = await run([...build![1].split(' ').slice(1), '--out', 'app.pbimg'], dir)
    expect(r.status, r.stderr).toBe(0)
    expect(verifyImage(readFileSync(join(dir, 'app.pbimg')), readKeyFile(join(dir, 'event.key')).publicKey).length).toBeGreaterThan(0)
    // The refusal it quotes (up to its "…"), as host/app-refusal.ts words it.
    const quoted = /`(the app cannot start \(-91\): [^`…]*?) …`/.exec(text.replace(/\n/g, ' '))
    expect(quoted).not.toBeNull()
    expect(appRefusalLine(-91, ['cards', 'status']).startsWith(quoted![1])).toBe(true)
  })

  it('"Use it from Node" and "Remember and forget" run as written', () => {
    const dir = project()
    writeFileSync(join(dir, 'feed.mjs'), codeBlock(section('## Use it from Node'), 'js'))
    const r = spawnSync(process.execPath, ['feed.mjs'], { cwd: dir, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^\.-+/) // inspect()'s view (picofeed prints it on stderr)
    expect(r.stdout.split('\n')[0]).toBe('2 true') // as the block's comment says; inspect() prints after it
    // The store block takes a feed's bytes: a real one, made the way the block above makes it.
    const engine = codeBlock(section('## Remember and forget: the badge store'), 'js')
    writeFileSync(join(dir, 'engine.mjs'), `import { Feed, signPair } from 'picobadge'\nconst { sk } = signPair()\nconst f = new Feed(); f.append('hi', sk)\nconst feedBytes = f.buffer\n${engine.replace(/^(badge\.(dispatch|tick)\(.*?\))/gm, 'console.log($1)')}`)
    const e = spawnSync(process.execPath, ['engine.mjs'], { cwd: dir, encoding: 'utf8' })
    expect(e.stderr).toBe('')
    expect(e.stdout.trim().split('\n').map(Number)).toEqual([expect.any(Number), expect.any(Number)])
  })

})
