// How picobadge web serves ES modules to a browser without a bundler: the
// host code compiled by tsc (dist/, imports ending in .js), and the few npm
// packages the page needs, by path. A browser resolves only URLs, and a
// module Worker gets no import map (Chromium applies a page's import map
// to the page alone), so the server resolves each bare specifier itself as
// it serves a module, the way an import map would:
//   'cborg', '@noble/hashes/sha2.js'  → /node_modules/<package>/<its ESM entry>
//   'node:fs', 'node:crypto', …       → /web/node/<name>.js, the browser's
//                                       edition of the few calls the shared code makes
// A package is found where Node finds it: in node_modules folders upward
// from the package root (a hoisted install); only the packages listed are served.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The npm packages the page loads (esptool-js and what it imports; the host code's own dependencies). */
export const PAGE_PACKAGES = ['esptool-js', 'pako', 'atob-lite', 'cborg', 'nrf-intel-hex', '@noble/hashes', '@noble/ed25519'] as const

/** Node's built-in modules the shared code imports, each with a browser edition in web/node/. */
export const NODE_EDITIONS = ['fs', 'url', 'path', 'os', 'crypto', 'util', 'child_process', 'worker_threads'] as const

export class ModuleResolutionError extends Error { override name = 'ModuleResolutionError' }

interface Pkg { dir: string, json: any }

export class PackageResolver {
  readonly #pkgs = new Map<string, Pkg>()

  /** Finds every page package from `root` upward; one clear error for any that is missing. */
  constructor (readonly root: string) {
    for (const name of PAGE_PACKAGES) {
      let d = root
      for (;;) {
        const dir = join(d, 'node_modules', name)
        if (existsSync(join(dir, 'package.json'))) { this.#pkgs.set(name, { dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }); break }
        const up = dirname(d)
        if (up === d) throw new ModuleResolutionError(`the page needs the npm package ${name}, which is not installed under ${root}: run npm install`)
        d = up
      }
    }
  }

  /** The folder a served package lives in, or undefined for one that is not served. */
  dirOf (name: string): string | undefined { return this.#pkgs.get(name)?.dir }

  /** The URL a bare specifier resolves to: a browser edition for node:, else the package's browser or ESM entry. */
  resolve (spec: string): string {
    if (spec.startsWith('node:')) {
      const name = spec.slice(5)
      if (!(NODE_EDITIONS as readonly string[]).includes(name)) throw new ModuleResolutionError(`${spec} has no browser edition in web/node/`)
      return `/web/node/${name}.js`
    }
    const parts = spec.split('/')
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
    const sub = '.' + spec.slice(name.length)
    const pkg = this.#pkgs.get(name)
    if (!pkg) throw new ModuleResolutionError(`the page imports ${spec}, which is not one of the packages it is served (${PAGE_PACKAGES.join(', ')})`)
    const file = entryOf(pkg.json, sub)
    if (file === undefined) throw new ModuleResolutionError(`${name} exports no ${sub} for a browser`)
    return `/node_modules/${name}/${file.replace(/^\.\//, '')}`
  }

  /**
   * Whether a served package file is CommonJS: not when the package says
   * "type": "module", not an .mjs, not one picked by "exports" (its import
   * or browser condition) or "module"; else it came from "main" or "browser".
   */
  isCommonJs (name: string, file: string): boolean {
    const json = this.#pkgs.get(name)?.json
    if (json === undefined || json.type === 'module' || file.endsWith('.mjs') || json.exports !== undefined) return false
    return file !== String(json.module ?? '').replace(/^\.\//, '')
  }
}

/** A package's file for a subpath, by its exports (browser, import, default), else browser / module / main. */
function entryOf (json: any, sub: string): string | undefined {
  const exp = json.exports
  if (exp !== undefined) {
    const target = typeof exp === 'string' || Array.isArray(exp) || !Object.keys(exp).every(k => k.startsWith('.')) ? (sub === '.' ? exp : undefined) : exp[sub]
    return pick(target)
  }
  if (sub !== '.') return sub.slice(2)
  const browser = typeof json.browser === 'string' ? json.browser : undefined
  return browser ?? json.module ?? json.main ?? 'index.js'
}

function pick (target: unknown): string | undefined {
  if (typeof target === 'string') return target
  if (target === null || typeof target !== 'object') return undefined
  for (const c of ['browser', 'import', 'default']) {
    const t = pick((target as Record<string, unknown>)[c])
    if (t !== undefined) return t
  }
  return undefined
}

/** Static imports and re-exports (a statement from its line's start to its `from`), side-effect imports, dynamic import(). */
const STATIC = /^(\s*(?:import|export)\b[^;'"]*?\bfrom\s*)(['"])([^'"]+)\2/gm
const BARE_IMPORT = /^(\s*import\s*)(['"])([^'"]+)\2/gm
const DYNAMIC = /(\bimport\s*\(\s*)(['"])([^'"]+)\2(?=\s*\))/g

const isBare = (spec: string): boolean => !/^(\.{1,2}\/|\/|[a-z]+:\/\/)/.test(spec)

/**
 * A module's text with its bare specifiers replaced by the URLs they
 * resolve to. Statements are matched from the start of a line, so prose in
 * comments ("from 'ar' written by…") is left alone. A dynamic import() of a
 * package the page is not served (serialport, loaded by the CLI only when a
 * real port opens) stays as it is: the page never takes that path, and if
 * it did the browser would say which module it cannot load. A static
 * import of one is an error now.
 */
export function rewriteImports (source: string, resolver: PackageResolver): string {
  const swap = (m: string, lead: string, q: string, spec: string): string => isBare(spec) ? `${lead}${q}${resolver.resolve(spec)}${q}` : m
  return source.replace(STATIC, swap).replace(BARE_IMPORT, swap).replace(DYNAMIC, (m, lead: string, q: string, spec: string) => {
    if (!isBare(spec) || (!spec.startsWith('node:') && !PAGE_PACKAGES.some(p => spec === p || spec.startsWith(p + '/')))) return m
    return `${lead}${q}${resolver.resolve(spec)}${q}`
  })
}

/** A CommonJS file as an ES module whose default export is its module.exports (enough for atob-lite's one function). */
export function wrapCommonJs (source: string): string {
  return `const module = { exports: {} }; const exports = module.exports;\n${source}\nexport default module.exports\n`
}
