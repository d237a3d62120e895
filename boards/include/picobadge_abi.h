/*
 * picobadge_abi.h: the badge ABI for firmware (docs/ABI.md, version 4.0).
 *
 * The core is build/core.wasm, run under WAMR. Firmware registers the
 * imports below as native symbols, instantiates the module, and calls the
 * exports by name (wasm_runtime_lookup_function). Signature strings are
 * WAMR's: i = i32, I = i64, * = a pointer into the module's memory that
 * WAMR checks and converts, ~ = the length of the pointer before it.
 * tests/abi-header.test.ts holds this file to the compiled module and to
 * docs/ABI.md: every export with its types, every import, every error code.
 */
#ifndef PICOBADGE_ABI_H
#define PICOBADGE_ABI_H

#include <stdint.h>

#define PICOBADGE_ABI_VERSION_MAJOR 4
#define PICOBADGE_ABI_VERSION_MINOR 1

/* The module's linear memory: exactly one 64 KiB page, fixed (docs/ABI.md, Memory). WAMR needs bulk memory enabled. */
#define PICOBADGE_MEMORY_PAGES 1

/* ---- imports: what firmware provides ------------------------------------------------- */
/*
 * Every import is in module "env": WAMR before 2.x links natives only for the
 * module names it knows (env, wasi_*, spectest), and every WAMR accepts env.
 * Register them all with wasm_runtime_register_natives("env", ...). Each is
 * required (an unregistered import traps at its first call); ed25519_verify
 * and ed25519_sign may always answer 0.
 *
 * WAMR's '*' checks only that ONE byte at the pointer lies in the module's
 * memory, and '*~' checks the pointer with the length that follows it. So a
 * pointer whose length is fixed or comes later (ed25519_verify's signature,
 * key and message; ed25519_sign's seed, message and signature) is declared
 * 'i' and the native checks the whole range
 * itself (wasm_runtime_validate_app_addr) before converting it.
 */
/* PICOBADGE_IMPORT(module, name, WAMR signature, what it must do) */
#define PICOBADGE_IMPORTS(PICOBADGE_IMPORT) \
  PICOBADGE_IMPORT(env, flash_read, "(i*~)i", "copy len bytes of the region at addr to ptr; 0 or < 0") \
  PICOBADGE_IMPORT(env, flash_program, "(i*~)i", "program len bytes (word multiple, aligned) at addr; only clears bits; 0 or < 0") \
  PICOBADGE_IMPORT(env, flash_erase, "(i)i", "erase the sector starting at addr to 0xFF; 0 or < 0") \
  PICOBADGE_IMPORT(env, host_entropy, "(*~)i", "fill ptr with len random bytes (hardware RNG); 0 or < 0") \
  PICOBADGE_IMPORT(env, host_log, "(*~)", "one UTF-8 console line") \
  PICOBADGE_IMPORT(env, host_ed25519_verify, "(iiii)i", "sig (64), pk (32), msg (len) checked by the native: 1 valid, anything else no opinion (0 when there is no accelerator)") \
  PICOBADGE_IMPORT(env, host_ed25519_sign, "(iiii)i", "seed (32), msg (len), out (64) checked by the native: 1 after writing the RFC 8032 signature to out, anything else: the core signs (0 when there is no signer)")

/* ---- exports: what firmware and tools call ------------------------------------------- */
/* PICOBADGE_EXPORT(name, WAMR signature) */

/* feed and crypto (the Node API and tools) */
#define PICOBADGE_EXPORTS_FEED(PICOBADGE_EXPORT) \
  PICOBADGE_EXPORT(sha512, "(iii)i") \
  PICOBADGE_EXPORT(block_scan, "(iiii)i") \
  PICOBADGE_EXPORT(feed_block_scan, "(iiii)i") \
  PICOBADGE_EXPORT(varint_decode, "(iii)i") \
  PICOBADGE_EXPORT(varint_encode, "(ii)i") \
  PICOBADGE_EXPORT(ed25519_public_key, "(ii)i") \
  PICOBADGE_EXPORT(ed25519_sign, "(iiii)i") \
  PICOBADGE_EXPORT(ed25519_verify, "(iiii)i") \
  PICOBADGE_EXPORT(ed25519_verify_begin, "(ii)i") \
  PICOBADGE_EXPORT(ed25519_verify_update, "(ii)i") \
  PICOBADGE_EXPORT(ed25519_verify_end, "()i") \
  PICOBADGE_EXPORT(ed25519_sign_begin, "(i)i") \
  PICOBADGE_EXPORT(ed25519_sign_update, "(ii)i") \
  PICOBADGE_EXPORT(ed25519_sign_commit, "()i") \
  PICOBADGE_EXPORT(ed25519_sign_end, "(i)i") \
  PICOBADGE_EXPORT(ed25519_verify_run, "(iii)i")

