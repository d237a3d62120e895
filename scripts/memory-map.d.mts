// Types of scripts/memory-map.mjs for the TypeScript tests.
export interface StaticTable { name: string, addr: number, size: number }
export function staticLayout (wat: string): { tables: StaticTable[], byFolder: Map<string, number>, end: number }
