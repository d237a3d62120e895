// SLIP (RFC 1055) framing for the board RPC (docs/RPC.md): END before and
// after each frame (the leading one flushes console text the firmware
// printed in between, as RFC 1055 suggests); END and ESC inside a frame
// are escaped.

export const END = 0xc0
export const ESC = 0xdb
export const ESC_END = 0xdc
export const ESC_ESC = 0xdd

export function slipEncode (frame: Uint8Array): Uint8Array {
  const out: number[] = [END]
  for (const b of frame) {
    if (b === END) out.push(ESC, ESC_END)
    else if (b === ESC) out.push(ESC, ESC_ESC)
    else out.push(b)
  }
  out.push(END)
  return Uint8Array.from(out)
}

/** Splits a byte stream into frames; bytes that fail to unescape end the frame as garbage (dropped). */
export class SlipDecoder {
  #buf: number[] = []
  #escaped = false
  #bad = false

  /** Feeds bytes; returns the frames they completed. */
  push (bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = []
    for (const b of bytes) {
      if (b === END) {
        if (this.#buf.length > 0 && !this.#bad && !this.#escaped) frames.push(Uint8Array.from(this.#buf))
        this.#buf = []; this.#escaped = false; this.#bad = false
      } else if (this.#escaped) {
        if (b === ESC_END) this.#buf.push(END)
        else if (b === ESC_ESC) this.#buf.push(ESC)
        else this.#bad = true
        this.#escaped = false
      } else if (b === ESC) this.#escaped = true
      else if (this.#buf.length < 1 << 20) this.#buf.push(b)
      else this.#bad = true
    }
    return frames
  }
}
