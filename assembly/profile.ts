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
// (constants of assembly/store/ and assembly/gc/ live here)
//
//

// ---- badge runtime, sync and the I/O window (badge/, sync/, abi/) ---------
//
// (constants of assembly/badge/, assembly/sync/ and assembly/abi/ live here)
//
//
