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

// Chains a badge takes over sync that do not start with an enrolment by the
// event key (store/enrol.ts, docs/SYNC.md §6.1): phones and web apps running
// picostack without one, or keys an attacker made up. Keys are free, so
// without this bound made-up keys fill every free chain slot. RAM: a bit per
// chain slot (MAX_CHAINS / 8 = 16 B), whatever the figure.
export const GUEST_MAX: i32 = 16;

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
export const MAX_PENDING: i32 = 24; // 24 x 3 B = 72 B RAM (the waiting blocks' lengths and sources)
// Blocks one dispatched feed may carry: counted, not stored (the feed is
// walked again), so it costs no RAM; more is E_FEED_TOO_LONG.
export const MAX_FEED_BLOCKS: i32 = 256; // 0 B RAM

// ---- badge runtime, sync and the I/O window (badge/, sync/, abi/) ---------
//
// Nothing here is allocated at run time: every table is memory.data, laid
// out at compile time. Per link (MAX_LINKS of them): a reassembly buffer
// (MSG_MAX), a control queue (CTL_CAP), WANTS wants and SERVES requests.
//
// Simultaneous links (BLE connections syncing at once): 3 x 3,841 B RAM (the buffers below, a
// 32-byte peer key and 232 B of state each).
export const MAX_LINKS: i32 = 3;
// Frames handed to the host per link before it says the link is ready for more (flow control; no RAM of its own).
export const TX_WINDOW: u32 = 4;
// The largest RECON body we send (a peer's may be up to MSG_MAX): a reply folds what does not fit into
// one summary that the peer splits (recon.ts). 768 B sends no more than 1,535 B did in `npm run bench`
// (1 and 10 of 1,000 chains differing: the same bytes; 100: 2% fewer), and costs half the RAM in the
// control queue.
export const RECON_CAP: u32 = 768;
// The control queue: at most one small message being sent (HELLO, 2 + 76 B, is the largest; PROOF 2 + 75 and
// BEACON 2 + 73 are smaller) and one RECON reply (2 + 1 + RECON_CAP) wait at once (link.ts): 849 B per link RAM.
export const CTL_CAP: u32 = 2 + 76 + 2 + 1 + RECON_CAP;
// Open WANTs we ask on one link: owner 32 + two heights 8 = 40 B each, 640 B per link RAM.
export const WANTS: u32 = 16;
// WANTs of the peer we serve on one link (must be at least the peer's WANTS): owner 32 + next height 4, 576 B per link RAM.
export const SERVES: u32 = 16;
// Neighbours remembered (the least useful forgotten first: peers.ts, P5): 32 x 48 B = 1,536 B RAM.
export const PEERS: i32 = 32; // + a 256-bit map of addresses heard lately, 32 B RAM (peers.ts, P5)
// The outbox holds what one call produces between two drains: TX_WINDOW frames of 6 + 244 B on each of
// the MAX_LINKS links (3,012), an ADVERTISE (29), a CONNECT (12), 3 DISCONNECTs (18), and a few STORED
// notes (42 each, dropped when full): 3,200 B RAM.
export const OUTBOX_CAP: u32 = 3200;
// The largest body of a badge's own post (post.ts); its block is at most 64 + 2 + 34 + 66 + BODY_MAX = 1,190 B.
export const BODY_MAX: u32 = 1024;
// The I/O window: the host's 256-byte area for keys, signatures and results, then one block of BLOCK_MAX
// (the largest single input; bigger inputs come in chunks): 1,536 B RAM. The host build keeps 8 KiB for speed.
export const IO_CAP: u32 = HOST ? 8192 : 256 + <u32>BLOCK_MAX;
// One BLOCKS message being served, read from flash (repoLoad's u32 byte count overlaps the message's 2-byte
// head), shared by the links and lent to post.ts for the block it signs: MSG_MAX + 2 = 1,538 B RAM.
export const SCRATCH_CAP: u32 = <u32>MSG_MAX + 2;
