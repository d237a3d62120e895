/*
 * badge.c: the badge runner (pb_badge.h). It drives the core's badge_*
 * exports in the order docs/ABI.md ("The badge") prescribes and carries
 * out every outbox record through port.h.
 *
 * State machine:
 *
 *   STOPPED --pb_badge_start: badge_init == 0--> RUNNING
 *   RUNNING --pb_badge_stop--------------------> STOPPED (links ended, radio off)
 *   RUNNING --the core traps-------------------> RUNNING again after a restart
 *                                                (links dropped, badge_init from flash),
 *                                                or STOPPED when the restart fails
 *
 * Only RUNNING passes radio events (tick, advert, links, frames, actions)
 * to the core; in STOPPED they are dropped: the board is in test mode
 * (docs/RPC.md) or its start failed, and the core is not the badge's.
 * The reads (status, identity, chains) go to the core in any state: the
 * core answers -73 itself when it was never started.
 *
 * Invariants:
 *   - Every call into the core is followed by a drain of the outbox until
 *     badge_outbox moves 0 bytes (ABI: "drain after every call"), before
 *     anything else reaches the core. The core produces radio work only
 *     when it fits in its outbox, so a drain loses nothing.
 *   - Each record is carried out only once it lies wholly inside the bytes
 *     badge_outbox said it moved; a record that does not is a core bug:
 *     logged, and the rest of that drain is dropped (never read past).
 *   - links[] holds exactly the handles the core accepted with
 *     badge_link_up (result >= 0) and has not yet heard go down. It is what
 *     pb_badge_stop and a restart after a trap disconnect.
 *   - The I/O window (pb_core_window) belongs to this file between calls:
 *     6 bytes of address at WIN_ADDR, everything else (frames, adverts,
 *     actions, outbox, chain lists) at WIN_DATA. Every copy into it is
 *     checked against pb_core_io_cap() first.
 *
 * No malloc: the state is this file's statics.
 */
#include <stdint.h>
#include <string.h>

#include "pb_badge.h"
#include "pb_core.h"
#include "port.h"
#include "picobadge_abi.h"

/* The window layout: the same offsets the Node host uses (docs/ABI.md), for no reason but familiarity. */
#define WIN_ADDR 192u
#define WIN_DATA 256u

/* More handles than the core has link slots (3): a handle the core refused is not kept, so this never fills in practice. */
#define PB_BADGE_MAX_LINKS 8

/* Outbox records (docs/ABI.md, "Outbox records"). */
#define REC_HEADER 6u
#define REC_ADVERTISE 1u
#define REC_CONNECT 2u
#define REC_DISCONNECT 3u
#define REC_SEND 4u
#define REC_STORED 5u
#define ADV_MAX 31u
#define STATUS_BYTES 80u
#define IDENTITY_BYTES 32u
#define CHAIN_RECORD 100u

/* badge_outbox moves whole records of at most 6 + a frame, and the core's outbox is 3,200 bytes: a
 * handful of calls empty it. A core that keeps answering > 0 beyond this is broken; stop rather than spin. */
#define DRAIN_CALLS_MAX 64

static struct {
  int running;
  uint16_t links[PB_BADGE_MAX_LINKS];
  uint8_t nlinks;
  int restarting; /* inside restart(): a second trap there stops the badge instead of recursing */
} g;

/* ---- small helpers ------------------------------------------------------------------- */

static void badge_log(const char *what, int64_t code) {
  /* One console line, outside RPC frames (docs/RPC.md passes those bytes through). */
  char line[96];
  size_t n = 0;
  const char *p = "badge: ";
  while (*p && n < sizeof line - 24) line[n++] = *p++;
  for (p = what; *p && n < sizeof line - 24; p++) line[n++] = *p;
  line[n++] = ' ';
  uint64_t v = code < 0 ? (uint64_t)0 - (uint64_t)code : (uint64_t)code;
  if (code < 0) line[n++] = '-';
  char digits[20];
  size_t d = 0;
  do { digits[d++] = (char)('0' + v % 10); v /= 10; } while (v && d < sizeof digits);
  while (d) line[n++] = digits[--d];
  line[n++] = '\n';
  port_serial_write((const uint8_t *)line, n);
}

