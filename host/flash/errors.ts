// Turning what esptool-js throws into sentences a badge maker can act on:
// which file, which offset, what the board said, and that the flash is
// incomplete.

import { ROM_ERROR, STUB_ERROR } from './protocol.js'
import { portOpenProblem } from '../rpc/transport.js'

export class FlashError extends Error { override name = 'FlashError' }

/** What went wrong on the wire, in words. `stub` picks the error-code table (ROM and stub codes differ). */
export function describeBoardError (err: unknown, opts: { stub: boolean, lost: Error | null }): string {
  if (opts.lost) return `the serial port closed (${opts.lost.message}): the board was unplugged or lost power`
  const msg = err instanceof Error ? err.message : String(err)
  const status = /failed with status (\d+),(\d+)/.exec(msg)
  if (status) {
    const code = Number(status[2])
    const table = opts.stub ? STUB_ERROR : ROM_ERROR
    const meaning = table[code] ?? (opts.stub ? ROM_ERROR : STUB_ERROR)[code] ?? 'unknown error'
    return `the ${opts.stub ? 'flasher stub' : 'ROM bootloader'} answered failure, error 0x${code.toString(16).padStart(2, '0')} (${meaning})`
  }
  if (/No serial data received|Serial data stream stopped|Timeout/i.test(msg)) return 'the board stopped answering (timed out waiting for its reply)'
  if (/Invalid SLIP escape|Invalid head of packet|invalid response/.test(msg)) return `the board's reply arrived damaged (${msg}): check the USB cable, or try a lower --baud`
  if (/Cannot lock port|Resource busy|EBUSY|No such file or directory|ENOENT|Permission denied|EACCES/i.test(msg)) return `the port would not open: ${portOpenProblem(msg)}`
  if (/Failed to connect/.test(msg)) return 'no answer from the ESP32 bootloader: check the port, the cable, and that the board has an auto-reset circuit (or hold BOOT while pressing EN)'
  return msg
}
