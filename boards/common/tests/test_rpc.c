/*
 * test_rpc.c: rpc.c against fakes of the core, the badge and the serial
 * port: framing, CRC, request parsing, range checks, error codes, the retry
 * cache, test mode. Prints "N passed, N failed"; exit 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "pb_badge.h"
#include "pb_core.h"
#include "pb_rpc.h"
#include "port.h"

/* ---- fakes ----------------------------------------------------------------------------- */
#define IO 1000u
#define CAP 64u
static uint8_t window[CAP];
static int calls, stops;
static int running;
static int64_t last_args[8];

int pb_core_arity(const char *name)
{
  if (!strcmp(name, "add")) return 2;
  if (!strcmp(name, "trap") || !strcmp(name, "fill")) return 0;
  return PB_CORE_NO_EXPORT;
}
int pb_core_call(const char *name, const int64_t *args, uint32_t argc, int64_t *result)
{
  calls++;
  if (argc) memcpy(last_args, args, argc * sizeof *args);
  if (!strcmp(name, "trap")) return PB_CORE_TRAP;
  if (!strcmp(name, "fill")) { for (uint32_t i = 0; i < CAP; i++) window[i] = (uint8_t)(i ^ 0xc0); *result = -5; return 0; }
  *result = args[0] + args[1];
  return PB_CORE_OK;
}
const char *pb_core_error(void) { return "unreachable executed"; }
uint32_t pb_core_io(void) { return IO; }
uint32_t pb_core_io_cap(void) { return CAP; }
uint8_t *pb_core_window(void) { return window; }
uint32_t pb_core_memory_used(void) { return 60156; }
void pb_badge_stop(void) { stops++; running = 0; }

/* The badge runner's side of ENROL and BEACON: what arrived, and the answers a running badge gives. */
static int enrols, beacons;
static uint8_t got_cert[64], got_beacon[72];
static const uint8_t event_key[32] = { 0xee, 1, 2, 3 };
static const uint8_t badge_key[32] = { 0xba, 0xd9, 0xe0 };
int pb_badge_enrol(const uint8_t cert[64])
{
  if (!running) return -73;
  enrols++;
  memcpy(got_cert, cert, 64);
  return cert[0] == 0x77 ? -76 : 1;
}
int pb_badge_beacon(const uint8_t beacon[72])
{
  if (!running) return -73;
  beacons++;
  memcpy(got_beacon, beacon, 72);
  return beacon[8] == 0x77 ? -75 : 1;
}
int pb_badge_identity(uint8_t out[32]) { memcpy(out, badge_key, 32); return 0; }
int pb_badge_running(void) { return running; }
static int status_reads;
int pb_badge_status(uint8_t out[80])
{
  status_reads++;
  memset(out, 0xaa, 80);
  for (int i = 0; i < 8; i++) out[64 + i] = (uint8_t)(0x10 + i); /* the mesh time */
  out[64] = (uint8_t)(out[64] + status_reads - 1); /* it moves with every read (the first gives 0x10) */
  return 0;
}
const uint8_t *port_event_key(void) { return event_key; }

static uint8_t out[1 << 16];
static size_t out_len;
void port_serial_write(const uint8_t *buf, size_t len)
{
  if (out_len + len <= sizeof out) memcpy(out + out_len, buf, len);
  out_len += len;
}