/* block store and state engine (tools, tests) */
#define PICOBADGE_EXPORTS_STORE(PICOBADGE_EXPORT) \
  PICOBADGE_EXPORT(store_mount, "(iii)i") \
  PICOBADGE_EXPORT(store_write, "(iiI)i") \
  PICOBADGE_EXPORT(store_read, "(iii)i") \
  PICOBADGE_EXPORT(store_head, "(ii)i") \
  PICOBADGE_EXPORT(store_load, "(iiii)i") \
  PICOBADGE_EXPORT(store_evict, "(iII)i") \
  PICOBADGE_EXPORT(store_chains, "(iii)i") \
  PICOBADGE_EXPORT(store_stats, "(i)i") \
  PICOBADGE_EXPORT(engine_mount, "(iiiI)i") \
  PICOBADGE_EXPORT(engine_dispatch, "(iiI)i") \
  PICOBADGE_EXPORT(engine_tick, "(I)i") \
  PICOBADGE_EXPORT(engine_state, "(iii)i") \
  PICOBADGE_EXPORT(engine_collection, "(iii)i") \
  PICOBADGE_EXPORT(engine_stats, "(i)i")

/* the badge: what firmware calls */
#define PICOBADGE_EXPORTS_BADGE(PICOBADGE_EXPORT) \
  PICOBADGE_EXPORT(memory_used, "()i") \
  PICOBADGE_EXPORT(io, "()i") \
  PICOBADGE_EXPORT(io_cap, "()i") \
  PICOBADGE_EXPORT(badge_init, "(iiiII)i") \
  PICOBADGE_EXPORT(badge_tick, "(I)i") \
  PICOBADGE_EXPORT(badge_idle, "(I)i") \
  PICOBADGE_EXPORT(badge_advert, "(iiiI)i") \
  PICOBADGE_EXPORT(badge_link_up, "(iiiiI)i") \
  PICOBADGE_EXPORT(badge_link_down, "(iI)i") \
  PICOBADGE_EXPORT(badge_link_ready, "(iI)i") \
  PICOBADGE_EXPORT(badge_frame, "(iiiI)i") \
  PICOBADGE_EXPORT(badge_action, "(iiI)i") \
  PICOBADGE_EXPORT(badge_outbox, "(ii)i") \
  PICOBADGE_EXPORT(badge_status, "(iI)i") \
  PICOBADGE_EXPORT(badge_identity, "(i)i") \
  PICOBADGE_EXPORT(badge_event_key, "(i)i") \
  PICOBADGE_EXPORT(badge_beacon, "(iI)i") \
  PICOBADGE_EXPORT(badge_enrol, "(i)i")

/* app images: checked before an app runs */
#define PICOBADGE_EXPORTS_IMAGE(PICOBADGE_EXPORT) \
  PICOBADGE_EXPORT(image_verify_begin, "(iii)i") \
  PICOBADGE_EXPORT(image_verify_update, "(ii)i") \
  PICOBADGE_EXPORT(image_verify_end, "()i")

