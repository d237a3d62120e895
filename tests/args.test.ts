// host/args.ts: node's util.parseArgs under the commands, with errors in
// the commands' words (exit 2 and where the help is, from host/cli.ts).

import { describe, it, expect } from 'vitest'
import { parseArgs, number, UsageError } from '../host/args.js'

const usage = (f: () => unknown) => { try { f() } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message } return 'no error' }
const parse = (argv: string[]) => parseArgs(argv, ['port', 'baud', 'file'], ['json', 'raw'], ['file'])

describe('parseArgs', () => {
  it('takes --name value, --name=value, flags and repeated options', () => {
    expect(parse(['--port', '/dev/x', '--baud=9600', '--json', '--file', 'a', '--file=b=c'])).toEqual({ port: '/dev/x', baud: '9600', json: true, file: ['a', 'b=c'] })
    expect(parse([])).toEqual({})
  })

  it('says what is wrong: an unknown option, a stray argument, a missing value, a value for a flag', () => {
    expect(usage(() => parse(['--prot', 'x']))).toBe('unknown option --prot')
    expect(usage(() => parse(['x']))).toBe('unexpected argument: x')
    expect(usage(() => parse(['--port']))).toBe('--port needs a value')
    expect(usage(() => parse(['--port', '--json']))).toMatch(/^--port needs a value \(for one that starts with a dash, write --port=-…\)$/)
    expect(usage(() => parse(['--json=yes']))).toBe('--json takes no value')
    expect(usage(() => number(parse(['--baud=-5']), 'baud', 1, 1, 10))).toBe('--baud must be an integer from 1 to 10, not -5')
  })
})
