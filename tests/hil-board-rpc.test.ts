// Hardware in the loop: the shared vectors on a real board through its
// serial RPC. Runs only when PICOBADGE_TEST_PORT names the board's port;
// otherwise it reports as skipped.

import { describe, it, expect } from 'vitest'
import { testCommand } from '../host/commands/test.js'

const port = process.env.PICOBADGE_TEST_PORT

describe.skipIf(!port)('board running picobadge firmware (hardware in the loop; skipped: set PICOBADGE_TEST_PORT to its serial port)', () => {
  it('answers every shared vector as Node does', async () => {
    expect(await testCommand(['--port', port!])).toBe(0)
  }, 120_000)
})
