// The Adafruit nRF52 bootloader's USB drive: double-tap reset and the board
// shows up as a small disk with INFO_UF2.TXT; a .uf2 file copied onto it is
// written to flash, and the board restarts (the drive goes away).

import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { userInfo } from 'node:os'

export interface Uf2Drive { path: string, info: Record<string, string> }

export class Uf2DriveError extends Error { override name = 'Uf2DriveError' }

/** Where operating systems mount removable drives. */
export function mountRoots (): string[] {
  const user = (() => { try { return userInfo().username } catch { return '' } })()
  return [`/media/${user}`, '/media', `/run/media/${user}`, '/Volumes', '/mnt']
}

/** INFO_UF2.TXT as key: value pairs. */
export function readInfo (dir: string): Record<string, string> {
  const info: Record<string, string> = {}
  for (const line of readFileSync(join(dir, 'INFO_UF2.TXT'), 'utf8').split(/\r?\n/)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line.trim())
    if (m) info[m[1].trim()] = m[2].trim()
  }
  return info
}

/** Mounted UF2 bootloader drives under the given roots (a drive is a folder with INFO_UF2.TXT). */
export function findUf2Drives (roots: string[] = mountRoots()): Uf2Drive[] {
  const out: Uf2Drive[] = []
  for (const root of roots) {
    let names: string[]
    try { names = readdirSync(root) } catch { continue }
    for (const name of names) {
      const path = join(root, name)
      try { if (!statSync(path).isDirectory() || !existsSync(join(path, 'INFO_UF2.TXT'))) continue } catch { continue }
      if (!out.some(d => d.path === path)) out.push({ path, info: readInfo(path) })
    }
  }
  return out
}

/** True when the drive's bootloader says it is an nRF52840. */
export function isNrf52840 (drive: Uf2Drive): boolean {
  return /nrf52840/i.test(drive.info['Board-ID'] ?? '') || /nrf52840/i.test(drive.info.Model ?? '')
}

/** Picks the one nRF52840 drive (or the one given), with errors that say what to do. */
export function chooseDrive (given: string | undefined, roots?: string[]): Uf2Drive {
  if (given) {
    if (!existsSync(join(given, 'INFO_UF2.TXT'))) throw new Uf2DriveError(`${given} is not a UF2 bootloader drive (no INFO_UF2.TXT)`)
    const d = { path: given, info: readInfo(given) }
    if (!isNrf52840(d)) throw new Uf2DriveError(`${given} belongs to another board (${d.info['Board-ID'] ?? d.info.Model ?? 'unknown'}), not an nRF52840`)
    return d
  }
  const drives = findUf2Drives(roots).filter(isNrf52840)
  if (drives.length === 0) throw new Uf2DriveError('no nRF52840 UF2 drive found: double-tap the board\'s reset button so its bootloader drive appears, or name it with --drive')
  if (drives.length > 1) throw new Uf2DriveError(`several nRF52840 UF2 drives: ${drives.map(d => d.path).join(', ')}; choose one with --drive`)
  return drives[0]
}

/**
 * Copies the UF2 file onto the drive; the bootloader flashes it and restarts the board.
 * Written in place, not through host/write.ts's temporary name: the bootloader acts on
 * every UF2 block written to its drive, whatever the file is called, and a rename on
 * its emulated FAT means nothing to it. The image was checked before (checkAppImage).
 */
export function copyToDrive (drive: Uf2Drive, uf2: Uint8Array, name = 'PICOBADGE.UF2'): string {
  const path = join(drive.path, name)
  try { writeFileSync(path, uf2) } catch (e) { throw new Uf2DriveError(`copying to ${drive.path} failed: ${(e as Error).message}`) }
  return path
}
