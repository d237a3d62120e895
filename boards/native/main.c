/*
 * main.c: the Linux board's one task. Options, then a poll() loop that
 * hands serial bytes to the RPC, serves the simulator's radio socket in
 * lockstep when there is one, and otherwise ticks the badge every real
 * second while it runs.
 *
 * Exit codes: 0 stdin closed (stdio mode) or the simulator closed the radio
 * socket; 1 a setup error; 2 the app image was refused (nothing of it ran);
 * 3 a broken radio request (radio_socket.c); 137 a simulated power cut.
 * Exit 2 includes rollback (-86): an image older than one this badge ran (FLASH.floor).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pb_badge.h"
#include "pb_core.h"
#include "pb_rpc.h"
#include "port.h"
#include "port_native.h"
#include "radio_socket.h"

static const char usage[] =
  "usage: picobadge-native --flash FILE --app IMAGE --event-key HEX|FILE [options]\n"
  "\n"
  "  --flash FILE          the badge's flash region, a file (created erased; a kill -9 is a power cut);\n"
  "                        FILE.floor beside it keeps the app version floor (no older image runs)\n"
  "  --flash-size BYTES    its size, a multiple of 4096 (default 262144); sectors 4 KiB, word 4\n"
  "  --app IMAGE           the signed app image (picobadge build) in the app partition\n"
  "  --event-key HEX|FILE  the event's public key: 64 hex digits, or a file (hex, 32 raw bytes,\n"
  "                        or a picobadge key file, whose publicKey is used)\n"
  "  --serial stdio|pty    the serial port (console and board RPC, docs/RPC.md): stdio (default)\n"
  "                        or a new pty whose path is printed on stderr as 'serial: /dev/pts/N'\n"
  "  --radio SPEC          the simulator's radio socket: unix:PATH or fd:N (boards/native/README.md)\n"
  "  --name NAME           the board name HELLO reports (default picobadge-native)\n"
  "  --report-memory       on exit, print WAMR's pool high-water mark on stderr\n"
  "  --help                this text\n"
  "\n"
  "Environment: PICOBADGE_CUT_AFTER_WRITES=N cuts the power in the middle of the flash write after N.\n"
  "SIGHUP: load the --app file again, as an update would (into the second RAM slot: a refused image\n"
  "leaves the running app running; an accepted one restarts the badge on it, without --radio).\n";

static int report_memory;
static volatile sig_atomic_t reload_wanted;

static void on_hup(int sig) { (void)sig; reload_wanted = 1; }

/* SIGHUP: the --app file again, through pb_core_load_app's second slot, as a badge takes an update. */
static void reload_app(const char *app, int standalone)
{
  if (port_native_app_open(app) < 0) return;
  if (pb_core_load_app() != PB_CORE_OK) {
    fprintf(stderr, "picobadge-native: reload: %s; app version %u keeps running\n", pb_core_error(), (unsigned)pb_core_app_version());
    return;
  }
  if (pb_core_error()[0]) fprintf(stderr, "picobadge-native: %s\n", pb_core_error());
  fprintf(stderr, "picobadge-native: reload: app version %u runs\n", (unsigned)pb_core_app_version());
  if (standalone) { /* a fresh instance: the badge boots again on it, from its flash */
    pb_badge_stop();
    if (pb_badge_start(0) < 0) fprintf(stderr, "picobadge-native: the badge did not start again\n");
  }
}

/* The README's RAM figures: what WAMR took from its static pool at most, beside the interpreter stack. */
static int finish(int code)
{
  if (report_memory)
    fprintf(stderr, "memory: WAMR pool high-water %lld bytes (pool %d, wasm stack %d)\n",
            (long long)pb_core_pool_high_water(), (int)PB_WAMR_POOL, (int)PB_WASM_STACK);
  return code;
}

static int die(const char *msg, const char *arg)
{
  fprintf(stderr, "picobadge-native: %s%s\n", msg, arg ? arg : "");
  return 1;
}

