// The error a browser edition of a Node module throws when a call needs
// what only Node has (files, processes, threads). The page never makes such
// a call (it runs no native badges and reads no files from disk); if it
// ever did, this says which call, instead of failing somewhere later.

export function unavailable (what: string): never {
  throw new Error(`${what} is not available in a browser page (picobadge web runs only what needs no files, processes or threads)`)
}
