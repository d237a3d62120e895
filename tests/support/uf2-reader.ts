// An independent UF2 reader for the tests (written from the UF2 spec, not
// from host/flash/uf2.ts): checks every block and rebuilds the memory it
// describes, as a bootloader would.

export interface Uf2Contents { family: number, blocks: number, memory: Map<number, number> }

export function readUf2 (file: Uint8Array): Uf2Contents {
  if (file.length === 0 || file.length % 512 !== 0) throw new Error(`UF2: ${file.length} bytes is not a whole number of 512-byte blocks`)
  const v = new DataView(file.buffer, file.byteOffset, file.length)
  const memory = new Map<number, number>()
  const n = file.length / 512
  let family = -1
  for (let i = 0; i < n; i++) {
    const o = i * 512
    if (v.getUint32(o, true) !== 0x0a324655 || v.getUint32(o + 4, true) !== 0x9e5d5157 || v.getUint32(o + 508, true) !== 0x0ab16f30) throw new Error(`UF2 block ${i}: bad magic`)
    const flags = v.getUint32(o + 8, true)
    if (!(flags & 0x2000)) throw new Error(`UF2 block ${i}: no family id`)
    const size = v.getUint32(o + 16, true)
    if (size > 476) throw new Error(`UF2 block ${i}: payload ${size} > 476`)
    if (v.getUint32(o + 20, true) !== i || v.getUint32(o + 24, true) !== n) throw new Error(`UF2 block ${i}: numbering`)
    const f = v.getUint32(o + 28, true)
    if (family >= 0 && f !== family) throw new Error(`UF2 block ${i}: family changes`)
    family = f
    const addr = v.getUint32(o + 12, true)
    for (let k = 0; k < size; k++) memory.set(addr + k, file[o + 32 + k])
  }
  return { family, blocks: n, memory }
}