/* An app whose start asked for what the engine cannot hold (docs/ABI.md, -90 ... -93): the one real
 * cause and what to do, as one console line; 0 for any other code. `picobadge build` refuses such an
 * app and names the collection; a board sees one only in an image signed without that check. */
static int app_refused(int64_t code) {
  const char *why;
  switch (code) {
  case PB_E_APP_COLLECTIONS: why = "(-90): it registers more collections than a badge holds (8); merge two or drop one"; break;
  case PB_E_APP_STATE: why = "(-91): a collection asks for a state over 48 bytes; store less per object"; break;
  case PB_E_APP_NAME: why = "(-92): a collection's name is not 1 to 32 ASCII characters; rename it"; break;
  case PB_E_APP_NAME_TAKEN: why = "(-93): two collections have the same name; give each its own"; break;
  default: return 0;
  }
  static const char head[] = "badge: the app cannot start ", tail[] = ", and rebuild it (picobadge build names the collection)\n";
  char line[sizeof head + 96 + sizeof tail]; /* every `why` above is under 96 characters */
  size_t n = 0, w = strlen(why);
  if (w > 96) w = 96;
  memcpy(line, head, sizeof head - 1); n += sizeof head - 1;
  memcpy(line + n, why, w); n += w;
  memcpy(line + n, tail, sizeof tail - 1); n += sizeof tail - 1;
  port_serial_write((const uint8_t *)line, n);
  return 1;
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Bytes of the window from WIN_DATA on: where inputs and outputs go. 0 when there is no core. */
static uint32_t data_cap(void) {
  uint32_t cap = pb_core_io_cap();
  return cap > WIN_DATA ? cap - WIN_DATA : 0;
}

/* Copies len bytes into the window at off; 0, or -1 when they do not fit (nothing copied). */
static int put(uint32_t off, const uint8_t *src, size_t len) {
  uint8_t *w = pb_core_window();
  uint32_t cap = pb_core_io_cap();
  if (w == NULL || off > cap || len > (size_t)(cap - off)) return -1;
  if (len) memcpy(w + off, src, len);
  return 0;
}

static void links_add(uint16_t h) {
  for (uint8_t i = 0; i < g.nlinks; i++)
    if (g.links[i] == h) return;
  if (g.nlinks < PB_BADGE_MAX_LINKS) g.links[g.nlinks++] = h;
  else badge_log("more links than the runner tracks; not tracking handle", h);
}

static void links_remove(uint16_t h) {
  for (uint8_t i = 0; i < g.nlinks; i++) {
    if (g.links[i] == h) {
      g.links[i] = g.links[--g.nlinks];
      return;
    }
  }
}

/* Ends every link the runner knows of (the board reports each with pb_badge_link_down later). */
static void links_drop_all(void) {
  while (g.nlinks) port_radio_disconnect(g.links[--g.nlinks]);
}

/* ---- the outbox ---------------------------------------------------------------------- */

/* Carries out the records in win[0, moved); 0, or -1 on a malformed record (the rest is dropped). */
static int carry_out(const uint8_t *win, uint32_t moved) {
  uint32_t o = 0;
  while (o < moved) {
    if (moved - o < REC_HEADER) {
      badge_log("outbox: a record header runs past the bytes moved, at", o);
      return -1;
    }
    const uint8_t *r = win + o;
    uint8_t kind = r[0];
    uint16_t handle = get_u16(r + 2);
    uint16_t len = get_u16(r + 4);
    if ((uint32_t)len > moved - o - REC_HEADER) {
      badge_log("outbox: a record runs past the bytes moved, at", o);
      return -1;
    }
    const uint8_t *p = r + REC_HEADER;
    switch (kind) {
      case REC_ADVERTISE:
        if (len > ADV_MAX) goto bad_length;
        port_radio_advertise(p, len);
        break;
      case REC_CONNECT:
        if (len != 6) goto bad_length;
        port_radio_connect(p);
        break;
      case REC_DISCONNECT:
        if (len != 0) goto bad_length;
        /* The core forgets the link when the board reports it down; keep tracking it until then. */
        port_radio_disconnect(handle);
        break;
      case REC_SEND:
        port_radio_send(handle, p, len);
        break;
      case REC_STORED:
        if (len != 36) goto bad_length;
        port_show_stored(p, get_u32(p + 32));
        break;
      default:
        badge_log("outbox: unknown record kind", kind);
        return -1;
    }
    o += REC_HEADER + len;
    continue;
  bad_length:
    badge_log("outbox: a record of the wrong length, kind", kind);
    return -1;
  }
  return 0;
}

static int restart(void);

/* Moves and carries out the outbox until the core has nothing more. */
static void drain(void) {
  uint32_t cap = data_cap();
  if (cap == 0) return;
  for (int calls = 0; calls < DRAIN_CALLS_MAX; calls++) {
    int64_t args[2] = {(int64_t)pb_core_io() + WIN_DATA, (int64_t)cap};
    int64_t moved = 0;
    int rc = pb_core_call("badge_outbox", args, 2, &moved);
    if (rc == PB_CORE_TRAP) {
      restart();
      return;
    }
    if (rc != PB_CORE_OK) {
      badge_log("outbox: call failed", rc);
      return;
    }
    if (moved == 0) return;
    if (moved < 0 || moved > (int64_t)cap) {
      badge_log("outbox: the core moved an impossible byte count", moved);
      return;
    }
    /* The window may move when the instance is made again; take the pointer after the call. */
    const uint8_t *w = pb_core_window();
    if (w == NULL) return;
    if (carry_out(w + WIN_DATA, (uint32_t)moved) < 0) return;
  }
  badge_log("outbox: still not empty after this many calls", DRAIN_CALLS_MAX);
}

/*
 * One call into the core, then the drain. A trap (a core bug) made the
 * core's instance again with fresh memory, so the badge it ran is gone:
 * restart it as after a power cut (its flash holds all it committed).
 */
/* One call into the core, without the drain: a trap restarts the badge. PB_CORE_OK or why not. */
static int call_only(const char *name, const int64_t *args, uint32_t argc, int64_t *result) {
  int rc = pb_core_call(name, args, argc, result);
  if (rc == PB_CORE_TRAP) {
    badge_log("the core trapped; restarting the badge from flash. status", rc);
    restart();
    return rc;
  }
  if (rc != PB_CORE_OK) badge_log("a call into the core failed", rc);
  return rc;
}

static int call(const char *name, const int64_t *args, uint32_t argc, int64_t *result) {
  int64_t r = 0;
  int rc = call_only(name, args, argc, &r);
  if (rc != PB_CORE_OK) return rc;
  if (result) *result = r;
  drain();
  return PB_CORE_OK;
}

/* badge_init on the port's flash; 0 or < 0. Drains (the first ADVERTISE is in the outbox). */
static int init(int64_t hint) {
  struct port_flash_geometry geo;
  port_flash_geometry(&geo);
  int64_t args[5] = {geo.sector_size, geo.word_size, geo.region_size, port_now_ms(), hint};
  int64_t r = -1;
  int rc = pb_core_call("badge_init", args, 5, &r);
  if (rc != PB_CORE_OK) return rc;
  if (r < 0) return (int)r;
  /* The event key that checks app images also signs time beacons (docs/SYNC.md 7); badge_init forgets it.
     Without it the core refuses beacons and only the neighbours' bounded slew moves its clock: not fatal. */
  if (put(WIN_DATA, port_event_key(), 32) == 0) {
    int64_t key[1] = {(int64_t)pb_core_io() + WIN_DATA};
    int64_t kr = -1;
    if (pb_core_call("badge_event_key", key, 1, &kr) != PB_CORE_OK || kr < 0) badge_log("badge_event_key failed:", kr);
  }
  g.running = 1;
  drain();
  return 0;
}

/* After a trap: the peers must hear every link go (the core no longer knows them), then init from flash. */
static int restart(void) {
  links_drop_all();
  if (g.restarting) {
    /* init itself trapped: the app cannot run the badge. Stop, radio off, rather than loop. */
    g.running = 0;
    port_radio_enable(0);
    return -1;
  }
  g.restarting = 1;
  g.running = 0;
  int rc = init(0);
  g.restarting = 0;
  if (rc < 0) {
    badge_log("restart failed; the badge stays stopped:", rc);
    port_radio_enable(0);
  }
  return rc;
}

/* ---- pb_badge.h ------------------------------------------------------------------------ */

int pb_badge_start(int64_t hint) {
  g.nlinks = 0; /* a start is a boot: the board has no connections the core could know */
  g.running = 0;
  port_radio_enable(1);
  int rc = init(hint);
  if (rc < 0 && !app_refused(rc)) badge_log("badge_init failed:", rc);
  return rc;
}

void pb_badge_stop(void) {
  links_drop_all();
  port_radio_enable(0);
  g.running = 0;
}

int pb_badge_running(void) { return g.running; }

void pb_badge_tick(void) {
  if (!g.running) return;
  int64_t args[1] = {port_now_ms()};
  call("badge_tick", args, 1, NULL);
}

void pb_badge_advert(const uint8_t addr[6], const uint8_t *data, size_t len) {
  if (!g.running) return;
  if (len > ADV_MAX || put(WIN_ADDR, addr, 6) < 0 || put(WIN_DATA, data, len) < 0) {
    badge_log("advert dropped: bytes", (int64_t)len);
    return;
  }
  uint32_t io = pb_core_io();
  int64_t args[4] = {io + WIN_ADDR, io + WIN_DATA, (int64_t)len, port_now_ms()};
  int64_t asked = -1;
  /* An advert answered 0 added nothing to the outbox (docs/ABI.md, badge_advert): no drain. Adverts are
     the commonest event (every neighbour's, about once a second each), so this halves the calls they cost. */
  if (call_only("badge_advert", args, 4, &asked) == PB_CORE_OK && asked != 0) drain();
}

void pb_badge_link_up(uint16_t handle, uint16_t mtu, int central, const uint8_t addr[6]) {
  if (!g.running) {
    /* Nobody will serve this connection: end it (the board reports it down). */
    port_radio_disconnect(handle);
    return;
  }
  if (put(WIN_ADDR, addr, 6) < 0) return;
  int64_t args[5] = {handle, mtu, central ? 1 : 0, (int64_t)pb_core_io() + WIN_ADDR, port_now_ms()};
  int64_t r = -1;
  /* Tracked only when the core took it; a refused link (-71) the core already asked to disconnect. */
  int rc = call("badge_link_up", args, 5, &r);
  if (rc == PB_CORE_OK && r >= 0) links_add(handle);
}

void pb_badge_link_down(uint16_t handle) {
  links_remove(handle);
  if (!g.running) return;
  int64_t args[2] = {handle, port_now_ms()};
  call("badge_link_down", args, 2, NULL);
}

void pb_badge_link_ready(uint16_t handle) {
  if (!g.running) return;
  int64_t args[2] = {handle, port_now_ms()};
  call("badge_link_ready", args, 2, NULL);
}

void pb_badge_frame(uint16_t handle, const uint8_t *data, size_t len) {
  if (!g.running) return;
  if (put(WIN_DATA, data, len) < 0) {
    badge_log("frame larger than the window dropped: bytes", (int64_t)len);
    return;
  }
  int64_t args[4] = {handle, (int64_t)pb_core_io() + WIN_DATA, (int64_t)len, port_now_ms()};
  call("badge_frame", args, 4, NULL);
}

int pb_badge_action(const uint8_t *action, size_t len) {
  if (!g.running) return -73; /* PB_E_NOT_STARTED */
  if (put(WIN_DATA, action, len) < 0) return -72; /* PB_E_BAD_ACTION: larger than any action */
  int64_t args[3] = {(int64_t)pb_core_io() + WIN_DATA, (int64_t)len, port_now_ms()};
  int64_t r = -1;
  int rc = call("badge_action", args, 3, &r);
  return rc == PB_CORE_OK ? (int)r : rc;
}

/*
 * The event key's two instruments, handed to the running badge (docs/RPC.md ENROL and BEACON; the
 * simulator's radio socket): the core checks each against the event key badge_init's caller gave it
 * and answers; nothing here judges them. Only a RUNNING badge takes them: in STOPPED the core is the
 * RPC's (test mode) or never started, and a cert or a beacon given to it would not be the badge's.
 */
#define CERT_BYTES 64u
#define BEACON_BYTES 72u

int pb_badge_enrol(const uint8_t cert[64]) {
  if (!g.running) return -73; /* PB_E_NOT_STARTED */
  if (put(WIN_DATA, cert, CERT_BYTES) < 0) return PB_CORE_NOT_LOADED;
  int64_t args[1] = {(int64_t)pb_core_io() + WIN_DATA};
  int64_t r = -1;
  int rc = call("badge_enrol", args, 1, &r);
  return rc == PB_CORE_OK ? (int)r : rc;
}

int pb_badge_beacon(const uint8_t beacon[72]) {
  if (!g.running) return -73; /* PB_E_NOT_STARTED */
  if (put(WIN_DATA, beacon, BEACON_BYTES) < 0) return PB_CORE_NOT_LOADED;
  int64_t args[2] = {(int64_t)pb_core_io() + WIN_DATA, port_now_ms()};
  int64_t r = -1;
  /* A beacon kept is passed on to the neighbours: the drain after the call sends it. */
  int rc = call("badge_beacon", args, 2, &r);
  return rc == PB_CORE_OK ? (int)r : rc;
}

/*
 * The reads: one call that writes len bytes at WIN_DATA, copied out before
 * the drain that follows every call (the drain reuses WIN_DATA). 0 or < 0.
 */
static int read_call(const char *name, const int64_t *args, uint32_t argc, int64_t *result, uint8_t *out, size_t len) {
  int64_t r = -1;
  int rc = pb_core_call(name, args, argc, &r);
  if (rc == PB_CORE_TRAP) {
    badge_log("the core trapped in a read; restarting the badge from flash. status", rc);
    restart();
    return rc;
  }
  if (rc != PB_CORE_OK) return rc;
  if (r >= 0 && len) memcpy(out, pb_core_window() + WIN_DATA, len);
  *result = r;
  drain();
  return PB_CORE_OK;
}

int pb_badge_status(uint8_t out[80]) {
  if (data_cap() < STATUS_BYTES) return PB_CORE_NOT_LOADED;
  int64_t args[2] = {(int64_t)pb_core_io() + WIN_DATA, port_now_ms()};
  int64_t r = -1;
  int rc = read_call("badge_status", args, 2, &r, out, STATUS_BYTES);
  return rc != PB_CORE_OK ? rc : r < 0 ? (int)r : 0;
}

int pb_badge_identity(uint8_t out[32]) {
  if (data_cap() < IDENTITY_BYTES) return PB_CORE_NOT_LOADED;
  int64_t args[1] = {(int64_t)pb_core_io() + WIN_DATA};
  int64_t r = -1;
  int rc = read_call("badge_identity", args, 1, &r, out, IDENTITY_BYTES);
  return rc != PB_CORE_OK ? rc : r < 0 ? (int)r : 0;
}

int pb_badge_chains(uint32_t start, uint8_t *out, size_t cap) {
  uint32_t room = data_cap();
  size_t fit = (cap < room ? cap : room) / CHAIN_RECORD;
  if (fit == 0) return -1;
  int64_t args[3] = {start, (int64_t)pb_core_io() + WIN_DATA, (int64_t)(fit * CHAIN_RECORD)};
  int64_t r = -1;
  /* Copy every record that fits (store_chains writes at most that many); the answer says how many are real. */
  int rc = read_call("store_chains", args, 3, &r, out, fit * CHAIN_RECORD);
  if (rc != PB_CORE_OK) return rc;
  if (r < 0) return (int)r;
  if ((uint64_t)r > fit) {
    badge_log("store_chains answered more records than fit:", r);
    return -1;
  }
  return (int)r;
}
