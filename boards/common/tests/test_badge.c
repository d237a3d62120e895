/*
 * test_badge.c: badge.c against a scripted core and a recording port: the
 * call sequence and its arguments (absolute addresses, local time from
 * port_now_ms), the outbox drained until empty and carried out in order,
 * malformed outboxes stopped at the bad record without reading past the
 * bytes moved, link tracking for stop, a trap restarting the badge, an
 * app refused at start named by its cause.
 * Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_badge.h"
#include "pb_core.h"
#include "port.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* ---- a scripted core -------------------------------------------------------------------- */
#define IO 4096u
#define CAP 1536u
#define DATA 256u
static uint8_t window[CAP];

/* What badge_outbox answers, batch by batch: bytes and the count it claims it moved. */
struct batch { uint8_t bytes[CAP]; int64_t moved; };
static struct batch batches[80];
static int nbatches, next_batch;
static int outbox_forever; /* always answer one ADVERTISE: a broken core that never empties */

static char calls[256][24];
static int64_t call_args[256][5];
static int ncalls;
static int trap_on_next; /* the next call of this name traps */
static const char *trap_name;
static int64_t result_for_link_up = 1, result_for_init = 0, result_for_chains = 0, result_for_advert = 0;

static int count_calls(const char *name) {
  int k = 0;
  for (int i = 0; i < ncalls; i++) k += strcmp(calls[i], name) == 0;
  return k;
}
static int last_call(const char *name) {
  for (int i = ncalls - 1; i >= 0; i--) if (strcmp(calls[i], name) == 0) return i;
  return -1;
}

int pb_core_call(const char *name, const int64_t *args, uint32_t argc, int64_t *result) {
  if (ncalls < 256) {
    snprintf(calls[ncalls], sizeof calls[ncalls], "%s", name);
    memcpy(call_args[ncalls], args, argc * sizeof *args);
    ncalls++;
  }
  if (trap_on_next && trap_name && strcmp(name, trap_name) == 0) { trap_on_next--; return PB_CORE_TRAP; }
  if (strcmp(name, "badge_outbox") == 0) {
    CHECK(args[0] == IO + DATA);
    if (outbox_forever) {
      const uint8_t adv[] = {1, 0, 0, 0, 3, 0, 2, 1, 6};
      memcpy(window + DATA, adv, sizeof adv);
      *result = sizeof adv;
      return PB_CORE_OK;
    }
    if (next_batch >= nbatches) { *result = 0; return PB_CORE_OK; }
    struct batch *b = &batches[next_batch++];
    memcpy(window + DATA, b->bytes, sizeof b->bytes < CAP - DATA ? sizeof b->bytes : CAP - DATA);
    *result = b->moved;
    return PB_CORE_OK;
  }
  if (strcmp(name, "badge_init") == 0) { *result = result_for_init; return PB_CORE_OK; }
  if (strcmp(name, "badge_event_key") == 0) { *result = window[DATA] == 0xEE ? 0 : -1; return PB_CORE_OK; }
  if (strcmp(name, "badge_link_up") == 0) { *result = result_for_link_up; return PB_CORE_OK; }
  if (strcmp(name, "badge_advert") == 0) { *result = result_for_advert; return PB_CORE_OK; }
  if (strcmp(name, "badge_status") == 0) { for (int i = 0; i < 80; i++) window[DATA + i] = (uint8_t)(i + 1); *result = 0; return PB_CORE_OK; }
  if (strcmp(name, "badge_identity") == 0) { memset(window + DATA, 0xAB, 32); *result = 0; return PB_CORE_OK; }
  if (strcmp(name, "store_chains") == 0) { memset(window + DATA, 0xCD, (size_t)args[2]); *result = result_for_chains; return PB_CORE_OK; }
  if (strcmp(name, "badge_action") == 0) { *result = 1; return PB_CORE_OK; }
  *result = 0;
  return PB_CORE_OK;
}
uint32_t pb_core_io(void) { return IO; }
uint32_t pb_core_io_cap(void) { return CAP; }
uint8_t *pb_core_window(void) { return window; }

/* ---- a recording port --------------------------------------------------------------------- */
static int64_t now = 5000;
int64_t port_now_ms(void) { return now; }
static const uint8_t event_key[32] = {0xEE, 0xEE, 0xEE, 0xEE};
const uint8_t *port_event_key(void) { return event_key; }
void port_flash_geometry(struct port_flash_geometry *out) { out->sector_size = 4096; out->word_size = 4; out->region_size = 262144; }

