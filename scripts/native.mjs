#!/usr/bin/env node
// Builds the native board (boards/native) with CMake, once per variant, into
// build/native/<variant>/ (picobadge-native and the C unit tests of
// boards/common). Incremental: a configured variant is only rebuilt by make,
// which does nothing when nothing changed. WAMR comes from scripts/wamr.mjs
// (crates.io's wamr-sys 0.1.1) unless --wamr-dir or WAMR_DIR names a tree.
//
//   node scripts/native.mjs [--variant classic,fast,asan,asan-fast] [--wamr-dir DIR]
//
// Variants: classic and fast (WAMR's two interpreters), asan (classic with
// AddressSanitizer and UndefinedBehaviorSanitizer), asan-fast. Default: all.
// Exit 1 with one line when a tool is missing or a build fails.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { availableParallelism } from 'node:os'
import { wamrDir } from './wamr.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const VARIANTS = {
  classic: { interp: 'classic', sanitize: false },
  fast: { interp: 'fast', sanitize: false },
  asan: { interp: 'classic', sanitize: true },
  'asan-fast': { interp: 'fast', sanitize: true },
  // boards/common's fuzz targets (boards/native/fuzz), with both sanitizers:
  // libFuzzer when clang has its runtime, else the seeded driver.
  fuzz: { interp: 'classic', sanitize: true, fuzz: true }
}
const INSTALL = 'Debian: apt-get install cmake gcc make'

class NativeError extends Error {}

function have (cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return !r.error && r.status === 0
}

/** True when clang can link a libFuzzer target here (Debian: clang and libclang-rt-N-dev). */
export function libFuzzer () {
  if (!have('clang')) return false
  const dir = mkdtempSync(join(tmpdir(), 'pb-libfuzzer-'))
  try {
    const src = join(dir, 'probe.c')
    writeFileSync(src, 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n')
    return spawnSync('clang', ['-fsanitize=fuzzer,address,undefined', src, '-o', join(dir, 'probe')], { encoding: 'utf8' }).status === 0
  } finally { rmSync(dir, { recursive: true, force: true }) }
}

/** Builds the variants; returns { variant: dir }. Throws NativeError with one line. */
export async function buildNative ({ variants = Object.keys(VARIANTS), wamr, log = (s) => process.stderr.write(s) } = {}) {
  if (!have('cmake')) throw new NativeError(`cmake is missing: the native board needs cmake, a C compiler and make (${INSTALL})`)
  const cc = process.env.CC ?? 'cc'
  if (!have(cc)) throw new NativeError(`no C compiler (${cc}): the native board needs one (${INSTALL})`)
  if (!have('make')) throw new NativeError(`make is missing (${INSTALL})`)
  const verifier = join(root, 'build', 'verifier.wasm')
  if (!existsSync(verifier)) throw new NativeError('build/verifier.wasm is missing: run npm run build first')
  let dir
  try { dir = await wamrDir(wamr) } catch (e) { throw new NativeError(e.message) }
  const out = {}
  for (const v of variants) {
    const spec = VARIANTS[v]
    if (!spec) throw new NativeError(`unknown variant ${v} (${Object.keys(VARIANTS).join(', ')})`)
    const build = join(root, 'build', 'native', v)
    const cache = join(build, 'CMakeCache.txt')
    // Another WAMR tree means another build from scratch, never a mix of two runtimes' objects.
    if (existsSync(cache) && !readFileSync(cache, 'utf8').includes(`WAMR_DIR:PATH=${dir}\n`)) rmSync(build, { recursive: true, force: true })
    mkdirSync(build, { recursive: true })
    if (!existsSync(cache)) {
      const fuzz = spec.fuzz ? ['-DPB_FUZZ=ON', ...(libFuzzer() ? ['-DPB_LIBFUZZER=ON', '-DCMAKE_C_COMPILER=clang'] : [])] : []
      const c = spawnSync('cmake', ['-S', join(root, 'boards', 'native'), '-B', build, `-DWAMR_DIR=${dir}`, `-DPB_INTERP=${spec.interp}`, `-DPB_SANITIZE=${spec.sanitize ? 'ON' : 'OFF'}`, `-DPB_VERIFIER=${verifier}`, ...fuzz], { encoding: 'utf8' })
      if (c.status !== 0) { log(c.stdout + c.stderr); throw new NativeError(`cmake could not configure the ${v} variant (above)`) }
    }
    const t0 = Date.now()
    const b = spawnSync('cmake', ['--build', build, '--', `-j${availableParallelism()}`], { encoding: 'utf8', maxBuffer: 1 << 26 })
    if (b.status !== 0) { log(b.stdout + b.stderr); throw new NativeError(`the ${v} variant did not build (above)`) }
    log(`native ${v}: ${join('build', 'native', v, 'picobadge-native')} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
    out[v] = build
  }
  return out
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  let variants
  let wamr
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--variant' || argv[i] === '--variants') variants = (argv[++i] ?? '').split(',').filter(Boolean)
    else if (argv[i] === '--wamr-dir') wamr = argv[++i]
    else if (argv[i] === '--help') { process.stdout.write('usage: node scripts/native.mjs [--variant classic,fast,asan,asan-fast] [--wamr-dir DIR]\n'); process.exit(0) } else { process.stderr.write(`native: unknown option ${argv[i]}\n`); process.exit(1) }
  }
  try {
    await buildNative({ variants, wamr })
  } catch (e) {
    if (!(e instanceof NativeError)) throw e
    process.stderr.write(`native: ${e.message}\n`)
    process.exit(1)
  }
}
