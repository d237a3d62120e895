// The error codes docs/ABI.md documents ("Error codes" table), read from the
// doc itself, so a fuzz test can demand that every answer is one of them.

import { readFileSync } from 'node:fs'

const doc = readFileSync(new URL('../../docs/ABI.md', import.meta.url), 'utf8')
const table = doc.slice(doc.indexOf('### Error codes'))

/** Every negative code in the table. */
export const ABI_ERRORS: ReadonlySet<number> = new Set([...table.matchAll(/^\| (-\d+) \|/gm)].map(m => Number(m[1])))

if (ABI_ERRORS.size < 30) throw new Error(`docs/ABI.md: only ${ABI_ERRORS.size} error codes found; has the table moved?`)

/** True when rc is a documented error code. */
export const documented = (rc: number): boolean => ABI_ERRORS.has(rc)
