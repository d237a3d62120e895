// node:worker_threads for a browser page (host/web/modules.ts maps the specifier here): the page's own Worker is the browser's.
import { unavailable } from './unavailable.js'
export class Worker { constructor (file: unknown) { unavailable(`new Worker(${String(file)}) from node:worker_threads`) } }
