/*
 * floor_native.c: port.h's app version floor on Linux (docs/ABI.md,
 * "Rollback"): the file FLASH.floor next to the --flash file, not inside
 * it (the flash region is the core's store, laid out by the core alone).
 *
 * The file is 8 bytes: the floor (u32 LE) and its complement, so a damaged
 * file reads as an error (no image runs) rather than as some other floor.
 * A write goes to FLASH.floor.tmp, is fsynced, and renamed over the file
 * (then the directory is fsynced): a kill -9 or power cut at any point
 * leaves the old floor or the new one. No file: the floor is 0 (a new
 * badge, or its flash file was never made).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "port.h"
#include "port_native.h"

static char floor_path[4096], tmp_path[4096 + 8];

int port_native_floor_open(const char *flash_path)
{
  if (snprintf(floor_path, sizeof floor_path, "%s.floor", flash_path) >= (int)sizeof floor_path) {
    fprintf(stderr, "picobadge-native: the flash file's path is too long\n");
    return -1;
  }
  snprintf(tmp_path, sizeof tmp_path, "%s.tmp", floor_path);
  return 0;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

int port_version_floor_read(uint32_t *floor)
{
  uint8_t b[9];
  int fd = open(floor_path, O_RDONLY);
  if (fd < 0 && errno == ENOENT) { *floor = 0; return 0; }
  if (fd < 0) { fprintf(stderr, "picobadge-native: cannot open %s: %s\n", floor_path, strerror(errno)); return -1; }
  ssize_t n = read(fd, b, sizeof b);
  close(fd);
  if (n != 8 || le32(b) != (uint32_t)~le32(b + 4)) {
    fprintf(stderr, "picobadge-native: %s is damaged (not 8 bytes: a version and its complement)\n", floor_path);
    return -1;
  }
  *floor = le32(b);
  return 0;
}

int port_version_floor_write(uint32_t floor)
{
  uint8_t b[8];
  for (int i = 0; i < 4; i++) { b[i] = (uint8_t)(floor >> (8 * i)); b[4 + i] = (uint8_t)(~floor >> (8 * i)); }
  int fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int ok = write(fd, b, sizeof b) == (ssize_t)sizeof b && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp_path, floor_path) < 0) { unlink(tmp_path); return -1; }
  /* The rename itself survives a power cut once the directory is synced. */
  char dir[sizeof floor_path];
  snprintf(dir, sizeof dir, "%s", floor_path);
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = 0; else snprintf(dir, sizeof dir, ".");
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) { (void)fsync(dfd); close(dfd); }
  return 0;
}
