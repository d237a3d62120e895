// The picobadge core: the module's exports. See docs/ABI.md.
export { io, io_cap, sha512 } from './abi/io';
