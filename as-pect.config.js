// as-pect runs the AssemblyScript unit specs in assembly/__tests__.

/** A plain in-memory flash region for specs that mount the store (NOR rules are tested from Node). */
function ramFlash (memory, size = 16 * 4096, sector = 4096) {
  const cells = new Uint8Array(size).fill(0xff)
  const mem = () => new Uint8Array(memory().buffer)
  return {
    read: (addr, ptr, len) => { if (addr + len > size) return -2; mem().set(cells.subarray(addr, addr + len), ptr); return 0 },
    program: (addr, ptr, len) => { if (addr + len > size) return -2; const m = mem(); for (let i = 0; i < len; i++) cells[addr + i] &= m[ptr + i]; return 0 },
    erase: (addr) => { cells.fill(0xff, addr, addr + sector); return 0 }
  }
}

export default {
  entries: ['assembly/__tests__/**/*.spec.ts'],
  include: ['assembly/__tests__/**/*.include.ts'],
  disclude: [/node_modules/],
  async instantiate (memory, createImports, instantiate, binary) {
    // Every import is in env (docs/ABI.md, ABI 2.0). host_ed25519_verify and
    // host_ed25519_sign: the accelerators, here with no opinion (0). The flash imports reach the
    // module's own memory once it exists.
    let own
    const flash = ramFlash(() => own ?? memory)
    const env = { memory, host_ed25519_verify: () => 0, host_ed25519_sign: () => 0, flash_read: flash.read, flash_program: flash.program, flash_erase: flash.erase }
    const result = await instantiate(binary, createImports({ env }))
    const instance = result.instance ?? result
    own = instance.exports?.memory ?? memory
    return result
  },
  outputBinary: false
}