/* ---- helpers --------------------------------------------------------------------------- */
static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* Sends type/seq/payload as one SLIP frame (C0 ... C0), optionally with a broken CRC. */
static void send_frame(uint8_t type, uint16_t seq, const uint8_t *p, size_t n, int bad_crc)
{
  uint8_t raw[8192], enc[16384];
  size_t m = 0, e = 0;
  raw[m++] = type; raw[m++] = (uint8_t)seq; raw[m++] = (uint8_t)(seq >> 8);
  if (n) memcpy(raw + m, p, n);
  m += n;
  uint32_t crc = pb_rpc_crc32(0, raw, m) ^ (bad_crc ? 1u : 0u);
  for (int i = 0; i < 4; i++) raw[m++] = (uint8_t)(crc >> (8 * i));
  enc[e++] = 0xc0;
  for (size_t i = 0; i < m; i++) {
    if (raw[i] == 0xc0) { enc[e++] = 0xdb; enc[e++] = 0xdc; }
    else if (raw[i] == 0xdb) { enc[e++] = 0xdb; enc[e++] = 0xdd; }
    else enc[e++] = raw[i];
  }
  enc[e++] = 0xc0;
  pb_rpc_feed(enc, e);
}

/* Decodes the one SLIP frame written since the last reset: type, seq, payload; -1 if none or its CRC is wrong. */
static uint8_t reply[8192];
static size_t reply_len;
static int take_reply(uint8_t *type, uint16_t *seq)
{
  size_t m = 0;
  int in = 0;
  for (size_t i = 0; i < out_len; i++) {
    uint8_t b = out[i];
    if (b == 0xc0) { if (in && m) break; in = 1; continue; }
    if (!in) continue;
    if (b == 0xdb) { b = out[++i] == 0xdc ? 0xc0 : 0xdb; }
    reply[m++] = b;
  }
  out_len = 0;
  if (m < 7) return -1;
  uint32_t crc = (uint32_t)reply[m - 4] | (uint32_t)reply[m - 3] << 8 | (uint32_t)reply[m - 2] << 16 | (uint32_t)reply[m - 1] << 24;
  if (crc != pb_rpc_crc32(0, reply, m - 4)) return -1;
  *type = reply[0];
  *seq = (uint16_t)(reply[1] | reply[2] << 8);
  reply_len = m - 7;
  memmove(reply, reply + 3, reply_len);
  return 0;
}

static size_t put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); return 4; }
static size_t put64(uint8_t *p, int64_t v) { put32(p, (uint32_t)(uint64_t)v); put32(p + 4, (uint32_t)((uint64_t)v >> 32)); return 8; }
static int64_t get64(const uint8_t *p) { int64_t v = 0; for (int i = 7; i >= 0; i--) v = (int64_t)((uint64_t)v << 8 | p[i]); return v; }

/* A CALL payload: name, args, one write (or none when wlen is 0), one read (or none). */
static size_t call_payload(uint8_t *p, const char *name, int argc, const int64_t *args, uint32_t woff, const uint8_t *w, uint32_t wlen, uint32_t roff, uint32_t rlen)
{
  size_t n = 0, nl = strlen(name);
  p[n++] = (uint8_t)nl; memcpy(p + n, name, nl); n += nl;
  p[n++] = (uint8_t)argc;
  for (int i = 0; i < argc; i++) n += put64(p + n, args[i]);
  p[n++] = wlen ? 1 : 0;
  if (wlen) { n += put32(p + n, woff); n += put32(p + n, wlen); memcpy(p + n, w, wlen); n += wlen; }
  p[n++] = rlen ? 1 : 0;
  if (rlen) { n += put32(p + n, roff); n += put32(p + n, rlen); }
  return n;
}

static int expect_error(uint8_t code)
{
  uint8_t type; uint16_t seq;
  return take_reply(&type, &seq) == 0 && type == 0x7f && reply_len >= 1 && reply[0] == code;
}

