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
// RAM holds a fixed index (assembly/repo/repo.ts); blocks, owners, stamps
// and lengths stay on flash. Besides the tables below the repo keeps one
// record buffer (16 + BLOCK_MAX = 1,296 B) and about 300 B of small buffers.
//
// Blocks the repo indexes, over all chains: 1,024 x 8 B = 8,192 B RAM.
export const MAX_BLOCKS: i32 = 1024;
// Chains (one per owner) and as many tombstones: 128 x (10 + 4) B = 1,792 B RAM.
export const MAX_CHAINS: i32 = 128;
// Flash sectors: 64 x 14 B = 896 B RAM. 64 sectors of 4 KiB = a 256 KiB
// region; a larger region needs more (each sector costs 14 B).
export const MAX_SECTORS: i32 = 64;
// Largest sector (no RAM: with MAX_SECTORS it sets the width of a flash address).
export const MAX_SECTOR_SIZE: i32 = 4096;

// ---- state engine (store/, gc/) -------------------------------------------
//
// (constants of assembly/store/ and assembly/gc/ live here)
//
//

// ---- badge runtime, sync and the I/O window (badge/, sync/, abi/) ---------
//
// (constants of assembly/badge/, assembly/sync/ and assembly/abi/ live here)
//
//
