// The board profile: every capacity of the core, in one place, with what it
// costs in RAM, so a firmware writer sees what a change costs.
//
// Two profiles are built from the same sources (asconfig.json):
//   badge  build/core.wasm       one 64 KiB page, min = max; what badges run,
//                                what `picobadge build` signs, what the
//                                simulator and `picobadge test` use.
//   host   build/core-host.wasm  `--use PICOBADGE_HOST=1`; bigger caches for
//                                speed (the Node drop-in picofeed API), 4 pages.
// Where speed was bought with RAM, the badge profile chooses RAM.
//
// A figure marked "RAM" is the bytes of linear memory the item costs in
// the badge profile; docs/ABI.md's memory table is held to memory_used() by
// a test.

// @ts-ignore: defined by `asc --use PICOBADGE_HOST=1` for the host build
export const HOST: bool = isDefined(PICOBADGE_HOST);

// ---- shared by the store and the sync protocol --------------------------
//
// The largest picofeed block a badge stores and syncs. A badge's own post
// with the largest body (BODY_MAX, 1,024 B) is 1,193 B with both headers.
// Larger blocks (picofeed allows them) are refused with E_TOO_LARGE: they
// would cost every link a reassembly buffer of their size.
export const BLOCK_MAX: i32 = 1280;
// The largest sync message (docs/SYNC.md): a BLOCKS message of one such
// block, or a RECON reply. Each link reassembles one: 3 x 1,536 B RAM.
export const MSG_MAX: i32 = 1536;

// ---- crypto ---------------------------------------------------------------
//
// (constants of assembly/crypto/ live here)
//
//

// ---- block store (repo/) --------------------------------------------------
//
// (constants of assembly/repo/ live here)
//
//

// ---- state engine (store/, gc/) -------------------------------------------
//
// An object (one collection's state for one author or chain) costs 70 B of
// RAM: collection 1 | chain slot 1 | id prefix 8 | state 48 (store/objects.ts)
// | timer: expiry 8, links 2, list 2 (gc/wheel.ts, u8 links below 255).
// Per chain slot, its reference count: 1 B.
export const MAX_OBJECTS: i32 = 128; // 128 x 70 B = 8,960 B RAM (+ 386 B of timer-list heads, + MAX_CHAINS B of references)
// The largest state of a collection, reserved in every object slot.
export const STATE_MAX: i32 = 48; // 128 x 48 B = 6,144 B RAM (part of the 70 B above)
// Collections an app may register (name, rules: two function references).
export const MAX_COLLECTIONS: i32 = 8; // 8 x 24 B = 192 B RAM
// Blocks that arrived before their parent (picostore's mempool), back to
// back; oldest dropped first. It must hold one BLOCK_MAX block plus 4 bytes:
// mount replays the repo through it while nothing waits.
export const PENDING_BYTES: i32 = 2048; // 2,048 B RAM
export const MAX_PENDING: i32 = 24; // 24 x 2 B = 48 B RAM (the waiting blocks' lengths)
// Blocks one dispatched feed may carry: counted, not stored (the feed is
// walked again), so it costs no RAM; more is E_FEED_TOO_LONG.
export const MAX_FEED_BLOCKS: i32 = 256; // 0 B RAM

// ---- badge runtime, sync and the I/O window (badge/, sync/, abi/) ---------
//
// (constants of assembly/badge/, assembly/sync/ and assembly/abi/ live here)
//
//
