// Writing the desk tool's output files (keys, app images, merged .hex/.uf2,
// modules): all or nothing, and one clear line when it cannot be done.
//
// Invariant: after writeOutput returns or throws, the file at `path` is
// either the complete new contents or what it was before (absent, or the
// old file). The bytes go to a temporary name in the same folder, are
// fsynced, and are renamed over the target (rename is atomic within a
// file system); on any failure the temporary file is removed.
// A target that exists and is not a regular file (/dev/stdout, /dev/full,
// a FIFO) is written in place: renaming over it would replace the device.

import { openSync, writeSync, fsyncSync, closeSync, renameSync, linkSync, unlinkSync, statSync, type Stats } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** A file the tool could not write: the user's situation (a missing folder, a full disk), not a bug. */
export class WriteError extends Error { override name = 'WriteError' }

export interface WriteOptions {
  /** File mode for a new file (0o600 for keys). */
  mode?: number
  /** Refuse to replace an existing file (atomically: a file made meanwhile is not overwritten either). */
  exclusive?: boolean
  /** What the file is, for messages ("key", "app image"). */
  what?: string
}

/** The one line a failed write becomes: what happened and what to do. */
export function describeWriteError (e: unknown, path: string, what = 'file'): string {
  const code = (e as NodeJS.ErrnoException)?.code
  switch (code) {
    case 'ENOENT': return `cannot write the ${what} ${path}: the folder ${dirname(path)} does not exist (create it, or give another path)`
    case 'ENOTDIR': return `cannot write the ${what} ${path}: part of that path is a file, not a folder`
    case 'EISDIR': return `cannot write the ${what} ${path}: it is a folder; give a file name (in it, or elsewhere)`
    case 'ENOSPC': return `cannot write the ${what} ${path}: no space left on the device (nothing was written; free some space)`
    case 'EDQUOT': return `cannot write the ${what} ${path}: over the disk quota (nothing was written)`
    case 'EACCES': case 'EPERM': return `cannot write the ${what} ${path}: permission denied (choose a folder you can write to)`
    case 'EROFS': return `cannot write the ${what} ${path}: the file system is read-only`
    case 'EEXIST': return `${path} exists: not overwriting the ${what} (use --force)`
    default: return `cannot write the ${what} ${path}: ${(e as Error)?.message ?? String(e)}`
  }
}

function stat (path: string): Stats | undefined {
  try { return statSync(path) } catch { return undefined }
}

function writeAll (fd: number, data: Uint8Array): void {
  for (let o = 0; o < data.length;) o += writeSync(fd, data, o, data.length - o)
}

/** Writes data to path all or nothing (see the invariant above); a WriteError says why not. */
export function writeOutput (path: string, data: Uint8Array | string, opts: WriteOptions = {}): void {
  const what = opts.what ?? 'file'
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const st = stat(path)
  if (st?.isDirectory()) throw new WriteError(describeWriteError({ code: 'EISDIR' }, path, what))
  if (st && opts.exclusive) throw new WriteError(describeWriteError({ code: 'EEXIST' }, path, what))
  if (st && !st.isFile()) { // a device or FIFO: in place
    let fd: number | undefined
    try { fd = openSync(path, 'w'); writeAll(fd, bytes) } catch (e) { throw new WriteError(describeWriteError(e, path, what)) } finally { if (fd !== undefined) closeSync(fd) }
    return
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(tmp, 'wx', opts.mode ?? 0o666)
    writeAll(fd, bytes)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    if (opts.exclusive) { linkSync(tmp, path); unlinkSync(tmp) } else renameSync(tmp, path)
  } catch (e) {
    if (fd !== undefined) try { closeSync(fd) } catch {}
    try { unlinkSync(tmp) } catch {}
    throw new WriteError(describeWriteError(e, path, what))
  }
}

/** Checks, before long work, that path can become an output file: its folder exists and it is not a folder itself. */
export function checkOutputPath (path: string, what = 'file'): void {
  const st = stat(path)
  if (st?.isDirectory()) throw new WriteError(describeWriteError({ code: 'EISDIR' }, path, what))
  const dir = stat(dirname(path))
  if (!dir) throw new WriteError(describeWriteError({ code: 'ENOENT' }, path, what))
  if (!dir.isDirectory()) throw new WriteError(describeWriteError({ code: 'ENOTDIR' }, path, what))
}
