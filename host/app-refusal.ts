// Why an app cannot start: it asked, while registering its collections,
// for what the engine cannot hold (docs/ABI.md, -90 … -93). The core keeps
// the first refusal instead of trapping, ignores every later registration,
// and answers the code from engine_mount and badge_init; so the registry
// ends just before the collection it refused, and the host can name that
// one by the collections before it. One line: which, why, what to do.

import { Core, IO_DATA } from './core.js'

/** The codes, by name (as ENGINE_ERRORS names the others). */
export const APP_REFUSALS: Record<number, string> = {
  [-90]: 'TooManyCollections',
  [-91]: 'StateTooLarge',
  [-92]: 'BadCollectionName',
  [-93]: 'CollectionNameTaken'
}

/** The badge profile's limits (assembly/profile.ts): the core does not export them. */
const STATE_MAX = 48

export const isAppRefusal = (code: number): boolean => APP_REFUSALS[code] !== undefined

/** The collections the app registered, in order (engine_collection). */
export function registeredCollections (core: Core): string[] {
  const names: string[] = []
  for (let i = 0; ; i++) {
    const n = core.x.engine_collection(i, core.io + IO_DATA, 64)
    if (n < 0) return names
    names.push(new TextDecoder().decode(core.get(IO_DATA, n)))
  }
}

/** One line for a refusal code, given the collections registered before the refused one. */
export function appRefusalLine (code: number, before: string[]): string {
  const which = before.length === 0
    ? 'its first registerCollection'
    : `the registerCollection after '${before[before.length - 1]}' (call ${before.length + 1})`
  const why: Record<number, string> = {
    [-90]: `${which} is one collection too many: a badge holds ${before.length} (MAX_COLLECTIONS in assembly/profile.ts; registered: ${before.join(', ')}); merge two collections or drop one`,
    [-91]: `${which} asks for a state of more than ${STATE_MAX} bytes (or below 0): a badge keeps at most ${STATE_MAX} bytes per object (STATE_MAX in assembly/profile.ts); store less per object, or split it over two collections`,
    [-92]: `${which} has a name that is not 1 to 32 ASCII characters: rename the collection`,
    [-93]: `${which} has a name registered already: give each collection its own name`
  }
  return `the app cannot start (${code}): ${why[code] ?? 'an unknown refusal'}`
}

/** The line for a core whose start refused the app with `code`. */
export const appRefusalOf = (core: Core, code: number): string => appRefusalLine(code, registeredCollections(core))
