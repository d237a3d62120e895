// Native board processes behind a synchronous API, for the simulator.
//
// The mesh simulator is synchronous: it calls a badge inline from its event
// queue and needs the answer before the next event. A native board answers
// over a socket, which Node reads only from an event loop. So one worker
// thread owns every board process and its socket (the child's fd 3, a
// socketpair made by spawn), and the calling thread blocks in Atomics.wait
// on a SharedArrayBuffer until the worker has the whole answer.
//
// Invariants:
//   - One request in flight at a time (the simulator is one thread): ctl[STATE]
//     goes IDLE -> POSTED (caller) -> ANSWERED (worker) -> IDLE (caller), and
//     the caller bumps ctl[SEQ] after each POSTED: the worker serves every
//     SEQ exactly once (STATE alone cannot tell a new request from the last).
//   - An answer is either every board message up to and including DONE (in
//     parts when the board asks for entropy: each ENTROPY ends a part, and
//     the bytes sent back start the next), or
//     an error line (the process died, the answer did not fit, a timeout),
//     or the line of a board that exited 137 mid-request: its own simulated
//     power cut (NativePowerCut), which the simulator asked for.
//   - Every process this pool spawned is in `live` until the worker saw it
//     exit; close(), a process 'exit' hook and the board's own rule (it exits
//     when the simulator's end of the socket closes) each end them, so none
//     outlives the simulator.

import { Worker } from 'node:worker_threads'

const STATE = 0; const OP = 1; const ID = 2; const LEN = 3; const STATUS = 4; const PID = 5; const SEQ = 6
const IDLE = 0; const POSTED = 1; const ANSWERED = 2
const OP_SPAWN = 1; const OP_CALL = 2; const OP_KILL = 3; const OP_MORE = 4
const DATA_BYTES = 1 << 20

export class NativeBadgeError extends Error { override name = 'NativeBadgeError' }
/** The board exited 137 in the middle of a request: the simulated power cut it was told to make (CUT). */
export class NativePowerCut extends NativeBadgeError { override name = 'NativePowerCut' }

