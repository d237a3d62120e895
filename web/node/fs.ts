// node:fs for a browser page (host/web/modules.ts maps the specifier here):
// the shared code imports these names; a page has no files, so none exist.
import { unavailable } from './unavailable.js'

export const existsSync = (_path: string): boolean => false
export const readFileSync = (path: string): never => unavailable(`readFileSync(${path})`)
export const writeFileSync = (path: string): never => unavailable(`writeFileSync(${path})`)
export const mkdtempSync = (path: string): never => unavailable(`mkdtempSync(${path})`)
export const rmSync = (path: string): never => unavailable(`rmSync(${path})`)
export const statSync = (path: string): never => unavailable(`statSync(${path})`)
export const openSync = (path: string): never => unavailable(`openSync(${path})`)
export const writeSync = (): never => unavailable('writeSync()')
export const fsyncSync = (): never => unavailable('fsyncSync()')
export const closeSync = (): never => unavailable('closeSync()')
export const renameSync = (path: string): never => unavailable(`renameSync(${path})`)
export const linkSync = (path: string): never => unavailable(`linkSync(${path})`)
export const unlinkSync = (path: string): never => unavailable(`unlinkSync(${path})`)
