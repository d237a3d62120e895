/*
 * rpc.c: the board RPC of docs/RPC.md on the serial port (pb_rpc.h).
 *
 * Invariants:
 *   - Every buffer is static with its length: a frame that does not fit
 *     `rx` is dropped whole (the host retries and then gives up), never
 *     truncated into something that might parse.
 *   - A request is checked completely (framing, CRC, layout, export, argument
 *     count, every range against io_cap) before its first write reaches the
 *     core's window: a refused request changes nothing.
 *   - A request equal to the previous one, byte for byte with its sequence
 *     number, is a retry (the host missed or could not read our reply): the
 *     cached reply goes out again and nothing runs twice, so a store_write or
 *     sign_update is never applied twice by a slow board. STATUS, a read
 *     that changes nothing, is the exception: always answered afresh.
 *   - Only HELLO and CALL put the board in test mode (the core becomes the
 *     RPC's). IDENTITY, ENROL, BEACON and STATUS are for the badge as it runs: they reach the
 *     core through the badge runner (pb_badge_enrol / pb_badge_beacon /
 *     pb_badge_status), and ENROL, BEACON and STATUS answer -73 once the badge
 *     is stopped, so a request never mixes the two uses of the one core instance.
 *   - IDENTITY, ENROL, BEACON and STATUS use no buffer of their own: the payload is read in rx,
 *     the answer is built in reply (the status reads of BEACON and STATUS land
 *     in reply). The M4 board has no RAM to spare for more.
 */
#include <string.h>

#include "pb_rpc.h"
#include "pb_core.h"
#include "pb_badge.h"
#include "port.h"

#ifndef PB_RPC_FRAME_MAX
#define PB_RPC_FRAME_MAX 4096 /* a decoded frame: type, sequence, payload, CRC (the badge's window is 1,536) */
#endif
#ifndef PB_RPC_REPLY_MAX
#define PB_RPC_REPLY_MAX 4096
#endif
#define PB_RPC_MAX_ARGS 16
/* BEACON builds its 44-byte answer in reply and reads the badge's 80 status bytes behind it (beacon()). */
_Static_assert(PB_RPC_REPLY_MAX >= 3 + 4 + 8 + 32 + 80 + 4, "the reply buffer holds BEACON's answer and its status read");
/* STATUS reads the badge's 80 status bytes straight into its answer, behind the code. */
_Static_assert(PB_RPC_REPLY_MAX >= 3 + 4 + 80 + 4, "the reply buffer holds STATUS's answer");

enum { T_HELLO = 0x01, T_CALL = 0x02, T_ENROL = 0x03, T_BEACON = 0x04, T_IDENTITY = 0x05, T_STATUS = 0x06, T_ERROR = 0x7f, REPLY = 0x80 };
enum { CERT_BYTES = 64, BEACON_BYTES = 72, KEY_BYTES = 32, STATUS_MESH_TIME = 64 /* badge_status: mesh time now, u64 */, STATUS_BYTES = 80 };
enum { E_TYPE = 1, E_MALFORMED = 2, E_EXPORT = 3, E_ARGC = 4, E_RANGE = 5, E_TRAP = 6 };
enum { SLIP_END = 0xc0, SLIP_ESC = 0xdb, SLIP_ESC_END = 0xdc, SLIP_ESC_ESC = 0xdd };

static uint8_t rx[PB_RPC_FRAME_MAX];
static size_t rx_len;
static int rx_escape;   /* the last byte was DB */
static int rx_broken;   /* overflowed or a bad escape: drop at the next C0 */

static uint8_t last_req[PB_RPC_FRAME_MAX]; /* the previous request, CRC included */
static size_t last_req_len;                /* 0: none (the cache is empty) */
static uint8_t reply[PB_RPC_REPLY_MAX];    /* the reply to last_req, unescaped, CRC included */
static size_t reply_len;

static const char *name_of_board = "picobadge";
static int test_mode;

/* ---- CRC-32 (IEEE, as zlib), by nibbles: 64 bytes of table ------------------------------ */
uint32_t pb_rpc_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
  static const uint32_t t[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
    0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
  };
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc = (crc >> 4) ^ t[(crc ^ p[i]) & 0xf];
    crc = (crc >> 4) ^ t[(crc ^ (p[i] >> 4)) & 0xf];
  }
  return ~crc;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static void wr64(uint8_t *p, int64_t v) { wr32(p, (uint32_t)(uint64_t)v); wr32(p + 4, (uint32_t)((uint64_t)v >> 32)); }

