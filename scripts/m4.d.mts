// Types of scripts/m4.mjs for the TypeScript tests.
export const INSTALL: string
export class M4Error extends Error {}
export function m4Missing (): string | undefined
export function buildM4 (opts?: { wamr?: string, pool?: number | string, appMax?: number | string, out?: string, log?: (s: string) => void }): Promise<{ elf: string, reportElf: string, image: string, eventKey: Uint8Array, dir: string }>
