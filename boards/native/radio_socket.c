/*
 * radio_socket.c: the native board's radio and display, a stream socket to
 * the mesh simulator (README.md, "The radio socket").
 *
 * Lockstep: the simulator sends one request; serve_one reads it whole,
 * makes the pb_badge call it names at the local time it carries, and the
 * port_radio_* / port_show_stored calls that the badge makes meanwhile
 * become board messages; DONE ends the answer. Nothing moves between
 * requests, so the board never needs a thread or a poll loop here.
 *
 * Invariants:
 *   - A request is read into in[] whole before anything runs; its payload
 *     is at most IN_MAX bytes (the largest request, an ACTION, is smaller
 *     than the core's window). A longer one, an unknown type, a payload of
 *     the wrong size, time going backwards, or a stream that ends inside a
 *     message is the simulator's bug: serve_one says what on stderr and
 *     returns < 0 (the board exits with 3).
 *   - Board messages collect in out[] (OUT_MAX bytes) and go out when it
 *     would overflow, at ENTROPY and at DONE; each message is at most MSG_MAX payload,
 *     so any one always fits after a flush.
 *   - g.local only grows while the board runs (port_now_ms must never go
 *     backwards): it is the local time of the request being served, or of
 *     the last one between requests.
 *
 *   - With a socket the board's entropy is the simulator's too, so a run
 *     replays from its seed (never the OS's randomness): port_entropy asks
 *     for it in the middle of the request (ENTROPY n: the messages so far
 *     go out) and reads the simulator's n bytes (ENTROPY_BYTES) before the
 *     core goes on, as a V8 badge's entropy callback draws them then.
 *
 * No malloc; the buffers are static.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pb_badge.h"
#include "port.h"
#include "port_native.h"
#include "radio_socket.h"

/* Requests (simulator -> board). */
enum {
  RQ_BOOT = 0x01,
  RQ_TICK = 0x02,
  RQ_ADVERT = 0x03,
  RQ_LINK_UP = 0x04,
  RQ_LINK_DOWN = 0x05,
  RQ_LINK_READY = 0x06,
  RQ_FRAME = 0x07,
  RQ_ACTION = 0x08,
  RQ_STATUS = 0x09,
  RQ_IDENTITY = 0x0A,
  RQ_CHAINS = 0x0B,
  RQ_ENROL = 0x0C,  /* the desk's enrolment cert (pb_badge_enrol) */
  RQ_BEACON = 0x0D, /* the organiser's time beacon (pb_badge_beacon) */
  RQ_CUT = 0x0E,    /* the power dies in the n-th flash program or erase from now (port_native_cut_at) */
  RQ_ENTROPY_BYTES = 0x0F /* only inside a request, right after the board's ENTROPY: the bytes it asked for */
};
/* Board messages (board -> simulator). */
enum {
  BM_ADVERTISE = 0x81,
  BM_CONNECT = 0x82,
  BM_DISCONNECT = 0x83,
  BM_SEND = 0x84,
  BM_STORED = 0x85,
  BM_ENTROPY = 0x86, /* port_entropy asks the simulator for n bytes (answered by RQ_ENTROPY_BYTES) */
  BM_DATA = 0x8A,
  BM_DONE = 0x8F
};

#define HEADER 3u         /* type u8 · payload length u16 */
#define IN_MAX 2048u      /* a request's payload: an action (<= the core's window, 1,536) and its time */
#define MSG_MAX 2048u     /* a board message's payload: a frame, or DATA (chains: as many as fit here) */
#define OUT_MAX 8192u     /* board messages buffered until DONE or until full */
#define ADV_MAX 31u       /* legacy advertising data */
#define FRAME_MAX 244u    /* ATT MTU 247 - 3 */
#define CHAIN_RECORD 100u

static struct {
  int fd;             /* the socket, or -1 */
  int booted;         /* a BOOT came: later requests must not go back in time */
  int radio_on;       /* port_radio_enable */
  int broken;         /* a write to the simulator failed: it is gone */
  int64_t local;      /* the local time of the request being served (or the last one) */
  int failed;         /* the simulator broke the protocol inside a request (ENTROPY): the board exits 3 */
  uint8_t in[HEADER + IN_MAX];
  uint8_t out[OUT_MAX];
  uint32_t out_len;
  uint8_t data[MSG_MAX]; /* DATA answers are built here */
} g = {.fd = -1, .radio_on = 1};

/* ---- bytes ----------------------------------------------------------------------------- */

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static int64_t get_i64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return (int64_t)v;
}
static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put_i64(uint8_t *p, int64_t v) {
  uint64_t u = (uint64_t)v;
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(u >> (8 * i));
}

/* ---- the socket -------------------------------------------------------------------------- */

