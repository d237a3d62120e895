// The picobadge core: the module's exports. See docs/ABI.md.
export { io, io_cap, sha512 } from './abi/io';
export { block_scan, feed_block_scan, varint_decode, varint_encode } from './abi/feed';
export {
  ed25519_public_key, ed25519_sign, ed25519_verify,
  ed25519_verify_begin, ed25519_verify_update, ed25519_verify_end,
  ed25519_sign_begin, ed25519_sign_update, ed25519_sign_commit, ed25519_sign_end, ed25519_verify_run,
} from './abi/crypto';
export {
  store_mount, store_write, store_read, store_head, store_load, store_evict, store_chains, store_stats,
} from './abi/store';
export { engine_mount, engine_dispatch, engine_tick, engine_state, engine_collection, engine_stats } from './abi/engine';
export {
  badge_init, badge_tick, badge_idle, badge_advert, badge_link_up, badge_link_down, badge_link_ready, badge_frame, badge_action,
  badge_outbox, badge_status, badge_identity, badge_event_key, badge_beacon, badge_enrol,
} from './abi/badge';
export { image_verify_begin, image_verify_update, image_verify_end } from './abi/image';

// The app: its collections, registered before anything mounts. The default
// build carries the example a badge would run: each file registers its
// collection as it starts (cards first, then status, which latches onto it).
import './store/contacts';
import './store/status';

/**
 * Bytes of linear memory in use: static data, tables, caches and the I/O
 * window. Nothing in the core allocates (every table is memory.data, laid
 * out at compile time), so they end where static data ends.
 */
export function memory_used(): usize {
  return __heap_base;
}
