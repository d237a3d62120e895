// The picobadge core: the module's exports. See docs/ABI.md.
export { io, io_cap, sha512 } from './abi/io';
export { block_scan, feed_block_scan, varint_decode, varint_encode } from './abi/feed';
