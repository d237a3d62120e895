// SLIP framing (RFC 1055), as the ESP bootloaders, the Adafruit nRF52
// bootloader's serial DFU and the board test RPC (docs/RPC.md) all use it:
// every packet starts and ends with 0xC0; inside, 0xC0 becomes DB DC and
// 0xDB becomes DB DD. The decoder is streaming because serial bytes arrive
// in arbitrary chunks.

export const SLIP_END = 0xc0
export const SLIP_ESC = 0xdb
export const SLIP_ESC_END = 0xdc
export const SLIP_ESC_ESC = 0xdd

export function slipEncode (packet: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END]
  for (const b of packet) {
    if (b === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END)
    else if (b === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC)
    else out.push(b)
  }
  out.push(SLIP_END)
  return Uint8Array.from(out)
}

/** Feeds bytes in, calls onPacket for every complete frame. Bytes outside a frame (noise) are dropped, as the ROM does. */
export class SlipDecoder {
  #buf: number[] = []
  #inFrame = false
  #escaping = false

  constructor (private readonly onPacket: (packet: Uint8Array) => void) {}

  push (chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === SLIP_END) {
        // An END both closes a frame and may open the next; empty frames (END END) are nothing.
        if (this.#inFrame && this.#buf.length > 0) this.onPacket(Uint8Array.from(this.#buf))
        this.#buf = []
        this.#inFrame = true
        this.#escaping = false
      } else if (!this.#inFrame) {
        continue
      } else if (this.#escaping) {
        this.#escaping = false
        if (b === SLIP_ESC_END) this.#buf.push(SLIP_END)
        else if (b === SLIP_ESC_ESC) this.#buf.push(SLIP_ESC)
        else { this.#buf = []; this.#inFrame = false } // a broken escape spoils the frame
      } else if (b === SLIP_ESC) {
        this.#escaping = true
      } else {
        this.#buf.push(b)
      }
    }
  }

  reset (): void { this.#buf = []; this.#inFrame = false; this.#escaping = false }
}
