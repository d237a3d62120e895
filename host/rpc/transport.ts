// A byte pipe to a board: a serial port in the field, an in-memory pair in
// tests (the simulated board sits at the other end).

export interface Transport {
  write (bytes: Uint8Array): void
  onData (fn: (bytes: Uint8Array) => void): void
  close (): Promise<void>
  /** Sets the modem lines (DTR, RTS), which USB-serial bridges wire to the chip's reset and boot pins. */
  setSignals? (s: { dtr?: boolean, rts?: boolean }): Promise<void>
}

/** Two connected ends: what one writes, the other receives (asynchronously, as a port delivers). */
export function transportPair (): [Transport, Transport] {
  const listeners: Array<Array<(b: Uint8Array) => void>> = [[], []]
  let open = true
  const end = (me: 0 | 1): Transport => ({
    write (bytes) { if (!open) throw new Error('transport closed'); const copy = Uint8Array.from(bytes); setImmediate(() => { for (const fn of listeners[1 - me]) fn(copy) }) },
    onData (fn) { listeners[me].push(fn) },
    async close () { open = false }
  })
  return [end(0), end(1)]
}

export class PortError extends Error { override name = 'PortError' }

/** Why a serial port would not open, and what to do, from serialport's message (shared with the ESP32 flasher). */
export function portOpenProblem (message: string): string {
  if (/Cannot lock port|Resource busy|EBUSY/i.test(message)) return 'it is in use by another program (a serial monitor, another picobadge, ModemManager): close that and try again'
  if (/No such file or directory|ENOENT/i.test(message)) return 'no such port: is the board plugged in (and its cable not a charge-only one)? picobadge ports lists the ports'
  if (/Permission denied|EACCES/i.test(message)) return 'permission denied: on Linux, add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again'
  return `${message} (picobadge ports lists the ports)`
}

/** A serial port (Node `serialport`), opened at `baud`. */
export async function serialTransport (path: string, baud = 115200): Promise<Transport> {
  let SerialPort: new (o: { path: string, baudRate: number, autoOpen: boolean }) => {
    open (cb: (e: Error | null) => void): void
    set (s: { dtr?: boolean, rts?: boolean }, cb: (e: Error | null) => void): void
    write (b: Uint8Array): void
    on (ev: 'data', fn: (b: Buffer) => void): void
    close (cb: (e: Error | null) => void): void
  }
  try {
    ({ SerialPort } = await import('serialport' as string))
  } catch {
    throw new PortError('serial ports need the serialport package (npm install serialport)')
  }
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false })
  await new Promise<void>((resolve, reject) => port.open(e => e ? reject(new PortError(`cannot open ${path}: ${portOpenProblem(e.message)}`)) : resolve()))
  return {
    write: b => port.write(b),
    onData: fn => port.on('data', b => fn(new Uint8Array(b))),
    close: () => new Promise(resolve => port.close(() => resolve())),
    setSignals: s => new Promise((resolve, reject) => port.set(s, e => e ? reject(e) : resolve()))
  }
}
