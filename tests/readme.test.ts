// The README against the tool (#13): every `picobadge` command line in it
// uses a command and options that command's help lists; the cheap ones of
// "Flash your first badge" run for real, in order, in a scratch folder; an
// output block marked <!-- README check: picobadge … --> is what that
// command prints (every line of the block appears in its output: the
// simulations are seeded, and the block leaves out the wall-time line);
// and the tarball `npm pack` makes holds what the installed command needs.

import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { CORE_BUILDS } from '../host/web/server.js'
import { PAGE_PACKAGES } from '../host/web/modules.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist/host/cli.js')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const run = (args: string[], cwd = root) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 300_000 })

/** Shell lines that run picobadge, without the prompt's npx, comments and redirections. */
function commandLines (text = readme): string[][] {
  const out: string[][] = []
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = /^(?:npx )?picobadge (.*)$/.exec(line.trim())
      if (m) out.push(m[1].replace(/\s+#.*$/, '').replace(/\s*>.*$/, '').trim().split(/\s+/))
    }
  }
  return out
}

describe('README', () => {
  it('every picobadge line uses a command and options its help lists', () => {
    const lines = commandLines()
    expect(lines.length).toBeGreaterThan(15)
    const helps = new Map<string, string>()
    for (const [cmd, ...args] of lines) {
      if (!helps.has(cmd)) {
        const h = run([cmd, '--help'])
        expect(h.status, `picobadge ${cmd} --help`).toBe(0)
        helps.set(cmd, h.stdout)
      }
      for (const a of args.filter(a => a.startsWith('--') && a !== '--help')) { // --help is every command's
        const opt = a.split('=')[0]
        expect(helps.get(cmd), `README: picobadge ${cmd} ${args.join(' ')}: ${opt} is not in its help`).toMatch(new RegExp(`(^|[\\s\\[|])${opt}\\b`, 'm'))
      }
    }
  })

  it('"Flash your first badge" runs as written, up to the board', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-'))
    const from = readme.indexOf('## Flash your first badge')
    const lines = commandLines(readme.slice(from, readme.indexOf('\n## ', from + 1)))
    // Those that need nothing but what the ones before them made: keys, build, ports, flash --out.
    const runnable = lines.filter(l => ['keys', 'build', 'ports'].includes(l[0]) || (l[0] === 'flash' && l.includes('--out') && !l.includes('--hex')))
    expect(runnable.map(l => l[0])).toEqual(['keys', 'build', 'ports', 'flash'])
    for (const l of runnable) {
      const r = run(l, dir)
      expect(r.status, `picobadge ${l.join(' ')}\n${r.stderr}`).toBe(0)
    }
    expect(existsSync(join(dir, 'badge.uf2'))).toBe(true)
  }, 120_000)

  it('each output it shows is what the command prints', () => {
    const checks = [...readme.matchAll(/<!-- README check: picobadge (.*?) -->\n```\n([\s\S]*?)```/g)]
    expect(checks.length).toBeGreaterThanOrEqual(2)
    for (const [, command, shown] of checks) {
      const r = run(command.split(' '))
      expect(r.status, command).toBe(0)
      for (const line of shown.split('\n').filter(l => l.trim())) expect(r.stdout, `README: picobadge ${command}`).toContain(line)
    }
  }, 300_000)

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
