// Command-line arguments for the picobadge commands: --name value,
// --name=value and --flag, checked against what a command knows, with
// errors that say what was wrong (UsageError: exit code 2 and the help).

export class UsageError extends Error { override name = 'UsageError' }

/** Parses --name value / --flag arguments against the known options. */
export function parseArgs (argv: string[], valued: string[], flags: string[], repeated: string[] = []): Args {
  const out: Args = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [name, inline] = a.startsWith('--') ? a.slice(2).split('=', 2) : [undefined, undefined]
    if (name === undefined) throw new UsageError(`unexpected argument: ${a}`)
    if (flags.includes(name)) { out[name] = true; continue }
    if (!valued.includes(name)) throw new UsageError(`unknown option --${name}`)
    const v = inline ?? argv[++i]
    if (v === undefined) throw new UsageError(`--${name} needs a value`)
    if (repeated.includes(name)) out[name] = [...((out[name] as string[] | undefined) ?? []), v]
    else out[name] = v
  }
  return out
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