/* One line for the wearer at the console: which badge this is and what it holds. */
static void say_who(const char *flash)
{
  uint8_t key[32], status[80];
  if (pb_badge_identity(key) < 0 || pb_badge_status(status) < 0) return;
  uint32_t chains = (uint32_t)status[28] | (uint32_t)status[29] << 8 | (uint32_t)status[30] << 16 | (uint32_t)status[31] << 24;
  fprintf(stderr, "picobadge-native: badge %02x%02x%02x%02x%02x%02x%02x%02x... %s %s, %u chain%s held\n",
          key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
          status[44] ? "made a new identity on" : "resumed from", flash, chains, chains == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
  const char *flash = NULL, *app = NULL, *key = NULL, *serial = "stdio", *radio = NULL, *name = "picobadge-native";
  unsigned long flash_size = 256 * 1024;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage, stdout); return 0; }
    if (strcmp(a, "--report-memory") == 0) { report_memory = 1; continue; }
    if (i + 1 >= argc) return die("missing value after ", a);
    const char *v = argv[++i];
    if (strcmp(a, "--flash") == 0) flash = v;
    else if (strcmp(a, "--flash-size") == 0) {
      char *end;
      flash_size = strtoul(v, &end, 10);
      if (*end || flash_size > 64ul * 1024 * 1024) return die("--flash-size takes a byte count up to 64 MiB, not ", v);
    } else if (strcmp(a, "--app") == 0) app = v;
    else if (strcmp(a, "--event-key") == 0) key = v;
    else if (strcmp(a, "--serial") == 0) serial = v;
    else if (strcmp(a, "--radio") == 0) radio = v;
    else if (strcmp(a, "--name") == 0) name = v;
    else return die("unknown option ", a);
  }
  if (!flash || !app || !key) return die("--flash, --app and --event-key are needed (--help)", NULL);
  if (strcmp(serial, "stdio") != 0 && strcmp(serial, "pty") != 0) return die("--serial is stdio or pty, not ", serial);

  signal(SIGPIPE, SIG_IGN); /* a host that went away is seen on stdin, not as a signal */
  struct sigaction hup;
  memset(&hup, 0, sizeof hup);
  hup.sa_handler = on_hup; /* no SA_RESTART: poll returns, and the loop reloads */
  sigaction(SIGHUP, &hup, NULL);
  /* SIGHUP is blocked except inside ppoll: one that arrives while the loop works is delivered at the next
   * ppoll, which then returns at once. (With plain poll it could land just before the call and wait there
   * for the next event: forever for a badge in test mode, which has no tick.) */
  sigset_t hup_blocked, during_poll;
  sigemptyset(&hup_blocked);
  sigaddset(&hup_blocked, SIGHUP);
  sigprocmask(SIG_BLOCK, &hup_blocked, &during_poll);
  sigdelset(&during_poll, SIGHUP);
  if (port_native_event_key(key) < 0) return 1;
  if (port_native_app_open(app) < 0) return 1;
  if (port_native_floor_open(flash) < 0) return 1;

  if (pb_core_init() != PB_CORE_OK) return die("", pb_core_error());
  int rc = pb_core_load_app();
  if (rc == PB_CORE_IMAGE) {
    /* The clear error state: nothing of the image ran, the badge does not start. */
    fprintf(stderr, "picobadge-native: %s\n", pb_core_error());
    return 2;
  }
  if (rc != PB_CORE_OK) return die("", pb_core_error());
  if (pb_core_error()[0]) fprintf(stderr, "picobadge-native: %s\n", pb_core_error()); /* the floor could not be raised */
  /* The flash only now: a refused image leaves the badge's flash file as it was (not even created). */
  if (port_native_flash_open(flash, (uint32_t)flash_size) < 0) return 1;

  int serial_fd;
  if (strcmp(serial, "pty") == 0 ? port_native_serial_pty(&serial_fd) < 0 : port_native_serial_stdio(&serial_fd) < 0) return 1;
  pb_rpc_init(name);
  int radio_fd = -1;
  if (radio && (radio_fd = radio_socket_open(radio)) < 0) return 1;

  /* With a radio the simulator boots the badge (BOOT) and owns its time; alone, it starts now. */
  if (radio_fd < 0) {
    rc = pb_badge_start(0);
    if (rc < 0) fprintf(stderr, "picobadge-native: the badge did not start (%d); the RPC still answers\n", rc);
    else say_who(flash);
  }
  char line[96];
  int n = snprintf(line, sizeof line, "picobadge-native: booted, RPC ready (%s)\r\n", name);
  port_serial_write((const uint8_t *)line, (size_t)n);

  int64_t next_tick = port_now_ms() + 1000;
  for (;;) {
    struct pollfd fds[2] = { { serial_fd, POLLIN, 0 }, { radio_fd, POLLIN, 0 } };
    int timeout = -1;
    if (radio_fd < 0 && pb_badge_running()) {
      int64_t wait = next_tick - port_now_ms();
      timeout = wait < 0 ? 0 : (int)wait;
    }
    struct timespec ts = { timeout / 1000, (long)(timeout % 1000) * 1000000L };
    int ready = ppoll(fds, radio_fd >= 0 ? 2 : 1, timeout < 0 ? NULL : &ts, &during_poll);
    if (ready < 0 && errno != EINTR) return die("poll: ", strerror(errno));
    if (reload_wanted) { reload_wanted = 0; reload_app(app, radio_fd < 0); continue; }
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      uint8_t buf[1024];
      ssize_t got = read(serial_fd, buf, sizeof buf);
      if (got > 0) pb_rpc_feed(buf, (size_t)got);
      else if (got == 0 || (errno != EINTR && errno != EAGAIN)) return finish(0); /* the host closed the serial port */
    }
    if (radio_fd >= 0 && ready > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      int r = radio_socket_serve_one();
      if (r == 1) return finish(0);
      if (r < 0) return finish(3);
    }
    if (radio_fd < 0 && pb_badge_running() && port_now_ms() >= next_tick) {
      pb_badge_tick();
      next_tick += 1000;
      if (next_tick < port_now_ms()) next_tick = port_now_ms() + 1000; /* a stall is not caught up */
    }
  }
}
