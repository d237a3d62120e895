/*
 * port_native.c: port.h on Linux (flash, app partition, event key, clock,
 * entropy, serial). The radio and display functions are radio_socket.c's.
 *
 * Flash is a file and every program or erase goes to it at once with
 * pwrite: the file is the chip, so a kill -9 is a power cut and a restart
 * resumes from whatever the file holds. PICOBADGE_CUT_AFTER_WRITES=N cuts
 * the power in the middle of a write: after N programs and erases the next
 * one writes only the first part of its bytes and the process _exits(137),
 * as a badge whose battery dies mid-write leaves a half-programmed word run.
 * The simulator arms the same cut over its radio socket (CUT, radio_socket.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pb_hex.h"
#include "port.h"
#include "port_native.h"
#include "radio_socket.h"

static int flash_fd = -1;
static uint32_t flash_size;
static long cut_after = -1; /* programs and erases left before the simulated power cut; -1: never */
static int app_fd = -1;
static uint32_t app_size;
static uint8_t event_key[32];
static int serial_out = 1;
static int serial_is_pty;

/* ---- flash ----------------------------------------------------------------------------- */

static int write_at(int fd, const uint8_t *p, size_t n, off_t at)
{
  while (n) {
    ssize_t w = pwrite(fd, p, n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
    at += w;
  }
  return 0;
}

static int read_at(int fd, uint8_t *p, size_t n, off_t at)
{
  while (n) {
    ssize_t r = pread(fd, p, n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
    at += r;
  }
  return 0;
}

int port_native_flash_open(const char *path, uint32_t size)
{
  struct stat st;
  if (size < 4 * PORT_NATIVE_SECTOR || size % PORT_NATIVE_SECTOR) {
    fprintf(stderr, "picobadge-native: --flash-size must be a multiple of %u bytes, at least 4 sectors\n", PORT_NATIVE_SECTOR);
    return -1;
  }
  flash_fd = open(path, O_RDWR | O_CREAT, 0644);
  if (flash_fd < 0 || fstat(flash_fd, &st) < 0) {
    fprintf(stderr, "picobadge-native: cannot open flash file %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (st.st_size != 0 && st.st_size != (off_t)size) {
    fprintf(stderr, "picobadge-native: flash file %s is %lld bytes, not %u (--flash-size)\n", path, (long long)st.st_size, size);
    return -1;
  }
  if (st.st_size == 0) { /* a new chip: erased */
    uint8_t ff[PORT_NATIVE_SECTOR];
    memset(ff, 0xff, sizeof ff);
    for (uint32_t a = 0; a < size; a += sizeof ff)
      if (write_at(flash_fd, ff, sizeof ff, a) < 0) { fprintf(stderr, "picobadge-native: cannot write flash file %s: %s\n", path, strerror(errno)); return -1; }
  }
  flash_size = size;
  const char *cut = getenv("PICOBADGE_CUT_AFTER_WRITES");
  if (cut && *cut) cut_after = strtol(cut, NULL, 10);
  return 0;
}

void port_flash_geometry(struct port_flash_geometry *out)
{
  out->sector_size = PORT_NATIVE_SECTOR;
  out->word_size = PORT_NATIVE_WORD;
  out->region_size = flash_size;
}

static int in_flash(uint32_t addr, uint32_t len) { return flash_fd >= 0 && (uint64_t)addr + len <= flash_size; }

/* Counts a write against PICOBADGE_CUT_AFTER_WRITES; when the count runs out, writes part of it and dies. */
static int cut_here(const uint8_t *p, uint32_t len, uint32_t addr)
{
  if (cut_after < 0) return 0;
  if (cut_after-- > 0) return 0;
  (void)write_at(flash_fd, p, len / 2, addr);
  _exit(137);
}

void port_native_cut_at(uint32_t n) { cut_after = n > 0 ? (long)n - 1 : -1; }

int port_flash_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
  if (!in_flash(addr, len)) return -1;
  return read_at(flash_fd, buf, len, addr);
}

int port_flash_program(uint32_t addr, const uint8_t *buf, uint32_t len)
{
  uint8_t cell[PORT_NATIVE_SECTOR];
  /* One program touches at most a sector (a record is smaller than one): one read, one write. */
  if (!in_flash(addr, len) || addr % PORT_NATIVE_WORD || len % PORT_NATIVE_WORD || len > sizeof cell) return -1;
  if (read_at(flash_fd, cell, len, addr) < 0) return -1;
  /* NOR: programming only clears bits, so the cell becomes old AND new. */
  for (uint32_t i = 0; i < len; i++) cell[i] &= buf[i];
  cut_here(cell, len, addr);
  return write_at(flash_fd, cell, len, addr);
}

int port_flash_erase(uint32_t addr)
{
  uint8_t ff[PORT_NATIVE_SECTOR];
  if (!in_flash(addr, PORT_NATIVE_SECTOR) || addr % PORT_NATIVE_SECTOR) return -1;
  memset(ff, 0xff, sizeof ff);
  cut_here(ff, sizeof ff, addr);
  return write_at(flash_fd, ff, sizeof ff, addr);
}

/* ---- the app partition and the event key ------------------------------------------------ */

int port_native_app_open(const char *path)
{
  struct stat st;
  if (app_fd >= 0) close(app_fd); /* a reload (SIGHUP, main.c): the file as it is now */
  app_fd = open(path, O_RDONLY);
  if (app_fd < 0 || fstat(app_fd, &st) < 0) {
    fprintf(stderr, "picobadge-native: cannot open app image %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (st.st_size > 16 * 1024 * 1024) { fprintf(stderr, "picobadge-native: %s is larger than an app partition (16 MiB)\n", path); return -1; }
  app_size = (uint32_t)st.st_size;
  return 0;
}

uint32_t port_app_size(void) { return app_size; }

int port_app_read(uint32_t offset, uint8_t *buf, uint32_t len)
{
  if (app_fd < 0 || (uint64_t)offset + len > app_size) return -1;
  return read_at(app_fd, buf, len, offset);
}

const uint8_t *port_event_key(void) { return event_key; }

/* 64 hex digits at s (and nothing more when exact), into event_key. */
static int parse_hex_key(const char *s, size_t n, int exact)
{
  if (n < 64 || (exact && n != 64)) return -1;
  return pb_hex_key(s, event_key);
}

int port_native_event_key(const char *spec)
{
  char text[4096];
  if (parse_hex_key(spec, strlen(spec), 1) == 0) return 0;
  int fd = open(spec, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "picobadge-native: --event-key %s is neither 64 hex digits nor a readable file\n", spec); return -1; }
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n < 0) n = 0;
  text[n] = 0;
  if (n == 32) { memcpy(event_key, text, 32); return 0; } /* the raw key */
  /* A picobadge key file (host/keyfile.ts): JSON whose "publicKey" is the event's public key. */
  const char *pk = strstr(text, "\"publicKey\"");
  if (pk) {
    pk = strchr(pk + 11, '"');
    if (pk && parse_hex_key(pk + 1, strlen(pk + 1), 0) == 0 && pk[65] == '"') return 0;
  } else {
    size_t len = (size_t)n;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ')) len--;
    if (parse_hex_key(text, len, 1) == 0) return 0;
  }
  fprintf(stderr, "picobadge-native: %s holds no 32-byte event key (hex, raw, or a key file's publicKey)\n", spec);
  return -1;
}

/* ---- clock and entropy ------------------------------------------------------------------- */

int64_t port_now_ms(void)
{
  int64_t local;
  if (radio_socket_clock(&local)) return local; /* the simulator owns time */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  static int64_t boot = -1;
  int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  if (boot < 0) boot = now;
  return now - boot;
}

int port_entropy(uint8_t *buf, size_t len)
{
  int sim = radio_socket_entropy(buf, len); /* under the simulator, its bytes (the run replays from its seed) */
  if (sim) return sim < 0 ? -1 : 0;
  while (len) {
    ssize_t n = getrandom(buf, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* ---- serial ------------------------------------------------------------------------------ */

int port_native_serial_stdio(int *in_fd)
{
  *in_fd = 0;
  serial_out = 1;
  return 0;
}

int port_native_serial_pty(int *in_fd)
{
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) { fprintf(stderr, "picobadge-native: no pty: %s\n", strerror(errno)); return -1; }
  const char *name = ptsname(m);
  if (!name) { fprintf(stderr, "picobadge-native: no pty name: %s\n", strerror(errno)); return -1; }
  /* The board keeps the slave side open itself: with no client on it the
   * master would otherwise read EIO, and its raw mode set here would be lost. */
  int s = open(name, O_RDWR | O_NOCTTY);
  struct termios t;
  if (s < 0 || tcgetattr(s, &t) < 0) { fprintf(stderr, "picobadge-native: cannot open %s: %s\n", name, strerror(errno)); return -1; }
  cfmakeraw(&t);
  tcsetattr(s, TCSANOW, &t);
  fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
  fprintf(stderr, "serial: %s\n", name);
  serial_out = m;
  serial_is_pty = 1;
  *in_fd = m;
  return 0;
}

void port_serial_write(const uint8_t *buf, size_t len)
{
  while (len) {
    ssize_t w = write(serial_out, buf, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN && serial_is_pty) {
      /* Nobody reads the pty: wait a little, then drop the rest (console text for no one). */
      struct pollfd p = { serial_out, POLLOUT, 0 };
      if (poll(&p, 1, 1000) <= 0) return;
      continue;
    }
    if (w <= 0) return; /* stdout gone: the host went away; main notices on stdin */
    buf += w;
    len -= (size_t)w;
  }
}
