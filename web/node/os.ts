// node:os for a browser page (host/web/modules.ts maps the specifier here).
import { unavailable } from './unavailable.js'
export const tmpdir = (): never => unavailable('os.tmpdir()')
