// For a board that answers the test RPC (docs/RPC.md; host/rpc/board.ts is
// the client `picobadge test` uses): who it is and what its store holds,
// from calls that only read: HELLO (board, I/O window, core memory),
// badge_identity (the badge's public key) and store_stats (blocks, chains,
// live bytes, free sectors). badge_status is left out: it takes the
// badge's own clock, which a host cannot know, and would move it.

import { BoardTarget } from '../host/rpc/board.js'
import type { Transport } from '../host/rpc/transport.js'
import { toHex } from '../host/bytes.js'

const IO_OUT = 128 // the window's scan-result area (host/core.ts), where both exports write

export interface BadgeView { board: string, memoryUsed: number, identity: string, store: Record<string, number> | string }

export async function askBadge (transport: Transport, console: (bytes: Uint8Array) => void): Promise<BadgeView> {
  const t = new BoardTarget(transport, { timeoutMs: 1500, retries: 1, console })
  const hello = await t.hello()
  const id = await t.call({ name: 'badge_identity', args: [{ io: IO_OUT }], reads: [{ offset: IO_OUT, length: 32 }] })
  const st = await t.call({ name: 'store_stats', args: [{ io: IO_OUT }], reads: [{ offset: IO_OUT, length: 24 }] })
  const u = (i: number) => new DataView(st.reads[0].buffer, st.reads[0].byteOffset).getUint32(i * 4, true)
  return {
    board: hello.board,
    memoryUsed: hello.memoryUsed,
    identity: id.result < 0n ? `none yet (badge_identity: ${id.result})` : toHex(id.reads[0]),
    store: st.result < 0n ? `no store mounted (store_stats: ${st.result})` : { blocks: u(0), chains: u(1), tombstones: u(2), freeSectors: u(3), liveBytes: u(4) }
  }
}