/* ---- error codes (negative results) --------------------------------------------------- */
enum picobadge_error {
  PB_E_RANGE = -1, /* a pointer range leaves the I/O window */
  PB_E_STATE = -2, /* a streaming call out of order (update before begin, end before commit) */
  PB_E_FLASH = -40, /* the host's flash import failed */
  PB_E_GEOMETRY = -41, /* unusable flash geometry */
  PB_E_NO_FREE_SECTOR = -42, /* no free sector to open */
  PB_E_RECORD_TOO_LARGE = -43, /* a record larger than a sector */
  PB_E_FOREIGN_AUTHOR = -49, /* a block by another author than its chain's owner (only the owner extends a chain) */
  PB_E_ANONYMOUS = -50, /* a block without an AUTHOR header */
  PB_E_MALFORMED = -51, /* a malformed block */
  PB_E_BLOCK_TOO_LARGE = -52, /* a block larger than a flash record (sector size − 32 bytes) */
  PB_E_FORK = -53, /* the owner's chain exists and the block does not extend its head */
  PB_E_ORPHAN = -54, /* the parent block is not stored */
  PB_E_EVICTED = -55, /* the chain was evicted and its tombstone's time has not come */
  PB_E_TABLE_FULL = -56, /* no free block, chain or tombstone slot (1,024 / 128 / 128) */
  PB_E_FLASH_FULL = -57, /* the flash is full of live blocks */
  PB_E_NOT_FOUND = -58, /* not found */
  PB_E_NOT_MOUNTED = -59, /* the store is not mounted */
  PB_E_INVALID_SIGNATURE = -60, /* a signature does not verify */
  PB_E_INVALID_PARENT = -61, /* the feed's blocks do not link up */
  PB_E_UNRECOGNIZED_BODY = -62, /* the body is not CBOR [collection, payload, date] */
  PB_E_UNKNOWN_COLLECTION = -63, /* no such collection */
  PB_E_FUTURE = -64, /* dated more than the mesh clock's skew bound (5 min) ahead */
  PB_E_EXPIRED = -65, /* the state it would make is already expired */
  PB_E_REJECTED = -66, /* the collection's compute() rejected it */
  PB_E_FEED_TOO_LONG = -67, /* more blocks than a dispatch takes (256) */
  PB_E_BACKDATED = -68, /* dated before the block it extends (dates never go back along a chain) */
  PB_E_NO_ENTROPY = -70, /* env.host_entropy failed: no key pair could be made */
  PB_E_LINKS_FULL = -71, /* every link slot is taken, or the peer is refused */
  PB_E_BAD_ACTION = -72, /* a malformed action: no collection name, or a payload that is not exactly one CBOR item, or over 1 KiB */
  PB_E_NOT_STARTED = -73, /* the badge has not been started (badge_init) */
  PB_E_NO_LINK = -74, /* no link with that handle */
  PB_E_BEACON = -75, /* a time beacon refused: no event key, or its signature does not verify */
  PB_E_ENROL = -76, /* an enrolment cert refused: no event key, or not the event key's for this badge */
  PB_E_ENROL_LATE = -77, /* the badge's chain already started without an enrol block */
  PB_E_GUEST = -78, /* sync: a chain without enrolment, GUEST_MAX guests held already */
  PB_E_NOT_IMAGE = -80, /* not an app image (magic or header size) */
  PB_E_IMAGE_FORMAT = -81, /* an app image format this core does not know (format 1, or an absurd length) */
  PB_E_IMAGE_TAMPERED = -82, /* the module is not the one the image's header names: tampered */
  PB_E_IMAGE_SIGNATURE = -83, /* the header is not signed by this event key: wrong key, or a tampered header */
  PB_E_IMAGE_LENGTH = -84, /* the module ended before its length, or ran past it */
  PB_E_IMAGE_ORDER = -85, /* image_verify_update or _end without a good header first */
  PB_E_IMAGE_ROLLBACK = -86, /* a signed image whose app version is below the badge's version floor */
  PB_E_APP_COLLECTIONS = -90, /* the app registers more collections than the engine holds (8): badge_init, engine_mount */
  PB_E_APP_STATE = -91, /* the app registers a collection whose state is over 48 bytes */
  PB_E_APP_NAME = -92, /* the app registers a collection whose name is not 1 to 32 ASCII characters */
  PB_E_APP_NAME_TAKEN = -93, /* the app registers two collections of one name */
  PB_E_VARINT_TRUNCATED = -10, /* the buffer ends inside the size varint */
  PB_E_BUFFER_UNDERFLOW = -11, /* the declared size runs past the buffer */
  PB_E_UNKNOWN_HEADER = -12, /* unknown header type */
  PB_E_NEGATIVE_SIZE = -13, /* the size varint decodes below zero (picofeed follows it into nonsense offsets; the core refuses) */
  PB_E_COPY_MORE = -14, /* the headers run past the bytes the host copied in: copy more and call again */
};

/* ---- the outbox (badge_outbox): records of kind u8 | 0 u8 | link u16 | length u16 | payload --- */
enum picobadge_outbox_kind {
  PB_OUT_ADVERTISE = 1,  /* payload: advertising data (<= 31 bytes): advertise it, connectable */
  PB_OUT_CONNECT = 2,    /* payload: 6-byte address: connect as central */
  PB_OUT_DISCONNECT = 3, /* the link is the handle: end that connection */
  PB_OUT_SEND = 4,       /* payload: one frame (<= MTU - 3): write or notify, in order */
  PB_OUT_STORED = 5      /* payload: owner (32) | height u32: a chain grew (for the display) */
};
#define PICOBADGE_OUTBOX_RECORD_HEADER 6

/* ---- badge_status: 80 bytes, little-endian ------------------------------------------- */
struct picobadge_status {
  uint32_t links_up, connections, links_ok, links_failed, violations;
  uint32_t blocks_received, blocks_sent, chains, evictions, clock_jumps, notes_dropped, new_identity;
  uint64_t bytes_sent, bytes_received, mesh_time_ms, fingerprint;
};

/* ---- app images (docs/ABI.md, "App image") -------------------------------------------- */
#define PICOBADGE_IMAGE_MAGIC 0x50414250u /* "PBAP" */
#define PICOBADGE_IMAGE_FORMAT 2 /* the u16 at offset 4; format 1 had no app version */
#define PICOBADGE_IMAGE_HEADER 144
#define PICOBADGE_IMAGE_APP_VERSION 12 /* offset of the u32 app version (LE), signed with the header */

#endif /* PICOBADGE_ABI_H */
