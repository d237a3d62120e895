// node:util for a browser page (host/web/modules.ts maps the specifier
// here): parseArgs, as much of it as host/args.ts uses (strict, no
// positionals, string and boolean options, --name value and --name=value,
// repeated strings), with Node's error codes, so a page builds sim options
// from the same argument list `picobadge sim` reads.

interface Option { type: 'string' | 'boolean', multiple?: boolean }

function fail (code: string, message: string): never {
  throw Object.assign(new TypeError(message), { code })
}

export function parseArgs ({ args, options }: { args: string[], options: Record<string, Option>, strict?: boolean, allowPositionals?: boolean }): { values: Record<string, string | boolean | string[]>, positionals: string[] } {
  const values: Record<string, string | boolean | string[]> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (!arg.startsWith('--')) fail('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL', `Unexpected argument '${arg}'. This command does not take positional arguments`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq > 0 ? eq : undefined)
    const o = options[name]
    if (!o) fail('ERR_PARSE_ARGS_UNKNOWN_OPTION', `Unknown option '--${name}'`)
    if (o.type === 'boolean') {
      if (eq > 0) fail('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--${name}' does not take an argument`)
      values[name] = true
      continue
    }
    let v: string
    if (eq > 0) v = arg.slice(eq + 1)
    else {
      if (i + 1 >= args.length) fail('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--${name} <value>' argument missing`)
      v = args[++i]
      if (v.startsWith('-')) fail('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--${name}' argument is ambiguous.`)
    }
    if (o.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), v]
    else values[name] = v
  }
  return { values, positionals: [] }
}