/* ---- replies -------------------------------------------------------------------------- */

/* SLIP-encodes reply[0..reply_len) onto the serial port: C0, escaped bytes, C0. */
static void send_reply(void)
{
  uint8_t out[64];
  size_t n = 0;
  out[n++] = SLIP_END;
  for (size_t i = 0; i < reply_len; i++) {
    if (n + 3 > sizeof out) { port_serial_write(out, n); n = 0; }
    uint8_t b = reply[i];
    if (b == SLIP_END) { out[n++] = SLIP_ESC; out[n++] = SLIP_ESC_END; }
    else if (b == SLIP_ESC) { out[n++] = SLIP_ESC; out[n++] = SLIP_ESC_ESC; }
    else out[n++] = b;
  }
  out[n++] = SLIP_END;
  port_serial_write(out, n);
}

/* Starts a reply of this type and sequence; the payload goes at reply + 3. */
static uint8_t *reply_begin(uint8_t type, uint16_t seq)
{
  reply[0] = type;
  reply[1] = (uint8_t)seq;
  reply[2] = (uint8_t)(seq >> 8);
  return reply + 3;
}

/* Ends a reply whose payload is len bytes (len <= PB_RPC_REPLY_MAX - 7, checked by the callers). */
static void reply_end(size_t len)
{
  reply_len = 3 + len;
  wr32(reply + reply_len, pb_rpc_crc32(0, reply, reply_len));
  reply_len += 4;
}

static void reply_error(uint16_t seq, uint8_t code, const char *msg)
{
  uint8_t *p = reply_begin(T_ERROR, seq);
  size_t n = strlen(msg);
  if (n > 200) n = 200;
  p[0] = code;
  memcpy(p + 1, msg, n);
  reply_end(1 + n);
}

/* ---- requests ------------------------------------------------------------------------- */

static void hello(uint16_t seq)
{
  uint8_t *p = reply_begin(T_HELLO | REPLY, seq);
  size_t n = strlen(name_of_board);
  if (n > 64) n = 64;
  p[0] = 1; /* RPC version */
  wr32(p + 1, pb_core_io());
  wr32(p + 5, pb_core_io_cap());
  wr32(p + 9, pb_core_memory_used());
  memcpy(p + 13, name_of_board, n);
  reply_end(13 + n);
}

struct range { uint32_t offset, length; const uint8_t *bytes; };

