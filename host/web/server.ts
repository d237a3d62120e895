// The static server behind `picobadge web`: node:http, files only, from the
// package itself, nothing fetched from elsewhere:
//   /                    web/index.html (the page; web/*.css beside it)
//   /web/*.js            the page's code, compiled by tsc into dist/web/
//   /host/*.js           the library code the CLI runs (dist/host/), unchanged
//   /build/core.wasm     the badge build of the core; core-pooled.wasm, the same
//                        with its globals exported, which the simulated badges
//                        share (host/core-pool.ts); core-host.wasm, the build the
//                        feed API signs with (docs/ABI.md)
//   /node_modules/P/…    the npm packages the page imports (modules.ts)
// Every JavaScript file is served with its bare specifiers resolved
// (modules.ts). Paths are confined to these folders: '..' never leaves them.

import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, normalize, sep, extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PackageResolver, rewriteImports, wrapCommonJs, PAGE_PACKAGES } from './modules.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json'
}

/** The builds of the core the page loads (web/core-modules.ts). */
export const CORE_BUILDS = ['/build/core.wasm', '/build/core-host.wasm', '/build/core-pooled.wasm']

/** The package's root: two folders above dist/host/web/ (or host/web/ when run from source). */
export function packageRoot (): string {
  for (const up of ['../../../', '../../']) {
    const dir = fileURLToPath(new URL(up, import.meta.url))
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'web', 'index.html'))) return dir
  }
  throw new Error('picobadge web: the page (web/index.html) is not in this install')
}

/** `dir` joined with a URL path, or undefined when the path would leave dir. */
function inside (dir: string, path: string): string | undefined {
  const p = normalize(join(dir, path))
  return p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? p : undefined
}

export interface WebServer { server: Server, url: string, close (): Promise<void> }

/** Where a URL path is on disk, and whether it is a module to rewrite (and a CommonJS one to wrap). */
function locate (root: string, resolver: PackageResolver, path: string): { file: string, module: boolean, cjs: boolean } | undefined {
  const dist = join(root, 'dist')
  if (path === '/' || path === '/index.html') return { file: join(root, 'web', 'index.html'), module: false, cjs: false }
  if (path.startsWith('/web/')) {
    const js = path.endsWith('.js')
    const file = inside(js ? join(dist, 'web') : join(root, 'web'), path.slice(5))
    return file ? { file, module: js, cjs: false } : undefined
  }
  if (path.startsWith('/host/') && path.endsWith('.js')) {
    const file = inside(join(dist, 'host'), path.slice(6))
    return file ? { file, module: true, cjs: false } : undefined
  }
  if (CORE_BUILDS.includes(path)) return { file: join(root, path.slice(1)), module: false, cjs: false }
  if (path.startsWith('/node_modules/')) {
    const rest = path.slice(14)
    const name = PAGE_PACKAGES.find(p => rest.startsWith(p + '/'))
    const dir = name && resolver.dirOf(name)
    if (!name || !dir) return undefined
    const within = rest.slice(name.length + 1)
    const file = inside(dir, within)
    const js = /\.m?js$/.test(within)
    return file ? { file, module: js, cjs: js && resolver.isCommonJs(name, within) } : undefined
  }
  return undefined
}

/** Starts serving; resolves once listening (rejects with the listen error: EADDRINUSE, EACCES, …). */
export async function startWebServer ({ port = 8080, host = '127.0.0.1', root = packageRoot() }: { port?: number, host?: string, root?: string } = {}): Promise<WebServer> {
  const resolver = new PackageResolver(root)
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const where = req.method === 'GET' || req.method === 'HEAD' ? locate(root, resolver, path) : undefined
    if (!where) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end(`not found: ${path}\n`); return }
    readFile(where.file).then(bytes => {
      let body: Uint8Array | string = bytes
      if (where.module) {
        const text = bytes.toString('utf8')
        body = rewriteImports(where.cjs ? wrapCommonJs(text) : text, resolver)
      }
      res.writeHead(200, { 'content-type': TYPES[extname(where.file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' })
      res.end(req.method === 'HEAD' ? undefined : body)
    }).catch((e: NodeJS.ErrnoException) => {
      // One file that cannot be served (missing, or a module importing what the page is not given) fails alone; the server goes on.
      res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'content-type': 'text/plain' })
      res.end(e.code === 'ENOENT' ? `not found: ${path}\n` : `${e.message}\n`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const addr = server.address()
  const bound = typeof addr === 'object' && addr ? addr.port : port
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return {
    server,
    url: `http://${shown}:${bound}/`,
    close: async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => resolve())) }
  }
}
