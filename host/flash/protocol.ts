// The ESP32 serial bootloader protocol, as Espressif publishes it ("Serial
// Protocol" in the esptool documentation) and as esptool / esptool-js speak
// it. Named constants only: the simulated bootloader (esp32-rom.ts) and the
// error messages of the flasher (errors.ts) share them, so a number means
// the same thing on both sides of the wire.

/** Direction byte of a packet: host → chip, chip → host. */
export const DIR_REQUEST = 0x00
export const DIR_RESPONSE = 0x01

/** Command opcodes (byte 1 of a packet). */
export const CMD = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
  // Only the flasher stub knows these.
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3
} as const

/** Size of the packet header: direction, command, size (u16), value/checksum (u32). */
export const HEADER_SIZE = 8
/** _DATA commands carry four words (length, sequence, 0, 0) before their data. */
export const DATA_HEADER_SIZE = 16
/** Seed of the 8-bit XOR checksum over the data of MEM_DATA, FLASH_DATA, FLASH_DEFL_DATA. */
export const CHECKSUM_SEED = 0xef

/** The 36-byte SYNC payload: 07 07 12 20 then 32 × 0x55 (lets the UART detect the baud rate). */
export const SYNC_PAYLOAD = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array(32).fill(0x55)])
/** The value field of the ROM's SYNC replies (the stub answers 0, which is how esptool tells them apart). */
export const ROM_SYNC_VALUE = 0x20120707
/** The ROM answers one SYNC with this many replies. */
export const ROM_SYNC_REPLIES = 8
/** The ROM repeats its "invalid message" reply to an unknown command this many times (esptool drains 8 × 14 bytes). */
export const ROM_INVALID_REPLIES = 8

/** The original ESP32's status trailer is 4 bytes (status, error, 2 reserved); the stub's is 2. */
export const ROM_STATUS_BYTES = 4
export const STUB_STATUS_BYTES = 2

/** ROM loader error codes (the byte after status 1). */
export const ROM_ERROR: Record<number, string> = {
  0x00: 'undefined error',
  0x01: 'the input parameter is invalid',
  0x02: 'failed to allocate memory',
  0x03: 'failed to send out message',
  0x04: 'failed to receive message',
  0x05: 'the format of the received message is invalid',
  0x06: 'message is ok, but the running result is wrong',
  0x07: 'checksum error',
  0x08: 'flash write error',
  0x09: 'flash read error',
  0x0a: 'flash read length error',
  0x0b: 'deflate failed',
  0x0c: 'deflate Adler32 error',
  0x0d: 'deflate parameter error',
  0x0e: 'invalid RAM binary size',
  0x0f: 'invalid RAM binary address'
}
export const ROM_ERR = { INVALID_PARAM: 0x01, INVALID_MSG: 0x05, FAILED: 0x06, BAD_CHECKSUM: 0x07, FLASH_WRITE: 0x08, FLASH_READ: 0x09, DEFLATE: 0x0b, RAM_SIZE: 0x0e, RAM_ADDR: 0x0f } as const

/** Flasher stub error codes (esptool's flasher_stub/include/stub_flasher.h). */
export const STUB_ERROR: Record<number, string> = {
  0xc0: 'bad data length',
  0xc1: 'bad data checksum',
  0xc2: 'bad block size',
  0xc3: 'invalid command',
  0xc4: 'failed SPI operation',
  0xc5: 'failed SPI unlock',
  0xc6: 'not in flash mode',
  0xc7: 'inflate error',
  0xc8: 'not enough data',
  0xc9: 'too much data',
  0xff: 'command not implemented'
}
export const STUB_ERR = { BAD_DATA_LEN: 0xc0, BAD_CHECKSUM: 0xc1, BAD_BLOCKSIZE: 0xc2, INVALID_COMMAND: 0xc3, FAILED_SPI_OP: 0xc4, NOT_IN_FLASH_MODE: 0xc6, INFLATE: 0xc7, NOT_ENOUGH_DATA: 0xc8, TOO_MUCH_DATA: 0xc9, NOT_IMPLEMENTED: 0xff } as const

/** The unsolicited packet the flasher stub sends once it runs. */
export const STUB_HELLO = new TextEncoder().encode('OHAI')

/** READ_REG at this address tells the chip family; an original ESP32 answers ESP32_CHIP_MAGIC. */
export const CHIP_DETECT_MAGIC_REG = 0x40001000
export const ESP32_CHIP_MAGIC = 0x00f01d83

/** ESP32 register blocks esptool reads or drives while connecting. */
export const ESP32_REG = {
  EFUSE_RD_BASE: 0x3ff5a000,
  APB_CTL_DATE: 0x3ff66000 + 0x7c,
  UART_CLKDIV: 0x3ff40014,
  SPI_BASE: 0x3ff42000,
  SPI_CMD: 0x3ff42000 + 0x00,
  SPI_USR2: 0x3ff42000 + 0x24,
  SPI_W0: 0x3ff42000 + 0x80
} as const
/** SPI_CMD_REG bit that starts a user-defined SPI transaction (cleared when it is done). */
export const SPI_CMD_USR = 1 << 18
/** The SPI flash command that reads the JEDEC id (manufacturer, type, capacity). */
export const SPIFLASH_RDID = 0x9f

/** The ESP32 boots its ROM loader at this baud rate. */
export const ROM_BAUD = 115200
/** SPI flash erase sector. */
export const FLASH_SECTOR_SIZE = 0x1000
