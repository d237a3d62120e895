// The README as the tests read it: its sections, sh lines and code blocks,
// picobadge run as a child process, scratch projects with picobadge in
// node_modules. Shared by tests/readme.test.ts and tests/readme-run.test.ts.

import { expect } from 'vitest'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { readFileSync, mkdtempSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { nativeBinaryPath } from '../../host/native/board.js'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const cli = join(root, 'dist/host/cli.js')
export const readme = readFileSync(join(root, 'README.md'), 'utf8')
/** Runs picobadge; asynchronously, so a long simulation does not stall the test worker. */
export function run (args: string[], cwd = root): Promise<{ status: number | null, stdout: string, stderr: string }> {
  return new Promise(resolve => {
    const c = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    c.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
    c.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    c.on('close', status => resolve({ status, stdout, stderr }))
  })
}

/** The README between a heading and the next of its level or above. */
export function section (heading: string): string {
  const from = readme.indexOf(`\n${heading}\n`)
  expect(from, heading).toBeGreaterThanOrEqual(0)
  const level = heading.split(' ')[0]
  const next = readme.slice(from + heading.length + 2).search(new RegExp(`\\n#{1,${level.length}} \\S`))
  return next < 0 ? readme.slice(from) : readme.slice(from, from + heading.length + 2 + next)
}

/** Shell lines that run picobadge, without the prompt's npx, comments and redirections. */
export function commandLines (text = readme): string[][] {
  const out: string[][] = []
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = /^(?:npx )?picobadge (.*)$/.exec(line.trim())
      if (m) out.push(m[1].replace(/\s+#.*$/, '').replace(/\s*>.*$/, '').trim().split(/\s+/))
    }
  }
  return out
}

/** The lines of the sh blocks in a section, as written (comments dropped). */
export function shellLines (text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(b => b[1].split('\n')).map(l => l.replace(/\s+#.*$/, '').trim()).filter(l => l && !l.startsWith('#'))
}

/** The code block of a language in a section (the first one). */
export function codeBlock (text: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text)
  expect(m, `a ${lang} block`).not.toBeNull()
  return m![1]
}

/** A scratch project whose node_modules/picobadge is this tree, as `npm install picobadge` would make it. */
export function project (): string {
  const dir = mkdtempSync(join(tmpdir(), 'readme-project-'))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(root, join(dir, 'node_modules', 'picobadge'))
  return dir
}

/** Replaces (or adds) an option's value. */
export function withOption (args: string[], name: string, value: string): string[] {
  const i = args.indexOf(name)
  return i < 0 ? [...args, name, value] : [...args.slice(0, i + 1), value, ...args.slice(i + 2)]
}

/**
 * Runs the native board with these arguments until it is up: on stdio, until its console says it
 * booted; on a pty, until it names the pty (its console then goes there). Then `whileUp`, and the
 * board is ended: stdin closed on stdio (it exits, and --report-memory prints), SIGTERM on a pty
 * (nothing else ends it: the pty outlives whoever used it).
 */
export async function nativeBoard (args: string[], cwd: string, whileUp: (stderr: string) => Promise<void> = async () => {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const pty = args.includes('pty')
  const child = spawn(nativeBinaryPath('classic'), args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''; let stderr = ''
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  const up = new Promise<void>(resolve => {
    const look = () => { if (pty ? /^serial: \S+$/m.test(stderr) : /booted, RPC ready/.test(stdout)) resolve() }
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString('latin1'); look() })
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); look() })
  })
  await Promise.race([up, exited])
  try { await whileUp(stderr) } finally {
    if (pty) child.kill('SIGTERM')
    else child.stdin.end()
  }
  const code = await exited
  return { code, stdout, stderr }
}


export function sink (): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write (c: string) { s.text += c; return true } }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

