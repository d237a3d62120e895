#!/usr/bin/env node
// Runs the ESP32 flash command from the built host before host/cli.ts wires
// it in:   npm run build && node tests/support/esp32-flash.mjs --port /dev/ttyUSB0 --build …
import { esp32FlashCommand } from '../../dist/host/flash/command.js'

process.exitCode = await esp32FlashCommand(process.argv.slice(2))