// The worker's code, plain JavaScript (it runs from a string, so it needs no build step or file path).
const WORKER = String.raw`
const { workerData } = require('node:worker_threads')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const ctl = new Int32Array(workerData.ctl)
const data = new Uint8Array(workerData.data)
const [STATE, OP, ID, LEN, STATUS, PID, SEQ] = [0, 1, 2, 3, 4, 5, 6]
const boards = new Map()
let nextId = 1
let pending = null // { board, resolve } while a CALL waits for DONE

function answer (status, bytes, extra = {}) {
  if (bytes.length > data.length) { status = 1; bytes = Buffer.from('an answer of ' + bytes.length + ' bytes does not fit the shared buffer') }
  data.set(bytes, 0)
  ctl[LEN] = bytes.length
  ctl[STATUS] = status
  if (extra.id !== undefined) ctl[ID] = extra.id
  if (extra.pid !== undefined) ctl[PID] = extra.pid
  Atomics.store(ctl, STATE, 2)
  Atomics.notify(ctl, STATE)
}
const fail = (line) => answer(1, Buffer.from(line))

function died (b) {
  const tail = b.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ')
  return b.label + ' (pid ' + b.pid + ') ' + (b.signal ? 'was killed by ' + b.signal : 'exited with code ' + b.code) + (tail ? ': ' + tail : '')
}

// Splits the socket's bytes into messages; answers the pending CALL at DONE (0x8F).
function onData (b, chunk) {
  b.buf = b.buf.length ? Buffer.concat([b.buf, chunk]) : chunk
  while (b.scan + 3 <= b.buf.length) {
    const type = b.buf[b.scan]
    const len = b.buf[b.scan + 1] | (b.buf[b.scan + 2] << 8)
    if (b.scan + 3 + len > b.buf.length) break
    b.scan += 3 + len
    if (type !== 0x8f && type !== 0x86) continue
    // DONE ends the answer; ENTROPY (the board waits for bytes) ends this part of it: status 3.
    const msgs = b.buf.subarray(0, b.scan)
    b.buf = b.buf.subarray(b.scan); b.scan = 0
    if (pending && pending.board === b) { pending = null; answer(type === 0x86 ? 3 : 0, msgs) } else { b.stray = true }
  }
}

function spawnBoard (req) {
  let child
  try {
    // stdin: a pipe nobody writes (the board's serial port; it exits when its stdin closes);
    // stdout: the serial console, to a log file or nowhere (never a pipe nobody reads: it would fill and block the board).
    const out = req.serialLog ? fs.openSync(req.serialLog, 'a') : 'ignore'
    try {
      child = spawn(req.command, req.args, { stdio: ['pipe', out, 'pipe', 'pipe'], env: req.env ? { ...process.env, ...req.env } : process.env })
    } finally { if (typeof out === 'number') fs.closeSync(out) }
  } catch (e) { return fail(req.label + ': cannot start ' + req.command + ': ' + e.message) }
  const b = { id: nextId++, label: req.label, child, pid: child.pid, stderr: '', buf: Buffer.alloc(0), scan: 0, exited: false, code: null, signal: null, onExit: [] }
  child.on('error', e => { b.stderr += '\n' + e.message; if (!b.exited) { b.exited = true; b.code = -1; finish(b) } })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', s => { b.stderr = (b.stderr + s).slice(-4000) })
  const sock = child.stdio[3]
  sock.on('data', chunk => onData(b, chunk))
  sock.on('error', () => {})
  b.sock = sock
  child.on('exit', (code, signal) => { b.exited = true; b.code = code; b.signal = signal; finish(b) })
  boards.set(b.id, b)
  if (child.pid === undefined) return // 'error' follows and answers
  answer(0, Buffer.alloc(0), { id: b.id, pid: child.pid })
}

function finish (b) {
  if (b.finished) return
  b.finished = true // kept in boards (so later calls get the same line) until KILL or the pool's close
  // The answer to SPAWN when the process could not start at all.
  if (b.pid === undefined && Atomics.load(ctl, STATE) === 1 && ctl[OP] === 1) return fail(died(b))
  // Exit 137 is the board's own simulated power cut (CUT, or PICOBADGE_CUT_AFTER_WRITES): status 2, not an error.
  if (pending && pending.board === b) { pending = null; answer(b.code === 137 ? 2 : 1, Buffer.from(died(b))) }
  for (const f of b.onExit.splice(0)) f()
}

function kill (b, then) {
  if (b && b.exited) boards.delete(b.id)
  if (!b || b.exited) return then()
  b.onExit.push(() => { boards.delete(b.id); then() })
  b.child.kill('SIGKILL')
}

function serve () {
  const op = ctl[OP]
  const n = ctl[LEN]
  const b = boards.get(ctl[ID])
  if (op === 1) return spawnBoard(JSON.parse(Buffer.from(data.subarray(0, n)).toString('utf8')))
  if (op === 3) return kill(b, () => answer(0, Buffer.alloc(0)))
  if (!b) return fail('no such native board (it exited before this call)')
  if (b.exited) return fail(died(b))
  const req = Buffer.from(data.subarray(0, n))
  if (op === 2 || op === 4) { pending = { board: b }; b.sock.write(req); return } // a request, or the rest of one (op 4: entropy)
  fail('unknown operation ' + op)
}

// Atomics.waitAsync holds no libuv handle: without one of its own the worker's event loop would end
// (and the worker with it) whenever no board process or socket is open. This keeps it alive; the
// worker is unref'd, so it never keeps the simulator's process alive.
setInterval(() => {}, 1 << 30)

// Each request bumps SEQ once it is in place; serve each SEQ once, and let the event loop run (socket data) while waiting.
async function loop () {
  let served = 0
  for (;;) {
    const seq = Atomics.load(ctl, SEQ)
    if (seq !== served) { served = seq; serve(); continue }
    const w = Atomics.waitAsync(ctl, SEQ, seq)
    if (w.async) await w.value
  }
}
loop()
`

/** Every pid of every pool in this process, killed when the process exits, whatever happened. */
const live = new Set<number>()
let hooked = false
function hookExit (): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => { for (const pid of live) { try { process.kill(pid, 'SIGKILL') } catch {} } })
}

export interface NativeSpawn {
  label: string
  command: string
  args: string[]
  env?: Record<string, string>
  /** Where the board's serial console (its stdout) goes; nowhere by default. */
  serialLog?: string
}

export class NativePool {
  readonly #ctl: Int32Array
  readonly #data: Uint8Array
  readonly #worker: Worker
  readonly #pids = new Map<number, number>()
  #closed = false
  #asked = false // the last answer part ended with the board's ENTROPY: it waits for bytes

