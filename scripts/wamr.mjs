#!/usr/bin/env node
// WAMR's C sources for the native board (boards/native), from the one
// source CI can reach: crates.io's wamr-sys 0.1.1, which vendors WAMR as of
// December 2020. The crate is checked against its sha256 before anything of
// it is unpacked; a copy in the local cargo cache is used before the network.
// Prints the WAMR directory (the one holding build-scripts/runtime_lib.cmake).
//
//   node scripts/wamr.mjs            fetch (once) and print the directory
//   WAMR_DIR=/path node scripts/wamr.mjs   use that tree instead (checked, not fetched)
//
// Exit 1 with one line on stderr when it cannot (no network, a bad hash, no tar).

import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const CRATE = 'wamr-sys-0.1.1'
export const CRATE_URL = `https://static.crates.io/crates/wamr-sys/${CRATE}.crate`
export const CRATE_SHA256 = '7f8519ccb3c87b57003ea20d6d8ccbf57c8a2999fe1035369a2758b2d80341d0'

class WamrError extends Error {}

const isWamr = (dir) => existsSync(join(dir, 'build-scripts', 'runtime_lib.cmake'))
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

/** The crate's bytes: the cargo cache's copy when it has one, else crates.io. Checked against CRATE_SHA256. */
async function crateBytes () {
  const cache = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'registry', 'cache')
  if (existsSync(cache)) {
    for (const index of readdirSync(cache)) {
      const p = join(cache, index, `${CRATE}.crate`)
      if (!existsSync(p)) continue
      const bytes = readFileSync(p)
      if (sha256(bytes) === CRATE_SHA256) return bytes
      process.stderr.write(`wamr: ignoring ${p}: its sha256 is not ${CRATE}'s\n`)
    }
  }
  let res
  try {
    res = await fetch(CRATE_URL)
  } catch (e) {
    throw new WamrError(`cannot download ${CRATE_URL} (${e.cause?.code ?? e.message}): no network? Set WAMR_DIR to a WAMR source tree instead`)
  }
  if (!res.ok) throw new WamrError(`cannot download ${CRATE_URL}: HTTP ${res.status}`)
  const bytes = Buffer.from(await res.arrayBuffer())
  const got = sha256(bytes)
  if (got !== CRATE_SHA256) throw new WamrError(`${CRATE_URL} has sha256 ${got}, expected ${CRATE_SHA256}: refusing it`)
  return bytes
}

/** The WAMR directory: WAMR_DIR (or dir) if given, else build/deps/wamr-sys-0.1.1/wasm-micro-runtime, unpacked once. */
export async function wamrDir (dir = process.env.WAMR_DIR) {
  if (dir) {
    const d = resolve(dir)
    if (!isWamr(d)) throw new WamrError(`WAMR_DIR=${dir} is not a WAMR source tree (no build-scripts/runtime_lib.cmake)`)
    return d
  }
  const deps = join(root, 'build', 'deps')
  const out = join(deps, CRATE, 'wasm-micro-runtime')
  // Unpacked into a temporary directory and renamed: an interrupted run never leaves a half tree that looks whole.
  if (isWamr(out) && existsSync(join(deps, CRATE, '.sha256'))) return out
  const bytes = await crateBytes()
  const tmp = join(deps, `.${CRATE}.tmp`)
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const crate = join(tmp, `${CRATE}.crate`)
  writeFileSync(crate, bytes)
  const r = spawnSync('tar', ['-xzf', crate, '-C', tmp], { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new WamrError(`cannot unpack ${CRATE}: ${r.error ? 'tar is missing (Debian: apt-get install tar gzip)' : r.stderr.trim().split('\n')[0]}`)
  if (!isWamr(join(tmp, CRATE, 'wasm-micro-runtime'))) throw new WamrError(`${CRATE} holds no wasm-micro-runtime/build-scripts/runtime_lib.cmake`)
  writeFileSync(join(tmp, CRATE, '.sha256'), CRATE_SHA256 + '\n')
  rmSync(join(deps, CRATE), { recursive: true, force: true })
  renameSync(join(tmp, CRATE), join(deps, CRATE))
  rmSync(tmp, { recursive: true, force: true })
  return out
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(await wamrDir() + '\n')
  } catch (e) {
    if (!(e instanceof WamrError)) throw e
    process.stderr.write(`wamr: ${e.message}\n`)
    process.exit(1)
  }
}
