// The flash region the host lends the store, through three imports. The
// host's part follows NOR rules (docs/ABI.md): erase sets a whole sector to
// 0xFF; program only clears bits, at word-aligned addresses and lengths;
// reads are free-form. Addresses are offsets into the region, not absolute.
//
// A power cut stops the core inside one of these calls; nothing after it
// runs. Everything the store writes is ordered so that this is safe (see
// log.ts).

@external("env", "flash_read")
declare function hostRead(addr: u32, ptr: usize, len: u32): i32;
@external("env", "flash_program")
declare function hostProgram(addr: u32, ptr: usize, len: u32): i32;
@external("env", "flash_erase")
declare function hostErase(addr: u32): i32;

/** The host refused a flash operation (its code is below this). */
export const E_FLASH: i32 = -40;

export class Geometry {
  sectorSize: u32;
  wordSize: u32;
  sectors: u32;
}

// In static memory (no heap): zero until logGeometry sets it.
export const geometry = changetype<Geometry>(memory.data(offsetof<Geometry>()));

/** Reads len bytes at addr into ptr. 0, or E_FLASH. */
export function flashRead(addr: u32, ptr: usize, len: u32): i32 {
  return hostRead(addr, ptr, len) == 0 ? 0 : E_FLASH;
}

/** Programs len bytes (word multiple) from ptr at addr (word aligned). 0, or E_FLASH. */
export function flashProgram(addr: u32, ptr: usize, len: u32): i32 {
  return hostProgram(addr, ptr, len) == 0 ? 0 : E_FLASH;
}

/** Erases the sector with index s. 0, or E_FLASH. */
export function flashErase(s: u32): i32 {
  return hostErase(s * geometry.sectorSize) == 0 ? 0 : E_FLASH;
}
