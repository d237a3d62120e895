// A part of the project the command needs was not built (a fresh clone before
// `npm run build`, the native board before `node scripts/native.mjs`): the
// user's situation, not a bug, so the CLI prints its one line (what is
// missing and the command that builds it) without a stack.
export class NotBuiltError extends Error { override name = 'NotBuiltError' }