static char radio[4096];
static size_t radio_len;
static void note(const char *fmt, unsigned a, unsigned b) {
  int n = snprintf(radio + radio_len, sizeof radio - radio_len, fmt, a, b);
  if (n > 0 && (size_t)n < sizeof radio - radio_len) radio_len += (size_t)n;
}
int port_radio_advertise(const uint8_t *data, size_t len) { note("A%u:%u ", (unsigned)len, len ? data[0] : 0); return 0; }
int port_radio_connect(const uint8_t addr[6]) { note("C%u%u ", addr[0], addr[5]); return 0; }
int port_radio_disconnect(uint16_t handle) { note("D%u ", handle, 0); return 0; }
int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len) { (void)frame; note("S%u:%u ", handle, (unsigned)len); return 0; }
static int radio_on = -1;
void port_radio_enable(int on) { radio_on = on; }
void port_show_stored(const uint8_t owner[32], uint32_t height) { note("T%u:%u ", owner[0], height); }
static int log_lines;
static char last_log[256];
void port_serial_write(const uint8_t *buf, size_t len) {
  log_lines++;
  size_t n = len < sizeof last_log - 1 ? len : sizeof last_log - 1;
  memcpy(last_log, buf, n);
  last_log[n] = 0;
}

static void reset(void) {
  memset(batches, 0, sizeof batches);
  nbatches = next_batch = 0;
  ncalls = 0;
  radio_len = 0;
  radio[0] = 0;
  log_lines = 0;
  trap_on_next = 0;
  trap_name = NULL;
  outbox_forever = 0;
  result_for_link_up = 1;
  result_for_init = 0;
}

/* Appends one record to batch i. */
static void rec(int i, uint8_t kind, uint16_t handle, const uint8_t *p, uint16_t len) {
  struct batch *b = &batches[i];
  uint8_t *r = b->bytes + b->moved;
  r[0] = kind; r[1] = 0; r[2] = (uint8_t)handle; r[3] = (uint8_t)(handle >> 8); r[4] = (uint8_t)len; r[5] = (uint8_t)(len >> 8);
  if (len) memcpy(r + 6, p, len);
  b->moved += 6 + len;
  if (i >= nbatches) nbatches = i + 1;
}

static const uint8_t addr[6] = {7, 2, 3, 4, 5, 9};

