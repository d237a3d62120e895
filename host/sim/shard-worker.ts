// A worker thread holding one shard of a threaded simulation (threads.ts):
// it builds the shard from the options it was started with, then does what
// the simulator asks, one request at a time, until told to close.

import { workerData } from 'node:worker_threads'
import { MeshShard } from './shard.js'
import { Venue } from './venue.js'
import { ThreadChannel, BytesMessage } from './thread-channel.js'
import { STARTED } from './threads.js'
import type { ShardRequest, WorkerData } from './threads.js'
import { QUERIES } from './driver.js'
import type { Query } from './driver.js'

const data = workerData as WorkerData
const channel = new ThreadChannel(data.port, data.signal, 1, data.regions)
const started = new Int32Array(data.signal)
Atomics.store(started, STARTED, 1)
Atomics.notify(started, STARTED)
const venue = data.venue ? new Venue(data.venue.rooms, data.venue.options) : undefined
let shard: MeshShard | null = null

for (;;) {
  const got = channel.receive() as ShardRequest | BytesMessage
  // A window comes as bytes (thread-channel.ts): its end, and the messages other shards sent this one.
  const req: ShardRequest = 'parts' in got ? { op: 'begin', to: got.num, incoming: got.parts } : got
  try {
    if (req.op === 'open') {
      shard = new MeshShard({ ...data.opts, venue }, data.index, data.count)
      channel.send({ value: null })
    } else if (req.op === 'begin' && 'to' in req) {
      shard!.receivePacked(req.incoming)
      shard!.runUntil(req.to)
      channel.sendBytes(0, shard!.takeOutbox())
    } else if (req.op === 'start') {
      shard!.start()
      channel.send({ value: null })
    } else if (req.op === 'close') {
      shard?.close()
      channel.send({ value: null })
      break
    } else if ((QUERIES as readonly string[]).includes(req.op) && 'args' in req) {
      const fn = shard![req.op as Query] as (...a: unknown[]) => unknown
      channel.send({ value: fn.apply(shard, req.args) })
    } else {
      throw new Error(`unknown request ${req.op}`)
    }
  } catch (e) {
    channel.send({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) })
    if (req.op === 'close') break
  }
}
data.port.close()
