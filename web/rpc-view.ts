// For a board that answers the test RPC (docs/RPC.md; host/rpc/board.ts is
// the client `picobadge test` uses), what it reports, in two steps:
//   1. IDENTITY (0x05) and STATUS (0x06), which a running badge answers
//      without stopping: its public key and the event key its board trusts,
//      then its status as the board reads it at its own clock (mesh clock,
//      chains, counters; host/rpc/hand-over.ts). STATUS again refreshes it.
//   2. Only when asked, or when the badge is not running anyway: HELLO
//      (board, core memory) and calls that only read, badge_identity and
//      store_stats (blocks, chains, live bytes, free sectors). HELLO and
//      CALL put the board in test mode: its badge stops until it restarts.

import { BoardTarget } from '../host/rpc/board.js'
import { askIdentity, askStatus, statusGroups, statusRefusal } from '../host/rpc/hand-over.js'
import { RpcError } from '../host/rpc/frames.js'
import type { Transport } from '../host/rpc/transport.js'
import { toHex } from '../host/bytes.js'

const IO_OUT = 128 // the window's scan-result area (host/core.ts), where both exports write

/** One labelled line of what the board reported. */
export type Row = [label: string, value: string]

/** What IDENTITY told, and whether reading the store would stop a running badge. */
export interface RunningView { rows: Row[], running: boolean }

const rpcTarget = (transport: Transport, console: (bytes: Uint8Array) => void) => new BoardTarget(transport, { timeoutMs: 1500, retries: 1, console })

/** The running badge's status, a row per group of fields; one 'status' row saying why when there is none. */
export async function askStatusRows (transport: Transport, console: (bytes: Uint8Array) => void): Promise<Row[]> {
  let r
  try {
    r = await askStatus(rpcTarget(transport, console))
  } catch (e) {
    // ERROR 1: firmware from before STATUS (it may still know IDENTITY).
    if (e instanceof RpcError && e.code === 1) return [['status', 'its firmware is older than the STATUS request: update it to see its status while it runs']]
    throw e
  }
  return r.status ? statusGroups(r.status) : [['status', `none: ${statusRefusal(r.code)}`]]
}

/** Step 1: the badge's key and its event key, then its status, from a badge that goes on running. */
export async function askRunning (transport: Transport, console: (bytes: Uint8Array) => void): Promise<RunningView> {
  let r
  try {
    r = await askIdentity(rpcTarget(transport, console))
  } catch (e) {
    // ERROR 1: firmware from before IDENTITY. Its store can still be read, in test mode.
    if (e instanceof RpcError && e.code === 1) return { rows: [['badge', 'its firmware is older than the IDENTITY request: update it to see who it is while it runs']], running: true }
    throw e
  }
  if (r.code === 0) return { rows: [['badge', 'running'], ['identity', toHex(r.badge)], ['event key it trusts', toHex(r.eventKey)], ...await askStatusRows(transport, console)], running: true }
  if (r.code === -73) return { rows: [['badge', 'not running (in test mode since a HELLO or CALL, or its start failed)']], running: false }
  return { rows: [['badge', `the board could not ask its core (IDENTITY answered ${r.code})`]], running: false }
}

/** Step 2 (test mode): the board, its core's memory, the badge's key and its store. */
export async function askStore (transport: Transport, console: (bytes: Uint8Array) => void): Promise<{ board: string, rows: Row[] }> {
  const t = rpcTarget(transport, console)
  const hello = await t.hello()
  const id = await t.call({ name: 'badge_identity', args: [{ io: IO_OUT }], reads: [{ offset: IO_OUT, length: 32 }] })
  const st = await t.call({ name: 'store_stats', args: [{ io: IO_OUT }], reads: [{ offset: IO_OUT, length: 24 }] })
  const u = (i: number) => String(new DataView(st.reads[0].buffer, st.reads[0].byteOffset).getUint32(i * 4, true))
  const store: Row[] = st.result < 0n
    ? [['store', `no store mounted (store_stats: ${st.result})`]]
    : [['blocks', u(0)], ['chains', u(1)], ['tombstones', u(2)], ['freeSectors', u(3)], ['liveBytes', u(4)]]
  return {
    board: hello.board,
    rows: [
      ['board', hello.board],
      ['core memory', `${hello.memoryUsed} bytes`],
      ['identity', id.result < 0n ? `none yet (badge_identity: ${id.result})` : toHex(id.reads[0])],
      ...store
    ]
  }
}