int main(void) {
  /* start: badge_init with the port's geometry, local = port_now_ms, the hint; then the outbox, drained */
  reset();
  const uint8_t adv[3] = {2, 1, 6};
  rec(0, 1, 0, adv, 3);
  rec(1, 2, 0, addr, 6);
  CHECK(pb_badge_start(1760000000000) == 0);
  CHECK(pb_badge_running() == 1);
  CHECK(radio_on == 1);
  CHECK(strcmp(calls[0], "badge_init") == 0);
  CHECK(call_args[0][0] == 4096 && call_args[0][1] == 4 && call_args[0][2] == 262144);
  CHECK(call_args[0][3] == 5000 && call_args[0][4] == 1760000000000);
  CHECK(strcmp(calls[1], "badge_event_key") == 0 && call_args[1][0] == IO + DATA); /* the image check's key signs beacons too */
  CHECK(count_calls("badge_outbox") == 3); /* two batches, then the 0 that ends the drain */
  CHECK(strcmp(radio, "A3:2 C79 ") == 0);

  /* every record kind, in order, several in one batch */
  reset();
  uint8_t stored[36] = {0x42};
  stored[32] = 7;
  const uint8_t frame[5] = {9, 9, 9, 9, 9};
  rec(0, 4, 3, frame, 5);
  rec(0, 5, 0, stored, 36);
  rec(0, 3, 3, NULL, 0);
  now = 6000;
  pb_badge_tick();
  CHECK(strcmp(calls[0], "badge_tick") == 0 && call_args[0][0] == 6000);
  CHECK(strcmp(radio, "S3:5 T66:7 D3 ") == 0);

  /* advert: address and data in the window, passed as absolute addresses */
  reset();
  const uint8_t data[4] = {1, 2, 3, 4};
  pb_badge_advert(addr, data, 4);
  int c = last_call("badge_advert");
  CHECK(c == 0);
  CHECK(call_args[c][0] == IO + 192 && call_args[c][1] == IO + DATA && call_args[c][2] == 4 && call_args[c][3] == 6000);
  CHECK(memcmp(window + 192, addr, 6) == 0 && memcmp(window + DATA, data, 4) == 0);
  /* answered 0, it left nothing in the outbox (docs/ABI.md): not drained; answered 1 (CONNECT) or an error: drained */
  CHECK(count_calls("badge_outbox") == 0);
  result_for_advert = 1;
  rec(0, 2, 0, addr, 6);
  pb_badge_advert(addr, data, 4);
  CHECK(count_calls("badge_outbox") == 2 && strcmp(calls[ncalls - 1], "badge_outbox") == 0);
  CHECK(strstr(radio, "C") != NULL);
  result_for_advert = -73;
  pb_badge_advert(addr, data, 4);
  CHECK(count_calls("badge_outbox") == 3);
  result_for_advert = 0;
  /* an advert over 31 bytes never reaches the core */
  reset();
  uint8_t big[64] = {0};
  pb_badge_advert(addr, big, 32);
  CHECK(count_calls("badge_advert") == 0);

  /* frames: in the window at DATA; larger than the window: dropped */
  reset();
  pb_badge_frame(3, frame, 5);
  c = last_call("badge_frame");
  CHECK(c == 0 && call_args[c][0] == 3 && call_args[c][1] == IO + DATA && call_args[c][2] == 5);
  static uint8_t huge[CAP];
  pb_badge_frame(3, huge, CAP - DATA + 1);
  CHECK(count_calls("badge_frame") == 1);

  /* malformed outboxes: the bad record and everything after it in the drain are dropped, and nothing past `moved` is read */
  reset();
  rec(0, 1, 0, adv, 3);
  rec(0, 2, 0, addr, 6);
  batches[0].moved -= 1; /* the CONNECT's last byte lies past what the core said it moved */
  rec(1, 1, 0, adv, 3);   /* a later batch: not asked for once the drain stopped */
  pb_badge_tick();
  CHECK(strcmp(radio, "A3:2 ") == 0);
  CHECK(log_lines == 1 && strstr(last_log, "runs past") != NULL);
  CHECK(count_calls("badge_outbox") == 1);

  reset();
  rec(0, 1, 0, adv, 3);
  batches[0].moved += 3; /* three bytes of a header */
  pb_badge_tick();
  CHECK(strcmp(radio, "A3:2 ") == 0 && strstr(last_log, "header") != NULL);

  reset();
  rec(0, 9, 0, adv, 3); /* an unknown kind */
  rec(0, 1, 0, adv, 3);
  pb_badge_tick();
  CHECK(radio_len == 0 && strstr(last_log, "unknown record kind 9") != NULL);

  reset();
  rec(0, 2, 0, addr, 5); /* CONNECT with 5 bytes */
  pb_badge_tick();
  CHECK(radio_len == 0 && strstr(last_log, "wrong length") != NULL);
  reset();
  rec(0, 5, 0, stored, 35); /* STORED with 35 */
  pb_badge_tick();
  CHECK(radio_len == 0);
  reset();
  rec(0, 3, 1, adv, 1); /* DISCONNECT with a payload */
  pb_badge_tick();
  CHECK(radio_len == 0);
  reset();
  uint8_t adv32[32] = {0};
  rec(0, 1, 0, adv32, 32); /* ADVERTISE over 31 */
  pb_badge_tick();
  CHECK(radio_len == 0);

  reset();
  batches[0].moved = CAP - DATA + 1; /* more than the cap it was given */
  nbatches = 1;
  pb_badge_tick();
  CHECK(radio_len == 0 && strstr(last_log, "impossible") != NULL);
  reset();
  batches[0].moved = -3;
  nbatches = 1;
  pb_badge_tick();
  CHECK(radio_len == 0 && strstr(last_log, "impossible") != NULL);

  /* a core whose outbox never empties: the drain gives up after a bound instead of spinning */
  reset();
  outbox_forever = 1;
  pb_badge_tick();
  CHECK(count_calls("badge_outbox") == 64);
  CHECK(strstr(last_log, "not empty") != NULL);

  /* links: accepted ones are tracked; a refused one (-71) is not; down forgets; stop disconnects the rest and turns the radio off */
  reset();
  pb_badge_link_up(10, 247, 1, addr);
  c = last_call("badge_link_up");
  CHECK(call_args[c][0] == 10 && call_args[c][1] == 247 && call_args[c][2] == 1 && call_args[c][3] == IO + 192);
  pb_badge_link_up(11, 100, 0, addr);
  pb_badge_link_up(12, 100, 0, addr);
  result_for_link_up = -71;
  pb_badge_link_up(13, 100, 0, addr);
  pb_badge_link_down(11);
  CHECK(count_calls("badge_link_down") == 1);
  radio_len = 0;
  radio[0] = 0;
  pb_badge_stop();
  CHECK(pb_badge_running() == 0 && radio_on == 0);
  CHECK(strcmp(radio, "D12 D10 ") == 0);
  /* stopped: radio events do not reach the core; a link that comes up anyway is ended */
  ncalls = 0;
  radio_len = 0;
  radio[0] = 0;
  pb_badge_tick();
  pb_badge_advert(addr, data, 4);
  pb_badge_frame(1, frame, 5);
  pb_badge_link_ready(1);
  pb_badge_link_up(20, 100, 0, addr);
  CHECK(ncalls == 0);
  CHECK(strcmp(radio, "D20 ") == 0);
  CHECK(pb_badge_action((const uint8_t *)"\x05" "cards\xa0", 7) == -73);
  /* the reads still go to the core */
  uint8_t st[80];
  CHECK(pb_badge_status(st) == 0 && st[0] == 1 && st[79] == 80);

  /* a trap: every known link is ended, then the badge starts again from flash (badge_init, hint 0) */
  reset();
  CHECK(pb_badge_start(0) == 0);
  pb_badge_link_up(30, 247, 1, addr);
  pb_badge_link_up(31, 247, 0, addr);
  radio_len = 0;
  radio[0] = 0;
  ncalls = 0;
  trap_name = "badge_frame";
  trap_on_next = 1;
  pb_badge_frame(30, frame, 5);
  CHECK(strcmp(radio, "D31 D30 ") == 0);
  c = last_call("badge_init");
  CHECK(c > 0 && call_args[c][4] == 0);
  CHECK(pb_badge_running() == 1);
  /* a trap in the restart's own init stops the badge rather than looping */
  reset();
  trap_name = "badge_tick";
  trap_on_next = 1;
  result_for_init = -40;
  pb_badge_tick();
  CHECK(pb_badge_running() == 0 && radio_on == 0);

  /* action: in the window, its result returned; larger than the window: -72 without a call */
  reset();
  CHECK(pb_badge_start(0) == 0);
  const uint8_t act[7] = {5, 'c', 'a', 'r', 'd', 's', 0xa0};
  ncalls = 0;
  CHECK(pb_badge_action(act, 7) == 1);
  CHECK(call_args[0][0] == IO + DATA && call_args[0][1] == 7 && memcmp(window + DATA, act, 7) == 0);
  CHECK(pb_badge_action(huge, CAP - DATA + 1) == -72);
  CHECK(count_calls("badge_action") == 1);

  /* reads: copied out before the drain reuses the window */
  reset();
  rec(0, 1, 0, adv, 3);
  uint8_t id[32];
  CHECK(pb_badge_status(st) == 0 && st[0] == 1 && st[79] == 80);
  CHECK(strcmp(radio, "A3:2 ") == 0);
  CHECK(pb_badge_identity(id) == 0 && id[0] == 0xAB && id[31] == 0xAB);
  /* chains: asks for as many 100-byte records as fit both the caller's buffer and the window */
  static uint8_t chains[4000];
  result_for_chains = 2;
  CHECK(pb_badge_chains(0, chains, 350) == 2);
  c = last_call("store_chains");
  CHECK(call_args[c][2] == 300);
  CHECK(pb_badge_chains(5, chains, sizeof chains) == 2);
  c = last_call("store_chains");
  CHECK(call_args[c][0] == 5 && call_args[c][2] == 1200); /* the window holds 12 */
  result_for_chains = 13;
  CHECK(pb_badge_chains(0, chains, sizeof chains) == -1); /* more than fit: refused */
  CHECK(pb_badge_chains(0, chains, 99) == -1);

  /* an app the core refused at start (-90 ... -93): one console line with the cause, not a bare number; not running */
  reset();
  result_for_init = -91;
  CHECK(pb_badge_start(0) == -91);
  CHECK(pb_badge_running() == 0);
  CHECK(log_lines == 1);
  CHECK(strcmp(last_log, "badge: the app cannot start (-91): a collection asks for a state over 48 bytes; store less per object, "
                         "and rebuild it (picobadge build names the collection)\n") == 0);
  reset();
  result_for_init = -41; /* any other refusal: the number, as before */
  CHECK(pb_badge_start(0) == -41);
  CHECK(log_lines == 1 && strcmp(last_log, "badge: badge_init failed: -41\n") == 0);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