int main(void)
{
  uint8_t type, p[4096];
  uint16_t seq;
  size_t n;
  int64_t args[2] = { (int64_t)IO + 8, 0x100000000ll };

  /* CRC-32 check value of the IEEE polynomial. */
  CHECK(pb_rpc_crc32(0, (const uint8_t *)"123456789", 9) == 0xcbf43926u);
  CHECK(pb_rpc_crc32(pb_rpc_crc32(0, (const uint8_t *)"1234", 4), (const uint8_t *)"56789", 5) == 0xcbf43926u);

  pb_rpc_init("test board");
  running = 1; /* the badge runs until the first HELLO or CALL stops it */

  /* ENROL and BEACON reach the running badge and leave it running (no test mode). */
  {
    uint8_t cert[64], bcn[73] = { 0 }; /* one byte more than a beacon, for the wrong-length case */
    for (int i = 0; i < 64; i++) cert[i] = (uint8_t)(0xc0 + i); /* C0 and DB inside: escaped on the wire */
    for (int i = 0; i < 72; i++) bcn[i] = (uint8_t)(0xd0 + i);
    send_frame(0x03, 3, cert, 64, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x83 && seq == 3 && reply_len == 4 + 32 + 32);
    CHECK(reply[0] == 1 && reply[1] == 0 && reply[2] == 0 && reply[3] == 0);
    CHECK(!memcmp(reply + 4, badge_key, 32) && !memcmp(reply + 36, event_key, 32));
    CHECK(enrols == 1 && !memcmp(got_cert, cert, 64));
    send_frame(0x03, 3, cert, 64, 0); /* a retry: answered from the cache, not handed over twice */
    CHECK(take_reply(&type, &seq) == 0 && type == 0x83 && enrols == 1);
    cert[0] = 0x77; /* the fake's refusal: the core's code goes back as it is, sign and all */
    send_frame(0x03, 4, cert, 64, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x83 && reply[0] == (uint8_t)-76 && reply[3] == 0xff);
    send_frame(0x04, 5, bcn, 72, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x84 && seq == 5 && reply_len == 4 + 8 + 32);
    CHECK(reply[0] == 1 && reply[4] == 0x10 && reply[11] == 0x17 && !memcmp(reply + 12, event_key, 32));
    CHECK(beacons == 1 && !memcmp(got_beacon, bcn, 72));
    bcn[8] = 0x77;
    send_frame(0x04, 6, bcn, 72, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x84 && reply[0] == (uint8_t)-75);
    /* IDENTITY: 0, the badge's key, the event key; it carries nothing. */
    send_frame(0x05, 10, NULL, 0, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x85 && seq == 10 && reply_len == 4 + 32 + 32);
    CHECK(reply[0] == 0 && !memcmp(reply + 4, badge_key, 32) && !memcmp(reply + 36, event_key, 32));
    send_frame(0x05, 11, cert, 1, 0);
    CHECK(expect_error(2));
    /* STATUS: 0 and the running badge's 80 status bytes (the mesh time at byte 64); it carries nothing. */
    int reads_before = status_reads;
    send_frame(0x06, 12, NULL, 0, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x86 && seq == 12 && reply_len == 4 + 80);
    CHECK(reply[0] == 0 && reply[3] == 0 && reply[4] == 0xaa && reply[4 + 63] == 0xaa);
    CHECK(reply[4 + 64] == (uint8_t)(0x10 + reads_before) && reply[4 + 71] == 0x17 && reply[4 + 79] == 0xaa);
    CHECK(status_reads == reads_before + 1);
    send_frame(0x06, 12, NULL, 0, 0); /* the same bytes again: a read, so answered afresh, never from the cache */
    CHECK(take_reply(&type, &seq) == 0 && type == 0x86 && reply_len == 84 && status_reads == reads_before + 2);
    CHECK(reply[4 + 64] == (uint8_t)(0x10 + reads_before + 1)); /* the fake's clock moved: the new answer, not the cached one */
    send_frame(0x06, 13, cert, 2, 0);
    CHECK(expect_error(2) && status_reads == reads_before + 2);
    /* The wrong length is malformed (ERROR 2) and reaches nothing. */
    send_frame(0x03, 7, cert, 63, 0);
    CHECK(expect_error(2));
    send_frame(0x04, 8, bcn, 73, 0);
    CHECK(expect_error(2));
    send_frame(0x04, 9, NULL, 0, 0);
    CHECK(expect_error(2));
    CHECK(enrols == 2 && beacons == 2);
    CHECK(stops == 0 && !pb_rpc_test_mode() && running);
  }

  /* Console text before a frame, and a frame with a bad CRC: dropped, no answer, not test mode yet. */
  pb_rpc_feed((const uint8_t *)"hello world\r\n", 13);
  send_frame(0x01, 7, NULL, 0, 1);
  CHECK(out_len == 0);
  CHECK(stops == 0 && !pb_rpc_test_mode());

  /* HELLO: version, io, io_cap, memory_used, name; the first request stops the badge. */
  send_frame(0x01, 7, NULL, 0, 0);
  CHECK(take_reply(&type, &seq) == 0 && type == 0x81 && seq == 7);
  CHECK(reply_len == 13 + 10 && reply[0] == 1 && !memcmp(reply + 13, "test board", 10));
  CHECK(reply[1] == (IO & 0xff) && reply[2] == (IO >> 8) && reply[5] == CAP && reply[9] == (60156 & 0xff));
  CHECK(stops == 1 && pb_rpc_test_mode());

  /* CALL: a write with bytes that need escaping, i64 arguments, the result, a read. */
  const uint8_t w[4] = { 0xc0, 0xdb, 0xdc, 0x00 };
  n = call_payload(p, "add", 2, args, 8, w, 4, 6, 8);
  send_frame(0x02, 8, p, n, 0);
  CHECK(take_reply(&type, &seq) == 0 && type == 0x82 && seq == 8);
  CHECK(reply_len == 9 + 8 && reply[0] == 0 && get64(reply + 1) == (int64_t)IO + 8 + 0x100000000ll);
  CHECK(!memcmp(window + 8, w, 4) && !memcmp(reply + 9 + 2, w, 4));
  CHECK(last_args[0] == (int64_t)IO + 8 && last_args[1] == 0x100000000ll); /* absolute, passed as sent */
  CHECK(calls == 1 && stops == 1);

  /* The retry cache: the same request again (same sequence, same bytes) is answered, not run. */
  send_frame(0x02, 8, p, n, 0);
  CHECK(take_reply(&type, &seq) == 0 && type == 0x82 && seq == 8 && get64(reply + 1) == (int64_t)IO + 8 + 0x100000000ll);
  CHECK(calls == 1);
  /* The same payload under a new sequence number is a new request: it runs. */
  send_frame(0x02, 9, p, n, 0);
  CHECK(take_reply(&type, &seq) == 0 && seq == 9 && calls == 2);

  /* A reply whose bytes include C0 and DB survives the escaping, and a negative result its sign. */
  n = call_payload(p, "fill", 0, NULL, 0, NULL, 0, 0, CAP);
  send_frame(0x02, 10, p, n, 0);
  CHECK(take_reply(&type, &seq) == 0 && reply_len == 9 + CAP && get64(reply + 1) == -5);
  CHECK(reply[9] == 0xc0 && reply[9 + 0x1b] == 0xdb);

  /* Ranges: offsets relative to the window, offset + length within io_cap; nothing written when refused. */
  memset(window, 0, sizeof window);
  int before = calls;
  n = call_payload(p, "add", 2, args, CAP - 2, w, 4, 0, 0);
  send_frame(0x02, 11, p, n, 0);
  CHECK(expect_error(5));
  CHECK(window[CAP - 2] == 0 && calls == before);
  n = call_payload(p, "add", 2, args, 0, NULL, 0, 0xffffffffu, 2); /* offset + length wraps 32 bits */
  send_frame(0x02, 12, p, n, 0);
  CHECK(expect_error(5));
  n = call_payload(p, "add", 2, args, 0, NULL, 0, CAP, 1);
  send_frame(0x02, 13, p, n, 0);
  CHECK(expect_error(5));
  n = call_payload(p, "add", 2, args, 0, NULL, 0, 0, CAP); /* exactly the window: fine */
  send_frame(0x02, 14, p, n, 0);
  CHECK(take_reply(&type, &seq) == 0 && type == 0x82 && reply_len == 9 + CAP);

  /* Error codes: 3 no such export, 4 argument count, 6 a trap, 2 malformed, 1 unknown type. */
  n = call_payload(p, "nope", 0, NULL, 0, NULL, 0, 0, 0);
  send_frame(0x02, 15, p, n, 0);
  CHECK(expect_error(3));
  n = call_payload(p, "add", 1, args, 0, NULL, 0, 0, 0);
  send_frame(0x02, 16, p, n, 0);
  CHECK(expect_error(4));
  n = call_payload(p, "trap", 0, NULL, 0, NULL, 0, 0, 0);
  send_frame(0x02, 17, p, n, 0);
  CHECK(expect_error(6) && !memcmp(reply + 1, "unreachable", 11));
  n = call_payload(p, "add", 2, args, 0, NULL, 0, 0, 0);
  p[n++] = 0; /* a trailing byte */
  send_frame(0x02, 18, p, n, 0);
  CHECK(expect_error(2));
  send_frame(0x02, 19, p, 5, 0); /* cut short */
  CHECK(expect_error(2));
  p[0] = 3; memcpy(p + 1, "a\0d", 3); p[4] = 0; p[5] = 0; p[6] = 0; /* a NUL inside the name */
  send_frame(0x02, 20, p, 7, 0);
  CHECK(expect_error(3));
  send_frame(0x33, 21, NULL, 0, 0);
  CHECK(expect_error(1));

  /* Framing: a bad escape drops the frame; an oversized frame is dropped whole and the next one works. */
  {
    const uint8_t bad[] = { 0xc0, 0x01, 0x16, 0xdb, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0 };
    pb_rpc_feed(bad, sizeof bad);
    CHECK(out_len == 0);
    static uint8_t big[5000];
    memset(big, 0x11, sizeof big);
    big[0] = 0xc0;
    pb_rpc_feed(big, sizeof big);
    pb_rpc_feed((const uint8_t *)"\xc0", 1);
    CHECK(out_len == 0);
    send_frame(0x01, 22, NULL, 0, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x81 && seq == 22);
  }

  /* Byte by byte, as a slow UART delivers: the same answer. */
  {
    uint8_t raw[16] = { 0x01, 23, 0 };
    uint32_t crc = pb_rpc_crc32(0, raw, 3);
    uint8_t frame[9] = { 0xc0, 0x01, 23, 0, (uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24), 0xc0 };
    int escapes_needed = 0;
    for (int i = 4; i < 8; i++) escapes_needed |= frame[i] == 0xc0 || frame[i] == 0xdb;
    if (!escapes_needed) {
      for (size_t i = 0; i < sizeof frame; i++) pb_rpc_feed(frame + i, 1);
      CHECK(take_reply(&type, &seq) == 0 && type == 0x81 && seq == 23);
    } else passed++;
  }
  CHECK(stops == 1); /* test mode began once */

  /* In test mode the badge is stopped: ENROL is the runner's -73 (not started), and the core is not touched. */
  {
    uint8_t cert[64] = { 1 };
    send_frame(0x03, 30, cert, 64, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x83 && reply[0] == (uint8_t)-73 && enrols == 2);
    CHECK(stops == 1);
    /* STATUS too: -73 and zeros, and the core (the RPC's now) is not read. */
    int reads_before = status_reads;
    send_frame(0x06, 31, NULL, 0, 0);
    CHECK(take_reply(&type, &seq) == 0 && type == 0x86 && seq == 31 && reply_len == 84);
    CHECK(reply[0] == (uint8_t)-73 && reply[3] == 0xff && reply[4] == 0 && reply[4 + 64] == 0 && reply[83] == 0);
    CHECK(status_reads == reads_before && stops == 1 && pb_rpc_test_mode());
  }

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