static int write_all(const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(g.fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void flush(void) {
  if (g.out_len && !g.broken && write_all(g.out, g.out_len) < 0) g.broken = 1;
  g.out_len = 0;
}

/* Queues one board message; a payload over MSG_MAX is a bug of this file (callers bound theirs). */
static void emit(uint8_t type, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  if (g.fd < 0) return;
  size_t n = alen + blen;
  if (n > MSG_MAX) {
    fprintf(stderr, "radio: a board message of %zu bytes dropped (at most %u)\n", n, MSG_MAX);
    return;
  }
  if (g.out_len + HEADER + n > OUT_MAX) flush();
  uint8_t *p = g.out + g.out_len;
  p[0] = type;
  put_u16(p + 1, (uint16_t)n);
  if (alen) memcpy(p + HEADER, a, alen);
  if (blen) memcpy(p + HEADER + alen, b, blen);
  g.out_len += (uint32_t)(HEADER + n);
}

/* Reads exactly n bytes: 1, 0 on end of stream before the first byte, -1 on an error or an end inside them. */
static int read_exact(uint8_t *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(g.fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return got == 0 ? 0 : -1;
    got += (size_t)r;
  }
  return 1;
}

int radio_socket_open(const char *spec) {
  /* The simulator closing its end must end the board with an error, not a SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  if (spec == NULL) spec = "";
  if (strncmp(spec, "fd:", 3) == 0) {
    char *end = NULL;
    errno = 0;
    long fd = strtol(spec + 3, &end, 10);
    if (errno || end == spec + 3 || *end || fd < 0 || fd > 65535) {
      fprintf(stderr, "radio: '%s' is not fd:N\n", spec);
      return -1;
    }
    g.fd = (int)fd;
    return g.fd;
  }
  if (strncmp(spec, "unix:", 5) == 0) {
    struct sockaddr_un sa;
    const char *path = spec + 5;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (*path == 0 || strlen(path) >= sizeof sa.sun_path) {
      fprintf(stderr, "radio: socket path '%s' is empty or longer than %zu bytes\n", path, sizeof sa.sun_path - 1);
      return -1;
    }
    memcpy(sa.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      fprintf(stderr, "radio: cannot connect to %s: %s\n", path, strerror(errno));
      if (fd >= 0) close(fd);
      return -1;
    }
    g.fd = fd;
    return fd;
  }
  fprintf(stderr, "radio: '%s': expected unix:PATH or fd:N\n", spec);
  return -1;
}

int radio_socket_clock(int64_t *local) {
  if (g.fd < 0) return 0;
  if (local) *local = g.local;
  return 1;
}

int radio_socket_entropy(uint8_t *buf, size_t len) {
  if (g.fd < 0) return 0;
  /* The core asks mid-request: ask the simulator (ENTROPY n) and wait for its n bytes (ENTROPY_BYTES). */
  uint8_t h[HEADER];
  uint8_t n[2];
  put_u16(n, (uint16_t)len);
  emit(BM_ENTROPY, n, 2, NULL, 0);
  flush();
  if (len > MSG_MAX || g.broken || read_exact(h, HEADER) != 1 || h[0] != RQ_ENTROPY_BYTES || get_u16(h + 1) != len ||
      read_exact(buf, len) != 1) {
    fprintf(stderr, "radio: the simulator did not answer ENTROPY %zu with as many bytes\n", len);
    g.failed = 1;
    return -1;
  }
  return 1;
}

/* ---- serving one request ---------------------------------------------------------------- */

static int refuse(const char *name, const char *why, uint16_t len) {
  fprintf(stderr, "radio: malformed %s request (payload %u bytes): %s\n", name, len, why);
  return -1;
}

static const char *request_name(uint8_t type) {
  static const char *const names[] = {"?", "BOOT", "TICK", "ADVERT", "LINK_UP", "LINK_DOWN", "LINK_READY",
                                      "FRAME", "ACTION", "STATUS", "IDENTITY", "CHAINS", "ENROL", "BEACON", "CUT"};
  return type <= RQ_CUT ? names[type] : "unknown";
}

int radio_socket_serve_one(void) {
  if (g.fd < 0) {
    fprintf(stderr, "radio: no socket\n");
    return -1;
  }
  int r = read_exact(g.in, HEADER);
  if (r == 0) return 1;
  if (r < 0) return refuse("(header)", "the stream ended or failed inside a message header", 0);
  uint8_t type = g.in[0];
  uint16_t len = get_u16(g.in + 1);
  const char *name = request_name(type);
  if (type < RQ_BOOT || type > RQ_CUT) {
    fprintf(stderr, "radio: unknown request type 0x%02x (payload %u bytes)\n", type, len);
    return -1;
  }
  if (len > IN_MAX) return refuse(name, "longer than any request", len);
  if (read_exact(g.in + HEADER, len) != 1) return refuse(name, "the stream ended inside the payload", len);
  const uint8_t *p = g.in + HEADER;

  /* Every request starts with the local time. */
  if (len < 8) return refuse(name, "shorter than its local time", len);
  int64_t local = get_i64(p);
  if (local < 0) return refuse(name, "negative local time", len);
  if (g.booted && local < g.local) return refuse(name, "local time went backwards", len);
  p += 8;
  uint16_t rest = (uint16_t)(len - 8);

  /* Check the whole payload's shape before anything runs. */
  switch (type) {
    case RQ_BOOT:
      if (rest != 8) return refuse(name, "expected local and hint (16 bytes)", len);
      break;
    case RQ_TICK:
    case RQ_STATUS:
    case RQ_IDENTITY:
      if (rest != 0) return refuse(name, "expected only the local time (8 bytes)", len);
      break;
    case RQ_ADVERT:
      if (rest < 6 || rest > 6u + ADV_MAX) return refuse(name, "expected an address and at most 31 bytes of data", len);
      break;
    case RQ_LINK_UP:
      if (rest != 11) return refuse(name, "expected handle, mtu, central and address (19 bytes)", len);
      if (p[4] > 1) return refuse(name, "central is neither 0 nor 1", len);
      break;
    case RQ_LINK_DOWN:
    case RQ_LINK_READY:
      if (rest != 2) return refuse(name, "expected the local time and a handle (10 bytes)", len);
      break;
    case RQ_FRAME:
      if (rest < 2 || rest > 2u + FRAME_MAX) return refuse(name, "expected a handle and a frame of at most 244 bytes", len);
      break;
    case RQ_ACTION:
      break;
    case RQ_CHAINS:
      if (rest != 4) return refuse(name, "expected the local time and a start index (12 bytes)", len);
      break;
    case RQ_ENROL:
      if (rest != 64) return refuse(name, "expected the local time and a 64-byte cert (72 bytes)", len);
      break;
    case RQ_BEACON:
      if (rest != 72) return refuse(name, "expected the local time and a 72-byte beacon (80 bytes)", len);
      break;
    case RQ_CUT:
      if (rest != 4) return refuse(name, "expected the local time and a write count (12 bytes)", len);
      if (get_u32(p) == 0) return refuse(name, "the write count is 0 (1 is the next write)", len);
      break;
  }

  g.local = local;
  int64_t result = 0;
  switch (type) {
    case RQ_BOOT:
      g.booted = 1;
      result = pb_badge_start(get_i64(p));
      break;
    case RQ_TICK:
      pb_badge_tick();
      break;
    case RQ_ADVERT:
      pb_badge_advert(p, p + 6, rest - 6u);
      break;
    case RQ_LINK_UP:
      pb_badge_link_up(get_u16(p), get_u16(p + 2), p[4], p + 5);
      break;
    case RQ_LINK_DOWN:
      pb_badge_link_down(get_u16(p));
      break;
    case RQ_LINK_READY:
      pb_badge_link_ready(get_u16(p));
      break;
    case RQ_FRAME:
      pb_badge_frame(get_u16(p), p + 2, rest - 2u);
      break;
    case RQ_ACTION:
      result = pb_badge_action(p, rest);
      break;
    case RQ_STATUS:
      result = pb_badge_status(g.data);
      if (result == 0) emit(BM_DATA, g.data, 80, NULL, 0);
      break;
    case RQ_IDENTITY:
      result = pb_badge_identity(g.data);
      if (result == 0) emit(BM_DATA, g.data, 32, NULL, 0);
      break;
    case RQ_CHAINS:
      result = pb_badge_chains(get_u32(p), g.data, sizeof g.data);
      if (result >= 0) emit(BM_DATA, g.data, (size_t)result * CHAIN_RECORD, NULL, 0);
      break;
    case RQ_ENROL:
      result = pb_badge_enrol(p);
      break;
    case RQ_BEACON:
      result = pb_badge_beacon(p);
      break;
    case RQ_CUT:
      port_native_cut_at(get_u32(p));
      break;
  }
  if (g.failed) return -1;
  uint8_t done[8];
  put_i64(done, result);
  emit(BM_DONE, done, 8, NULL, 0);
  flush();
  return g.broken ? 1 : 0;
}

/* ---- port.h: radio and display ---------------------------------------------------------- */
/* Without a socket (a board run without --radio) these do nothing, as a board without a radio. */

int port_radio_advertise(const uint8_t *data, size_t len) {
  if (len > ADV_MAX) return -1;
  if (g.radio_on) emit(BM_ADVERTISE, data, len, NULL, 0);
  return 0;
}

int port_radio_connect(const uint8_t addr[6]) {
  if (g.radio_on) emit(BM_CONNECT, addr, 6, NULL, 0);
  return 0;
}

int port_radio_disconnect(uint16_t handle) {
  /* Allowed with the radio off: ending links is how the badge stops. */
  uint8_t h[2];
  put_u16(h, handle);
  emit(BM_DISCONNECT, h, 2, NULL, 0);
  return 0;
}

int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len) {
  if (len > FRAME_MAX) return -1;
  if (!g.radio_on) return -1;
  uint8_t h[2];
  put_u16(h, handle);
  emit(BM_SEND, h, 2, frame, len);
  return 0;
}

void port_radio_enable(int on) { g.radio_on = on ? 1 : 0; }

void port_show_stored(const uint8_t owner[32], uint32_t height) {
  uint8_t h[4] = {(uint8_t)height, (uint8_t)(height >> 8), (uint8_t)(height >> 16), (uint8_t)(height >> 24)};
  emit(BM_STORED, owner, 32, h, 4);
}
