// How the flashing code's refusals say what to do next. The library decides
// what is wrong; its caller says what to give instead: `picobadge flash`
// names its options, the page (web/flash-panel.ts) names its fields, so a
// page never tells its user about a command line.

export interface FlashAdvice {
  /** An ESP32 app image with no partition table (at `offset`) to place it by. */
  table (offset: string): string
  /** Nothing at all to flash. */
  nothing: string
  /** An app image whose signature is not the given event key's. */
  wrongKey: string
  /** nRF52840 firmware with bytes where the Adafruit bootloader lives: a UF2 cannot carry it. */
  debugger: string
}

/** `picobadge flash`'s words: its options. */
export const COMMAND_ADVICE: FlashAdvice = {
  table: offset => `give --build DIR or --file ${offset}=partition-table.bin`,
  nothing: 'give --build DIR, --file OFFSET=PATH or --app IMAGE',
  wrongKey: 'check that --key is the event key your badges trust, or build the image with it',
  debugger: 'write --out FILE.hex and flash it with a debugger'
}
