#!/usr/bin/env node
// Builds the Cortex-M4 board (boards/mps2, QEMU's mps2-an386) into build/m4/:
// the signed app image (build/core.wasm under a build-time event key, as
// `picobadge build` makes it) and the firmware with Debian's arm-none-eabi-gcc.
// Incremental: the event key is made once (build/m4/event-key.json: a test
// key, never a real event's), the image is rewritten only when its bytes
// change, and CMake rebuilds only what changed.
//
//   node scripts/m4.mjs [--wamr-dir DIR] [--pool BYTES] [--app-max BYTES] [--out DIR]
//
// Prints the ELF's path. Exit 1 with one line when a tool is missing or the
// build fails (the linker's "region `RAM' overflowed" when it does not fit).

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wamrDir } from './wamr.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const INSTALL = 'Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm (scripts/install-system.sh)'

export class M4Error extends Error {}

const have = (cmd, args = ['--version']) => { const r = spawnSync(cmd, args, { encoding: 'utf8' }); return !r.error && r.status === 0 }

/** Why the M4 board cannot be built or run here, or undefined when it can. */
export function m4Missing () {
  if (!have('cmake')) return `cmake is missing (${INSTALL})`
  if (!have('arm-none-eabi-gcc')) return `arm-none-eabi-gcc is missing (${INSTALL})`
  const nano = spawnSync('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard', '--specs=nano.specs', '-print-file-name=libc_nano.a'], { encoding: 'utf8' })
  if (nano.status !== 0 || !existsSync(nano.stdout.trim())) return `newlib-nano for arm-none-eabi is missing (${INSTALL})`
  if (!have('qemu-system-arm')) return `qemu-system-arm is missing (${INSTALL})`
  return undefined
}

/** The build-time event key of this build directory: made once, a test key. */
async function eventKey (out) {
  const p = join(out, 'event-key.json')
  if (existsSync(p)) {
    const k = JSON.parse(readFileSync(p, 'utf8'))
    return { secretKey: Buffer.from(k.secretKey, 'hex'), publicKey: Buffer.from(k.publicKey, 'hex') }
  }
  const { newKey } = await import('../dist/host/keyfile.js')
  const k = newKey('event-key')
  writeFileSync(p, JSON.stringify({ note: 'a test event key for the mps2 board under QEMU: never a real event\'s', secretKey: Buffer.from(k.secretKey).toString('hex'), publicKey: Buffer.from(k.publicKey).toString('hex') }, null, 2) + '\n')
  return k
}

function writeIfChanged (path, bytes) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(bytes)) === 0) return false
  writeFileSync(path, bytes)
  return true
}

/** Builds build/m4 (or out); returns { elf, reportElf, image, eventKey, dir }. Throws M4Error with one line. */
export async function buildM4 ({ wamr, pool, appMax, out = join(root, 'build', 'm4'), log = (s) => process.stderr.write(s) } = {}) {
  const missing = m4Missing()
  if (missing) throw new M4Error(missing)
  for (const f of ['core.wasm', 'verifier.wasm']) if (!existsSync(join(root, 'build', f))) throw new M4Error(`build/${f} is missing: run npm run build first`)
  if (!existsSync(join(root, 'dist', 'host', 'image.js'))) throw new M4Error('dist/host is missing: run npm run build first')
  let dir
  try { dir = await wamrDir(wamr) } catch (e) { throw new M4Error(e.message) }
  mkdirSync(out, { recursive: true })
  const key = await eventKey(out)
  const { makeImage } = await import('../dist/host/image.js')
  const image = join(out, 'app.img')
  writeIfChanged(image, makeImage(readFileSync(join(root, 'build', 'core.wasm')), key.secretKey, 1)) // app version 1: the same image (and no relink) until the core changes; QEMU boots with an erased floor
  const build = join(out, 'cmake')
  const cache = join(build, 'CMakeCache.txt')
  const defs = [`-DWAMR_DIR=${dir}`, `-DPB_VERIFIER=${join(root, 'build', 'verifier.wasm')}`, `-DPB_APP_IMAGE=${image}`, `-DPB_EVENT_KEY=${Buffer.from(key.publicKey).toString('hex')}`,
    // Unset, a size falls back to boards/mps2/CMakeLists.txt's default (never a stale cached one).
    pool ? `-DPB_WAMR_POOL=${pool}` : '-UPB_WAMR_POOL', appMax ? `-DPB_APP_MAX=${appMax}` : '-UPB_APP_MAX',
    '-UPB_STACK_SIZE', '-UPB_RPC_FRAME_MAX', '-UPB_RPC_REPLY_MAX']
  // Another WAMR tree means a build from scratch, never a mix of two runtimes' objects.
  if (existsSync(cache) && !readFileSync(cache, 'utf8').includes(`WAMR_DIR:PATH=${dir}\n`)) rmSync(build, { recursive: true, force: true })
  const c = spawnSync('cmake', ['-S', join(root, 'boards', 'mps2'), '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${join(root, 'boards', 'mps2', 'toolchain-arm-none-eabi.cmake')}`, ...defs], { encoding: 'utf8' })
  if (c.status !== 0) { log(c.stdout + c.stderr); throw new M4Error('cmake could not configure boards/mps2 (above)') }
  const t0 = Date.now()
  const b = spawnSync('cmake', ['--build', build, '--', `-j${availableParallelism()}`], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (b.status !== 0) {
    log(b.stdout + b.stderr)
    const overflow = /region `RAM' overflowed by (\d+) bytes/.exec(b.stdout + b.stderr)
    // The first error line goes in the message too: a caller that keeps the log quiet (the tests) still says why.
    const first = (b.stdout + b.stderr).split('\n').find(l => /error/i.test(l))?.trim()
    throw new M4Error(overflow ? `the firmware does not fit in its 192 KiB of RAM: over by ${overflow[1]} bytes` : `boards/mps2 did not build (above${first ? `; first error: ${first}` : ''})`)
  }
  log(`m4: ${join(build, 'picobadge-mps2.elf')} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
  return { elf: join(build, 'picobadge-mps2.elf'), reportElf: join(build, 'picobadge-mps2-report.elf'), image, eventKey: key.publicKey, dir: out }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  const opts = {}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--wamr-dir') opts.wamr = argv[++i]
    else if (argv[i] === '--pool') opts.pool = argv[++i]
    else if (argv[i] === '--app-max') opts.appMax = argv[++i]
    else if (argv[i] === '--out') opts.out = resolve(argv[++i])
    else if (argv[i] === '--help') { process.stdout.write('usage: node scripts/m4.mjs [--wamr-dir DIR] [--pool BYTES] [--app-max BYTES] [--out DIR]\n'); process.exit(0) } else { process.stderr.write(`m4: unknown option ${argv[i]}\n`); process.exit(1) }
  }
  try {
    const r = await buildM4(opts)
    process.stdout.write(r.elf + '\n')
  } catch (e) {
    if (!(e instanceof M4Error)) throw e
    process.stderr.write(`m4: ${e.message}\n`)
    process.exit(1)
  }
}
