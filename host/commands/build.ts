// `picobadge build`: the app module and its signed image.

import { parseArgs, text, required, number } from '../args.js'
import { existsSync, statSync } from 'node:fs'
import { buildApp, defaultEntry, BuildError } from '../build.js'
import { defaultVersion, describeImage, VERSION_MAX } from '../image.js'
import { readEventKey } from '../keyfile.js'
import { writeOutput, checkOutputPath } from '../write.js'
import { toHex } from '../bytes.js'

export const BUILD_HELP = `picobadge build — compile the badge app and sign its image

usage: picobadge build --key EVENT.key [--entry app/index.ts] [--out app.pbimg] [--module app.wasm] [--version N]

  --key FILE     the event key (picobadge keys new --event) that signs the image
  --entry FILE   the app's AssemblyScript entry (default: picobadge's own, with the
                 example collections). An app's entry exports the core's ABI and
                 registers its collections; see README, "Your own app"
  --out FILE     the signed app image (default app.pbimg)
  --module FILE  also write the bare module (not --wasm: the AssemblyScript compiler
                 reads that option from the command line of whatever process runs it)
  --version N    the app version, 0 to 4294967295 (default: seconds since 1970 now,
                 so every build is newer than the last). A badge never runs an image
                 older than one it has run (rollback protection); the same version
                 again is fine

The image's format is in docs/ABI.md ("App image"); the firmware checks it
with the core's own verifier before it runs anything, as this command does
before it writes the file.
`

export async function buildCommand (argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['key', 'entry', 'out', 'module', 'version'], [])
  const version = number(args, 'version', defaultVersion(), 0, VERSION_MAX)
  const key = readEventKey(required(args, 'key', 'the event key that signs the image (make one with: picobadge keys new --event --out event.key)'), warning => process.stderr.write(`warning: ${warning}\n`))
  const entry = text(args, 'entry') ?? defaultEntry()
  const out = text(args, 'out') ?? 'app.pbimg'
  const wasm = text(args, 'module')
  // Before the compiler's half minute: the outputs can be written.
  if (!existsSync(entry) || !statSync(entry).isFile()) throw new BuildError(`the app's entry ${entry} is not a file (--entry names the app's AssemblyScript index.ts)`)
  checkOutputPath(out, 'app image')
  if (wasm) checkOutputPath(wasm, 'module')
  const { module, image } = await buildApp(entry, key.secretKey, step => process.stderr.write(`  ${step}\n`), version)
  if (wasm) writeOutput(wasm, module, { what: 'module' })
  writeOutput(out, image, { what: 'app image' })
  process.stdout.write(`wrote ${out}: ${image.length} bytes (module ${module.length}), signed by event key ${toHex(key.publicKey).slice(0, 16)}…\n  ${describeImage(image)}\n`)
}
