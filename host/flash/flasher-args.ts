// Reading an ESP-IDF build folder the way idf.py and every IDE do: through
// flasher_args.json, which the build writes next to the binaries (its
// fields: flasher-args-json.ts, which a browser page uses too).
// Every problem names the file and the key it is about.

import { readFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseFlasherArgs, regionOf, FlasherArgsError, type FlashRegion, type BuildFolder } from './flasher-args-json.js'

export { parseOffset, FlasherArgsError, type FlashRegion, type BuildFolder } from './flasher-args-json.js'

export function readRegionFile (offset: number, path: string, where: string): FlashRegion {
  if (!existsSync(path)) throw new FlasherArgsError(`${where}: the file for 0x${offset.toString(16)} does not exist: ${path}`)
  return regionOf(offset, path, new Uint8Array(readFileSync(path)), where)
}

export function readBuildFolder (dir: string): BuildFolder {
  const file = join(resolve(dir), 'flasher_args.json')
  if (!existsSync(file)) throw new FlasherArgsError(`${dir} is not an ESP-IDF build folder: it has no flasher_args.json (run idf.py build, then point --build at the build/ folder)`)
  return parseFlasherArgs(readFileSync(file, 'utf8'), file, (offset, rel) => readRegionFile(offset, join(resolve(dir), rel), file))
}
