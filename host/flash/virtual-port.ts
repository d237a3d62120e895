// A virtual serial cable for node `serialport`: a binding (serialport's own
// plug-in interface, @serialport/bindings-interface) whose far end is a
// simulated device instead of a UART. A `SerialPortStream` opened on it is
// the same object the real adapter gets from `new SerialPort(...)`, so the
// adapter and esptool-js run unchanged against the simulated bootloader.
//
// The cable carries what a USB-UART bridge carries: bytes at a baud rate
// (bytes sent at a rate the other end is not listening at are lost, as on a
// real line), and the DTR / RTS modem lines that the boards' auto-reset
// circuit turns into EN and GPIO0. Unplugging fails every read and write the
// way the OS does when the USB device vanishes.

// The binding contract of @serialport/bindings-interface, spelled out here
// because that package's typings cannot be resolved under NodeNext.
interface OpenOptions { path: string, baudRate: number, dataBits?: 5 | 6 | 7 | 8, lock?: boolean, stopBits?: 1 | 1.5 | 2, parity?: string, rtscts?: boolean, xon?: boolean, xoff?: boolean, xany?: boolean, hupcl?: boolean }
interface PortInfo { path: string, manufacturer: string | undefined, serialNumber: string | undefined, pnpId: string | undefined, locationId: string | undefined, productId: string | undefined, vendorId: string | undefined }
interface SetOptions { brk?: boolean, cts?: boolean, dsr?: boolean, dtr?: boolean, rts?: boolean }
interface PortStatus { cts: boolean, dsr: boolean, dcd: boolean }
interface UpdateOptions { baudRate: number }
interface BindingPortInterface {
  readonly openOptions: Required<OpenOptions>
  isOpen: boolean
  close (): Promise<void>
  read (buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer, bytesRead: number }>
  write (buffer: Buffer): Promise<void>
  update (options: UpdateOptions): Promise<void>
  set (options: SetOptions): Promise<void>
  get (): Promise<PortStatus>
  getBaudRate (): Promise<{ baudRate: number }>
  flush (): Promise<void>
  drain (): Promise<void>
}
interface BindingInterface<T extends BindingPortInterface> { list (): Promise<PortInfo[]>, open (options: OpenOptions): Promise<T> }

/** The far end of the cable. */
export interface SerialDevice {
  /** Bytes from the host, sent at the host's baud rate. */
  receive (bytes: Uint8Array, baud: number): void
  /** The host changed DTR / RTS (both given, as the USB bridge reports both). */
  signals (lines: { dtr: boolean, rts: boolean }): void
  /** Called when a host opens the port: the device keeps `line` to talk back. */
  attach (line: SerialLine): void
}

/** What the device can do to the cable. */
export interface SerialLine {
  /** Bytes to the host, sent at the device's baud rate. */
  send (bytes: Uint8Array, baud: number): void
  /** The board is gone: the host's reads and writes fail from now on. */
  unplug (): void
}

class Canceled extends Error { canceled = true }

class VirtualPort implements BindingPortInterface {
  isOpen = true
  #rx: Buffer[] = []
  #pending: ((err?: Error) => void) | null = null
  #lost: Error | null = null
  #baud: number

  constructor (readonly openOptions: Required<OpenOptions>, private readonly device: SerialDevice, private readonly onClose: () => void) {
    this.#baud = openOptions.baudRate
    device.attach({
      send: (bytes, baud) => {
        if (!this.isOpen || this.#lost || baud !== this.#baud) return
        this.#rx.push(Buffer.from(bytes))
        const wake = this.#pending; this.#pending = null; wake?.()
      },
      unplug: () => {
        this.#lost = new Error('the serial device was disconnected')
        const wake = this.#pending; this.#pending = null; wake?.(this.#lost)
      }
    })
  }

  async close (): Promise<void> {
    this.isOpen = false
    const wake = this.#pending; this.#pending = null; wake?.(new Canceled('port is closed'))
    this.onClose()
  }

  async read (buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer, bytesRead: number }> {
    for (;;) {
      if (this.#lost) throw this.#lost
      if (!this.isOpen) throw new Canceled('port is closed')
      if (this.#rx.length > 0) {
        const head = this.#rx[0]
        const n = Math.min(length, head.length)
        head.copy(buffer, offset, 0, n)
        if (n === head.length) this.#rx.shift(); else this.#rx[0] = head.subarray(n)
        return { buffer, bytesRead: n }
      }
      await new Promise<void>((resolve, reject) => { this.#pending = err => err ? reject(err) : resolve() })
    }
  }

  async write (buffer: Buffer): Promise<void> {
    if (this.#lost) throw this.#lost
    if (!this.isOpen) throw new Canceled('port is closed')
    const bytes = Uint8Array.from(buffer)
    // Delivered after the write resolves, as a UART delivers after the OS takes the bytes.
    setImmediate(() => { if (this.isOpen && !this.#lost) this.device.receive(bytes, this.#baud) })
  }

  async update (options: UpdateOptions): Promise<void> { this.#baud = options.baudRate }

  async set (options: SetOptions): Promise<void> {
    if (this.#lost) throw this.#lost
    this.device.signals({ dtr: options.dtr ?? false, rts: options.rts ?? false })
  }

  async get (): Promise<PortStatus> { return { cts: false, dsr: false, dcd: false } }
  async getBaudRate (): Promise<{ baudRate: number }> { return { baudRate: this.#baud } }
  async flush (): Promise<void> { this.#rx = [] }
  async drain (): Promise<void> {}
}

/** A serialport binding whose ports are simulated devices, keyed by path. */
export class VirtualSerialBinding implements BindingInterface<VirtualPort> {
  #devices = new Map<string, { device: SerialDevice, info: Partial<PortInfo>, open: boolean }>()

  plug (path: string, device: SerialDevice, info: Partial<PortInfo> = {}): void {
    this.#devices.set(path, { device, info, open: false })
  }

  async list (): Promise<PortInfo[]> {
    return [...this.#devices].map(([path, d]) => ({ path, manufacturer: undefined, serialNumber: undefined, pnpId: undefined, locationId: undefined, productId: undefined, vendorId: undefined, ...d.info }))
  }

  async open (options: OpenOptions): Promise<VirtualPort> {
    const d = this.#devices.get(options.path)
    if (!d) throw new Error(`Error: No such file or directory, cannot open ${options.path}`)
    if (d.open) throw new Error(`Error Resource temporarily unavailable Cannot lock port ${options.path}`)
    d.open = true
    const full = { dataBits: 8 as const, lock: true, stopBits: 1 as const, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true, ...options }
    return new VirtualPort(full, d.device, () => { d.open = false })
  }
}
