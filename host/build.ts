// `picobadge build`: compiles a badge app (AssemblyScript: the core and the
// app's collections) to a WebAssembly module with the pinned options of
// asconfig.json's release target, checks that it is a badge (the badge ABI
// exported, only documented imports, fixed memory), and wraps it in an app
// image signed by the event's key, verified by the core before it is
// written (docs/ABI.md, "App image").

import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { makeImage, verifyImage, defaultVersion } from './image.js'
import { publicKeyOf } from './ed25519.js'
import { Badge, BadgeError } from './badge.js'
import { isAppRefusal } from './app-refusal.js'

/** The badge calls firmware makes: an app module must export every one. */
export const BADGE_EXPORTS = ['badge_init', 'badge_tick', 'badge_advert', 'badge_link_up', 'badge_link_down', 'badge_link_ready', 'badge_frame', 'badge_action', 'badge_outbox', 'badge_status', 'badge_identity', 'io', 'io_cap']
/** What firmware provides: an app module may import nothing else. */
export const ALLOWED_IMPORTS = ['env.flash_read', 'env.flash_program', 'env.flash_erase', 'env.host_entropy', 'env.host_log', 'env.host_ed25519_verify', 'env.host_ed25519_sign']

/** The package's asconfig.json: its release target is the badge build (one 64 KiB page, the badge profile). */
function asconfigPath (): string {
  for (const rel of ['../asconfig.json', '../../asconfig.json']) { // from host/ or from dist/host/
    const p = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(p)) return p
  }
  throw new BuildError('asconfig.json not found next to the package')
}

/** The compiler options: asconfig.json's release target, exactly what builds build/core.wasm (the pinned feature set is AssemblyScript 0.27's default). */
const RELEASE = () => ['--config', asconfigPath(), '--target', 'release']

export class BuildError extends Error { override name = 'BuildError' }

/** The default app: this package's core with its example collections. */
export function defaultEntry (): string {
  for (const rel of ['../assembly/index.ts', '../../assembly/index.ts']) { // from host/ or from dist/host/
    const p = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(p)) return p
  }
  throw new BuildError('assembly/index.ts not found next to the package')
}

/** Compiles an app entry file; returns the module's bytes. Compiler messages become a BuildError. */
export async function compileApp (entry: string): Promise<Uint8Array> {
  const { default: asc } = await import('assemblyscript/asc')
  let binary: Uint8Array | undefined
  const messages: string[] = []
  const sink = { write (s: string | Uint8Array) { messages.push(typeof s === 'string' ? s : new TextDecoder().decode(s)); return true } }
  const { error } = await asc.main([resolve(entry), '--outFile', 'app.wasm', ...RELEASE()], {
    stdout: sink,
    stderr: sink,
    writeFile (name, contents) { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents }
  })
  if (error || !binary) throw new BuildError(`compiling ${entry} failed:\n${messages.join('').trim() || error?.message}`)
  return binary
}

/** Checks that a module is a badge app: the badge ABI exported, only firmware imports, one fixed memory, a start that completes and a badge_init that takes it. */
export function checkBadgeModule (module: Uint8Array): void {
  let m: WebAssembly.Module
  try { m = new WebAssembly.Module(module as Uint8Array<ArrayBuffer>) } catch (e) { throw new BuildError(`not a valid WebAssembly module: ${(e as Error).message}`) }
  const exports = new Set(WebAssembly.Module.exports(m).map(e => e.name))
  const missing = BADGE_EXPORTS.filter(n => !exports.has(n))
  if (missing.length) throw new BuildError(`not a badge app: it does not export ${missing.join(', ')} (an app's entry must export the core's ABI: export * from the core's assembly/index.ts)`)
  if (!exports.has('memory')) throw new BuildError('not a badge app: it exports no memory')
  const extra = WebAssembly.Module.imports(m).map(i => `${i.module}.${i.name}`).filter(n => !ALLOWED_IMPORTS.includes(n))
  if (extra.length) throw new BuildError(`the app imports what badge firmware does not provide: ${extra.join(', ')}`)
  // Its start code runs as it will on the badge (registering collections), then badge_init on a
  // simulated flash part: an app that asked for what the engine cannot hold is refused there, by
  // code, and the line says which collection, why, and what to do (host/app-refusal.ts).
  let badge: Badge
  try { badge = new Badge({ module: m }) } catch (e) {
    throw new BuildError(`the app traps while it starts (${(e as Error).message}): a statement of its top-level code (outside any function) fails`)
  }
  // A badge lends the core one 64 KiB page, and nothing more.
  const memory = badge.core.x.memory
  const pages = memory.buffer.byteLength / 65536
  let grows = true
  try { memory.grow(1) } catch { grows = false }
  if (pages !== 1 || grows) throw new BuildError(`not a badge app: its memory is ${pages} page(s)${grows ? ' and can grow' : ''}; a badge gives the core exactly one 64 KiB page (build with asconfig.json's release target)`)
  try { badge.init(0) } catch (e) {
    if (!(e instanceof BadgeError)) throw e
    throw new BuildError(isAppRefusal(e.code) ? e.message : `the app does not start on a simulated badge: ${e.message}`)
  }
}

export interface BuildResult { module: Uint8Array, image: Uint8Array }

/**
 * Compiles, checks, signs and verifies: the image firmware will accept for
 * this event key, with app version `version` (default: seconds since 1970,
 * so each build is newer than the last; a badge refuses any image older than
 * one it has run: docs/ABI.md, "Rollback").
 */
export async function buildApp (entry: string, eventSeed: Uint8Array, progress: (step: string) => void = () => {}, version = defaultVersion()): Promise<BuildResult> {
  progress(`compiling ${entry}`)
  const module = await compileApp(entry)
  progress(`checking the module (${module.length} bytes) against the badge ABI`)
  checkBadgeModule(module)
  progress(`signing the app image (version ${version}) with the event key`)
  const image = makeImage(module, eventSeed, version)
  progress('verifying the image with the core, as the firmware will')
  verifyImage(image, publicKeyOf(eventSeed))
  return { module, image }
}
