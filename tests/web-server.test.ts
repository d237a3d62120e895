// The server behind `picobadge web`, without a browser: it serves the
// library's modules with their bare specifiers resolved (and only those of
// import statements, not words in comments), keeps paths inside its
// folders, and a busy port is one clear line and exit code 1.

import { describe, it, expect, afterAll } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startWebServer, type WebServer } from '../host/web/server.js'
import { PackageResolver, rewriteImports } from '../host/web/modules.js'

const root = join(__dirname, '..')
const built = existsSync(join(root, 'dist', 'web', 'main.js'))
const servers: WebServer[] = []
afterAll(async () => { for (const s of servers) await s.close() })

describe('picobadge web: the server', () => {
  const resolver = new PackageResolver(root)

  it('resolves bare specifiers of import statements to served paths, and leaves prose and relative paths alone', () => {
    const src = [
      "import { encode } from 'cborg'",
      "import { sha512 } from '@noble/hashes/sha2.js'",
      "import { readFileSync } from 'node:fs'",
      "export { x } from './x.js'",
      'import "pako"',
      ' * from \'ar\' written by Haruhiko Okumura.',
      "const s = await import('serialport')"
    ].join('\n')
    expect(rewriteImports(src, resolver).split('\n')).toEqual([
      "import { encode } from '/node_modules/cborg/cborg.js'",
      "import { sha512 } from '/node_modules/@noble/hashes/esm/sha2.js'",
      "import { readFileSync } from '/web/node/fs.js'",
      "export { x } from './x.js'",
      'import "/node_modules/pako/dist/pako.esm.mjs"',
      ' * from \'ar\' written by Haruhiko Okumura.',
      "const s = await import('serialport')"
    ])
    expect(() => rewriteImports("import x from 'left-pad'", resolver)).toThrow(/left-pad, which is not one of the packages/)
    expect(() => rewriteImports("import x from 'node:net'", resolver)).toThrow(/node:net has no browser edition/)
  })

  it.skipIf(!built)('serves the page, modules with resolved imports and every build of the core; nothing outside its folders', async () => {
    const web = await startWebServer({ port: 0, root })
    servers.push(web)
    const get = (path: string) => fetch(new URL(path, web.url))
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<canvas id="sim-canvas"')
    const cbor = await get('/host/cbor.js')
    expect(cbor.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await cbor.text()).toContain("from '/node_modules/cborg/cborg.js'")
    for (const build of ['core', 'core-host', 'core-pooled']) { // every build web/core-modules.ts loads
      const wasm = await get(`/build/${build}.wasm`)
      expect(wasm.headers.get('content-type'), build).toBe('application/wasm')
      expect(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer())), build).toBe(true)
    }
    const atob = await (await get('/node_modules/atob-lite/atob-browser.js')).text()
    expect(atob).toContain('export default module.exports') // CommonJS, served as a module
    for (const path of ['/host/../package.json', '/web/..%2f..%2fpackage.json', '/node_modules/cborg/../../package.json', '/build/../package.json', '/etc/passwd']) {
      expect((await get(path)).status, path).toBe(404)
    }
  })

  it.skipIf(!built)('picobadge web prints the address it serves on, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(root, 'dist/host/cli.js'), 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('\n')) resolve(out) })
      child.on('exit', code => reject(new Error(`exited ${code} before printing its address`)))
    })
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/) in a Chromium browser/.exec(line)?.[1]
    expect(url, line).toBeDefined()
    expect((await fetch(url!)).status).toBe(200)
    const exit = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  })

  it.skipIf(!built)('a busy port is one line on stderr and exit code 1', async () => {
    const web = await startWebServer({ port: 0, root })
    servers.push(web)
    const port = new URL(web.url).port
    const r = spawnSync(process.execPath, [join(root, 'dist/host/cli.js'), 'web', '--port', port], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(1)
    expect(r.stderr).toBe(`picobadge web: port ${port} on 127.0.0.1 is already in use: stop what holds it, or pick another with --port N (0 for any free port)\n`)
    expect(r.stdout).toBe('')
  })
})