/* A reader over the payload; every take is bounds-checked, and a failed one poisons the reader. */
struct reader { const uint8_t *p; size_t len, at; int bad; };
static const uint8_t *take(struct reader *r, size_t n)
{
  if (r->bad || n > r->len - r->at) { r->bad = 1; return NULL; }
  const uint8_t *p = r->p + r->at;
  r->at += n;
  return p;
}
static uint32_t take8(struct reader *r) { const uint8_t *p = take(r, 1); return p ? p[0] : 0; }
static uint32_t take32(struct reader *r) { const uint8_t *p = take(r, 4); return p ? rd32(p) : 0; }
static int64_t take64(struct reader *r)
{
  const uint8_t *p = take(r, 8);
  return p ? (int64_t)((uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32) : 0;
}

static int in_window(uint32_t offset, uint32_t length, uint32_t cap)
{
  return (uint64_t)offset + length <= cap;
}

static void call(uint16_t seq, const uint8_t *payload, size_t len)
{
  static struct range writes[255], reads[255];
  int64_t args[PB_RPC_MAX_ARGS];
  char name[256];
  struct reader r = { payload, len, 0, 0 };

  uint32_t nl = take8(&r);
  const uint8_t *np = take(&r, nl);
  uint32_t argc = take8(&r);
  for (uint32_t i = 0; i < argc; i++) {
    int64_t v = take64(&r);
    if (i < PB_RPC_MAX_ARGS) args[i] = v;
  }
  uint32_t wc = take8(&r);
  for (uint32_t i = 0; i < wc && !r.bad; i++) {
    writes[i].offset = take32(&r);
    writes[i].length = take32(&r);
    writes[i].bytes = take(&r, writes[i].length);
  }
  uint32_t rc = take8(&r);
  for (uint32_t i = 0; i < rc && !r.bad; i++) {
    reads[i].offset = take32(&r);
    reads[i].length = take32(&r);
  }
  if (r.bad || r.at != len || !np) { reply_error(seq, E_MALFORMED, "malformed CALL"); return; }
  memcpy(name, np, nl);
  name[nl] = 0;
  if (strlen(name) != nl) { reply_error(seq, E_EXPORT, "no such export"); return; }

  int arity = pb_core_arity(name);
  if (arity < 0) { reply_error(seq, E_EXPORT, name); return; }
  if ((uint32_t)arity != argc) { reply_error(seq, E_ARGC, name); return; }

  uint32_t cap = pb_core_io_cap();
  uint64_t total = 9;
  for (uint32_t i = 0; i < wc; i++)
    if (!in_window(writes[i].offset, writes[i].length, cap)) { reply_error(seq, E_RANGE, "a write outside the I/O window"); return; }
  for (uint32_t i = 0; i < rc; i++) {
    if (!in_window(reads[i].offset, reads[i].length, cap)) { reply_error(seq, E_RANGE, "a read outside the I/O window"); return; }
    total += reads[i].length;
  }
  if (total > PB_RPC_REPLY_MAX - 7) { reply_error(seq, E_MALFORMED, "the reads are larger than the board's reply buffer"); return; }

  uint8_t *win = pb_core_window();
  if (!win) { reply_error(seq, E_TRAP, "no app is loaded"); return; }
  for (uint32_t i = 0; i < wc; i++) memcpy(win + writes[i].offset, writes[i].bytes, writes[i].length);

  int64_t result = 0;
  int st = pb_core_call(name, args, argc, &result);
  if (st == PB_CORE_NO_EXPORT) { reply_error(seq, E_EXPORT, pb_core_error()); return; }
  if (st == PB_CORE_ARGC) { reply_error(seq, E_ARGC, pb_core_error()); return; }
  if (st != PB_CORE_OK) { reply_error(seq, E_TRAP, pb_core_error()); return; }

  /* The window may have moved only through a trap, which returned above; read it afresh all the same. */
  win = pb_core_window();
  if (!win) { reply_error(seq, E_TRAP, "no app is loaded"); return; }
  uint8_t *p = reply_begin(T_CALL | REPLY, seq);
  p[0] = 0;
  wr64(p + 1, result);
  size_t n = 9;
  for (uint32_t i = 0; i < rc; i++) {
    memcpy(p + n, win + reads[i].offset, reads[i].length);
    n += reads[i].length;
  }
  reply_end(n);
}

/* Writes code · the badge's key · the event key the board trusts at p (WHO_BYTES); the key read's status (0, or < 0 and zeros). */
enum { WHO_BYTES = 4 + 2 * KEY_BYTES };
static int who(uint8_t *p, int code)
{
  int rc = pb_badge_identity(p + 4);
  if (rc != 0) memset(p + 4, 0, KEY_BYTES); /* no identity: no core, or never started */
  wr32(p, (uint32_t)code);
  memcpy(p + 4 + KEY_BYTES, port_event_key(), KEY_BYTES);
  return rc;
}

/* IDENTITY: which badge this is and which event key it trusts, for the desk that is about to enrol it. */
static void identity(uint16_t seq, size_t len)
{
  if (len != 0) { reply_error(seq, E_MALFORMED, "IDENTITY carries nothing"); return; }
  uint8_t *p = reply_begin(T_IDENTITY | REPLY, seq);
  int rc = who(p, 0);
  if (rc != 0) wr32(p, (uint32_t)rc);
  reply_end(WHO_BYTES);
}

/*
 * ENROL: the badge's enrolment cert, for the running badge (badge_enrol). The reply carries the
 * core's answer and what the host needs to say why a cert was refused: the badge's key (a cert
 * made for another badge) and the event key the board trusts (a cert signed by another key).
 */
static void enrol(uint16_t seq, const uint8_t *payload, size_t len)
{
  if (len != CERT_BYTES) { reply_error(seq, E_MALFORMED, "ENROL carries a 64-byte cert"); return; }
  int rc = pb_badge_enrol(payload);
  uint8_t *p = reply_begin(T_ENROL | REPLY, seq);
  who(p, rc);
  reply_end(WHO_BYTES);
}

/*
 * BEACON: a time beacon for the running badge (badge_beacon). The reply carries the core's answer,
 * the badge's mesh time after it (status byte 64; 0 when there is no status) and the event key.
 */
static void beacon(uint16_t seq, const uint8_t *payload, size_t len)
{
  if (len != BEACON_BYTES) { reply_error(seq, E_MALFORMED, "BEACON carries a 72-byte beacon"); return; }
  int rc = pb_badge_beacon(payload);
  uint8_t *p = reply_begin(T_BEACON | REPLY, seq);
  wr32(p, (uint32_t)rc);
  /* The status lands after the answer's 44 bytes (room checked by the _Static_assert above); its mesh time moves down. */
  uint8_t *status = p + 4 + 8 + KEY_BYTES;
  if (pb_badge_status(status) == 0) memmove(p + 4, status + STATUS_MESH_TIME, 8);
  else memset(p + 4, 0, 8);
  memcpy(p + 12, port_event_key(), KEY_BYTES);
  reply_end(4 + 8 + KEY_BYTES);
}

/*
 * STATUS: the running badge's 80 status bytes (badge_status at the board's own clock), for a desk
 * or a page that shows what a badge holds without stopping it. Code 0 and the bytes, or a code
 * < 0 and zeros: -73 when the badge is not running (test mode: the core is the RPC's, and its
 * status would be the vectors', not the badge's).
 */
static void status(uint16_t seq, size_t len)
{
  if (len != 0) { reply_error(seq, E_MALFORMED, "STATUS carries nothing"); return; }
  uint8_t *p = reply_begin(T_STATUS | REPLY, seq);
  int rc = pb_badge_running() ? pb_badge_status(p + 4) : -73; /* PB_E_NOT_STARTED */
  if (rc != 0) memset(p + 4, 0, STATUS_BYTES);
  wr32(p, (uint32_t)rc);
  reply_end(4 + STATUS_BYTES);
}

/* One whole frame in rx[0..rx_len). */
static void frame(void)
{
  if (rx_len < 7) return;
  if (pb_rpc_crc32(0, rx, rx_len - 4) != rd32(rx + rx_len - 4)) return; /* garbage: the host retries */
  uint8_t type = rx[0];
  /* STATUS only reads: it is answered afresh every time, never from the cache, because a new host
   * session numbers from the same start and its first STATUS may equal the last session's byte for byte. */
  if (type != T_STATUS && last_req_len == rx_len && memcmp(last_req, rx, rx_len) == 0) { send_reply(); return; }

  uint16_t seq = (uint16_t)(rx[1] | rx[2] << 8);
  /* The first HELLO or CALL puts the board in test mode (docs/RPC.md) until it restarts. */
  if ((type == T_HELLO || type == T_CALL) && !test_mode) {
    test_mode = 1;
    pb_badge_stop();
  }
  if (type == T_HELLO) hello(seq);
  else if (type == T_CALL) call(seq, rx + 3, rx_len - 7);
  else if (type == T_ENROL) enrol(seq, rx + 3, rx_len - 7);
  else if (type == T_BEACON) beacon(seq, rx + 3, rx_len - 7);
  else if (type == T_IDENTITY) identity(seq, rx_len - 7);
  else if (type == T_STATUS) status(seq, rx_len - 7);
  else reply_error(seq, E_TYPE, "unknown request type");
  memcpy(last_req, rx, rx_len);
  last_req_len = rx_len;
  send_reply();
}

void pb_rpc_init(const char *board_name)
{
  if (board_name) name_of_board = board_name;
  rx_len = 0;
  rx_escape = 0;
  rx_broken = 0;
  last_req_len = 0;
  reply_len = 0;
  test_mode = 0;
}

int pb_rpc_test_mode(void) { return test_mode; }

void pb_rpc_feed(const uint8_t *bytes, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    uint8_t b = bytes[i];
    if (b == SLIP_END) {
      if (!rx_broken && !rx_escape) frame();
      rx_len = 0;
      rx_escape = 0;
      rx_broken = 0;
      continue;
    }
    if (rx_escape) {
      rx_escape = 0;
      if (b == SLIP_ESC_END) b = SLIP_END;
      else if (b == SLIP_ESC_ESC) b = SLIP_ESC;
      else { rx_broken = 1; continue; }
    } else if (b == SLIP_ESC) {
      rx_escape = 1;
      continue;
    }
    if (rx_broken) continue;
    if (rx_len == sizeof rx) { rx_broken = 1; continue; } /* oversized: dropped whole */
    rx[rx_len++] = b;
  }
}