  /** timeoutMs: the longest one request may take before the board is killed and the call fails. */
  constructor (readonly timeoutMs = 60_000) {
    const ctl = new SharedArrayBuffer(8 * 4)
    const data = new SharedArrayBuffer(DATA_BYTES)
    this.#ctl = new Int32Array(ctl)
    this.#data = new Uint8Array(data)
    this.#worker = new Worker(WORKER, { eval: true, workerData: { ctl, data } })
    this.#worker.unref()
    hookExit()
  }

  #run (op: number, id: number, bytes: Uint8Array, timeoutMs = this.timeoutMs): Uint8Array {
    if (this.#closed) throw new NativeBadgeError('native boards: the pool is closed')
    const c = this.#ctl
    if (bytes.length > this.#data.length) throw new NativeBadgeError(`native boards: a request of ${bytes.length} bytes`)
    this.#data.set(bytes, 0)
    c[OP] = op; c[ID] = id; c[LEN] = bytes.length; c[STATUS] = 0
    Atomics.store(c, STATE, POSTED)
    Atomics.add(c, SEQ, 1)
    Atomics.notify(c, SEQ)
    const deadline = Date.now() + timeoutMs
    while (Atomics.load(c, STATE) === POSTED) {
      const left = deadline - Date.now()
      if (left <= 0) {
        const pid = this.#pids.get(id)
        if (pid !== undefined) { try { process.kill(pid, 'SIGKILL') } catch {} }
        // The worker answers once it sees the process go; wait for that so the next request starts clean.
        Atomics.wait(c, STATE, POSTED, 10_000)
        Atomics.store(c, STATE, IDLE)
        throw new NativeBadgeError(`native board ${id} (pid ${pid ?? '?'}): no answer in ${timeoutMs} ms; killed`)
      }
      Atomics.wait(c, STATE, POSTED, left)
    }
    const n = c[LEN]
    const out = this.#data.slice(0, n)
    const status = c[STATUS]
    Atomics.store(c, STATE, IDLE)
    if (status === 2) throw new NativePowerCut(new TextDecoder().decode(out))
    this.#asked = status === 3
    if (status !== 0 && status !== 3) throw new NativeBadgeError(new TextDecoder().decode(out))
    return out
  }

  /** Starts a board process; its id in this pool. The board gets its radio socket as fd 3 (pass --radio fd:3). */
  spawn (s: NativeSpawn): number {
    this.#run(OP_SPAWN, 0, new TextEncoder().encode(JSON.stringify(s)))
    const id = this.#ctl[ID]; const pid = this.#ctl[PID]
    this.#pids.set(id, pid)
    live.add(pid)
    return id
  }

  pid (id: number): number | undefined { return this.#pids.get(id) }

  /**
   * One request; every board message of the answer, DONE last. When the board asks for entropy in the
   * middle (its ENTROPY message, then it waits), `more` gets the answer so far and returns what to send it.
   */
  call (id: number, request: Uint8Array, more?: (sofar: Uint8Array) => Uint8Array): Uint8Array {
    let out = this.#run(OP_CALL, id, request)
    if (!this.#asked) return out
    const parts: Uint8Array[] = []
    while (this.#asked) {
      parts.push(out)
      if (!more) throw new NativeBadgeError(`native board ${id}: asked for entropy in a call that has none to give`)
      out = this.#run(OP_MORE, id, more(out))
    }
    parts.push(out)
    return Uint8Array.from(Buffer.concat(parts))
  }

  /** SIGKILL, and returns once the process is gone (its flash file is no longer written). */
  kill (id: number): void {
    const pid = this.#pids.get(id)
    if (pid === undefined) return
    try { this.#run(OP_KILL, id, new Uint8Array(0)) } finally { this.#pids.delete(id); live.delete(pid) }
  }

  /** Kills every board and stops the worker. Safe to call twice. */
  close (): void {
    if (this.#closed) return
    for (const [id, pid] of [...this.#pids]) {
      // Through the worker, which waits for the exit (and so reaps the process); directly if the worker cannot.
      try { this.#run(OP_KILL, id, new Uint8Array(0), 5_000) } catch { try { process.kill(pid, 'SIGKILL') } catch {} }
      this.#pids.delete(id)
      live.delete(pid)
    }
    this.#closed = true
    void this.#worker.terminate()
  }

  get live (): number { return this.#pids.size }
}
