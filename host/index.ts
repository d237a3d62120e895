// picobadge: picofeed 8's API, backed by the WebAssembly core.
// Replace `from 'picofeed'` with `from 'picobadge'`.

export { Feed, feedFrom, isFeed, isBlock, PIC0 } from './feed.js'
export type { Feedlike, InteractiveMergeCallback } from './feed.js'
export { Block, symInspect, symFeed, symBlock } from './block.js'
export { signPair, generatePrivateKey, getPublicKey } from './keys.js'
export type { SecretKey, PublicKey, SignPairHex } from './keys.js'
export { createBlockSegment, sizeOfBlockSegment, HDR_AUTHOR, HDR_PSIG, usize } from './segment.js'
export { varintEncode, varintDecode } from './varint.js'
export { toHex, fromHex, toU8, s2b, b2s, cmp, cpy, au8 } from './bytes.js'
export { hexdump, macrofilm } from './inspect.js'
