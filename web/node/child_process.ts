// node:child_process for a browser page (host/web/modules.ts maps the specifier here): native boards are processes, which a page cannot start.
import { unavailable } from './unavailable.js'
export const spawn = (cmd: string): never => unavailable(`spawn(${cmd})`)
export class ChildProcess { constructor () { unavailable('ChildProcess') } }
