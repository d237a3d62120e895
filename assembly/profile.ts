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
// Signing is constant time in both profiles; verification is variable time
// (public inputs) and keeps ZIP-215's verdicts in both. The host buys speed
// with comb tables (30 KiB for B, 30 KiB for the last key verified twice in
// a row); the badge has none and signs with the small tables of B below.
//
// Comb tables for B and one key: host only (2 x 30,720 B); 0 B RAM on a badge.
export const COMB_TABLES: bool = HOST;
// Decoded keys of recent authors (crypto/keycache.ts): 4 x 104 B = 416 B
// RAM. A few authors taking turns hit it; a mesh of dozens misses at 8 too.
export const KEY_SLOTS: i32 = HOST ? 64 : 4;
// NAF width for B and 2^127 B: tables of 2^(w-2) odd multiples each,
// 2 x 4 x 120 B = 960 B RAM (host: width 7, 2 x 3,840 B). On a badge the
// same tables sign, in radix 2^(w-1) (edwards25519.ts's mulBaseOdd).
export const BASE_NAF_WIDTH: i32 = HOST ? 7 : 4;
// NAF width for R and A in a half-size verification: 2 x 8 x 160 B tables
// + 544 B digits = 3,104 B, in the crypto scratch (crypto/scratch.ts: 3,216
// B on a badge, the largest of this, a batch, and signing's temporaries).
export const POINT_NAF_WIDTH: i32 = 5;
// Signatures one batch verification takes (a chain's run of blocks).
export const BATCH_MAX: i32 = 8;
// NAF widths in a batch for each R_i (128-bit weights) and for the key A:
// 8 x 160 B + 2 x 160 B tables + 8 x 136 B + 2 x 264 B digits = 3,216 B, in
// the shared crypto scratch (host: widths 5 and 5, in the key's comb table).
export const BATCH_R_WIDTH: i32 = HOST ? 5 : 2;
export const BATCH_A_WIDTH: i32 = HOST ? 5 : 3;

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
