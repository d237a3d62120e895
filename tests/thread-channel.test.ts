import { describe, it, expect } from 'vitest'
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads'
import { ThreadChannel, channelMemory, REGION_BYTES, SLOTS, BytesMessage } from '../host/sim/thread-channel.js'

/** Both ends of one channel, on this thread: each message is there before it is received, so nothing blocks. */
function pair (): [ThreadChannel, ThreadChannel, () => void] {
  const { port1, port2 } = new MessageChannel()
  const { signal, regions } = channelMemory()
  return [new ThreadChannel(port1, signal, 0, regions), new ThreadChannel(port2, signal, 1, regions), () => { port1.close(); port2.close() }]
}

/** A real worker running `body` with `c`, its end of a channel, and this thread's end. */
function withWorker (body: string): { worker: Worker, me: ThreadChannel, port: MessagePort, signal: SharedArrayBuffer } {
  const { port1, port2 } = new MessageChannel()
  const { signal, regions } = channelMemory()
  const url = new URL('../dist/host/sim/thread-channel.js', import.meta.url).href
  const code = `
    const { workerData } = require('node:worker_threads')
    import(${JSON.stringify(url)}).then(({ ThreadChannel }) => {
      const c = new ThreadChannel(workerData.port, workerData.signal, 1, workerData.regions)
      ${body}
      workerData.port.close()
    })`
  const worker = new Worker(code, { eval: true, workerData: { port: port2, signal, regions }, transferList: [port2] })
  return { worker, me: new ThreadChannel(port1, signal, 0, regions), port: port1, signal }
}

describe('ThreadChannel', () => {
  it('carries bytes through shared memory: the number, every string (empty ones too), in order', () => {
    const [a, b, close] = pair()
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), Uint8Array.from({ length: 1000 }, (_, i) => i * 7)]
    a.sendBytes(1234.5, parts)
    const got = b.receive() as BytesMessage
    expect(got.num).toBe(1234.5)
    expect(got.parts).toEqual(parts)
    close()
  })

  it('hands out copies: the region written again does not change what was received', () => {
    const [a, b, close] = pair()
    a.sendBytes(1, [new Uint8Array([9, 9, 9])])
    const first = b.receive() as BytesMessage
    a.sendBytes(2, [new Uint8Array([7, 7, 7, 7])])
    const second = b.receive() as BytesMessage
    expect([...first.parts[0]]).toEqual([9, 9, 9])
    expect([...second.parts[0]]).toEqual([7, 7, 7, 7])
    close()
  })

  it('mixes values sent by the port and bytes, in the order sent, both ways', () => {
    const [a, b, close] = pair()
    a.send({ op: 'open' })
    expect(b.receive()).toEqual({ op: 'open' })
    b.sendBytes(0, [new Uint8Array([5])])
    expect((a.receive() as BytesMessage).parts[0][0]).toBe(5)
    a.sendBytes(10, [])
    expect(b.receive()).toEqual({ num: 10, parts: [] })
    b.send({ value: [1, 'two'] })
    expect(a.receive()).toEqual({ value: [1, 'two'] })
    close()
  })

  it('sends what does not fit its region by the port, whole', () => {
    const [a, b, close] = pair()
    const big = new Uint8Array(REGION_BYTES)
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff
    a.sendBytes(3, [new Uint8Array([1]), big])
    const got = b.receive() as BytesMessage
    expect(got.num).toBe(3)
    expect(got.parts.length).toBe(2)
    expect(Buffer.compare(got.parts[1], big)).toBe(0)
    // and the next message that fits goes through shared memory again
    a.sendBytes(4, [new Uint8Array([2])])
    expect(b.receive()).toEqual({ num: 4, parts: [new Uint8Array([2])] })
    close()
  })

  it('holds SLOTS messages sent ahead of the receiver, bytes and values mixed, and gives them in order', () => {
    const [a, b, close] = pair()
    for (let round = 0; round < 3; round++) { // the ring wraps: each slot is written again
      for (let k = 0; k < SLOTS; k++) {
        if (k === 1) a.send({ round, k })
        else a.sendBytes(round * 10 + k, [new Uint8Array([k, round])])
      }
      for (let k = 0; k < SLOTS; k++) {
        const got = b.receive()
        if (k === 1) expect(got).toEqual({ round, k })
        else expect(got).toEqual({ num: round * 10 + k, parts: [new Uint8Array([k, round])] })
      }
    }
    close()
  })

  it('refuses regions of the wrong size', () => {
    const { port1 } = new MessageChannel()
    const { signal } = channelMemory()
    expect(() => new ThreadChannel(port1, signal, 0, new SharedArrayBuffer(1024))).toThrow(/regions must be/)
    port1.close()
  })

  it('wakes a receiver blocked on another thread (a real worker echoing bytes back, doubled)', async () => {
    const { worker, me, port } = withWorker(`
      for (;;) {
        const m = c.receive()
        if (!('parts' in m)) break
        c.sendBytes(m.num * 2, m.parts.map(p => p.map(x => x * 2)))
      }`)
    for (let k = 1; k <= 200; k++) {
      me.sendBytes(k, [new Uint8Array([k & 0x7f, 1]), new Uint8Array(k)])
      const got = me.receive() as BytesMessage
      expect(got.num).toBe(2 * k)
      expect([...got.parts[0]]).toEqual([(k & 0x7f) * 2, 2])
      expect(got.parts[1].length).toBe(k)
    }
    me.send({ op: 'close' })
    await new Promise(resolve => worker.once('exit', resolve))
    port.close()
  })

  it('makes a sender that is SLOTS messages ahead wait until the receiver takes one (a real worker sending 50 at once)', async () => {
    const { worker, me, port, signal } = withWorker(`
      for (let k = 0; k < 50; k++) c.sendBytes(k, [new Uint8Array(1000 + k).fill(k)])
      c.receive()`)
    const counts = new Int32Array(signal)
    for (let k = 0; k < 50; k++) {
      // The worker sends as fast as it can; it can never be more than SLOTS messages ahead of what was taken.
      const t0 = Date.now()
      while (Atomics.load(counts, 0) - k < SLOTS && Atomics.load(counts, 0) < 50 && Date.now() - t0 < 200) { /* give it time to run ahead */ }
      expect(Atomics.load(counts, 0) - k).toBeLessThanOrEqual(SLOTS)
      const got = me.receive() as BytesMessage
      expect(got.num).toBe(k)
      expect(got.parts[0].length).toBe(1000 + k)
      expect(got.parts[0].every(x => x === k)).toBe(true)
    }
    me.send({ op: 'close' })
    await new Promise(resolve => worker.once('exit', resolve))
    port.close()
  })
})
