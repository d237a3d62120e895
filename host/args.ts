// Command-line arguments for the picobadge commands: Node's own
// util.parseArgs (strict: unknown options and stray arguments are errors;
// --name value, --name=value, repeated options), with its errors turned
// into ours, which say what was wrong in the command's words
// (UsageError: exit code 2 and where the help is).

import { parseArgs as nodeParseArgs } from 'node:util'

export class UsageError extends Error { override name = 'UsageError' }

/** What util.parseArgs's error is about, in a sentence a user acts on. */
function usageMessage (e: Error & { code?: string }): string {
  const opt = /'(--?[^' ]+)/.exec(e.message)?.[1] ?? ''
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option ${opt}`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': return `unexpected argument: ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message)) return `${opt} takes no value`
      if (/ambiguous/.test(e.message)) return `${opt} needs a value (for one that starts with a dash, write ${opt}=-…)`
      return `${opt} needs a value`
    default: return e.message
  }
}

/** Parses --name value / --flag arguments against the known options. */
export function parseArgs (argv: string[], valued: string[], flags: string[], repeated: string[] = []): Args {
  const options: Record<string, { type: 'string' | 'boolean', multiple?: boolean }> = {}
  for (const name of valued) options[name] = { type: 'string', multiple: repeated.includes(name) }
  for (const name of flags) options[name] = { type: 'boolean' }
  try {
    return { ...nodeParseArgs({ args: argv, options, strict: true, allowPositionals: false }).values } as Args
  } catch (e) {
    if (typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(usageMessage(e as Error))
    throw e
  }
}

export type Args = Record<string, string | boolean | string[]>

export function number (args: Args, name: string, dflt: number, lo: number, hi: number, integer = true): number {
  const v = args[name]
  if (v === undefined) return dflt
  if (typeof v !== 'string') throw new UsageError(`--${name} takes one number`)
  const n = Number(v)
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < lo || n > hi) throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}, not ${v}`)
  return n
}

/** A string option, or undefined. */
export function text (args: Args, name: string): string | undefined {
  const v = args[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new UsageError(`--${name} takes one value`)
  return v
}

/** A string option that must be there. */
export function required (args: Args, name: string, why: string): string {
  const v = text(args, name)
  if (v === undefined) throw new UsageError(`--${name} is needed: ${why}`)
  return v
}

