// as-pect runs the AssemblyScript unit specs in assembly/__tests__.
export default {
  entries: ['assembly/__tests__/**/*.spec.ts'],
  include: ['assembly/__tests__/**/*.include.ts'],
  disclude: [/node_modules/],
  async instantiate (memory, createImports, instantiate, binary) {
    // host.ed25519_verify: the optional accelerator; 0 = no opinion (docs/ABI.md).
    return instantiate(binary, createImports({ env: { memory }, host: { ed25519_verify: () => 0 } }))
  },
  outputBinary: false
}
