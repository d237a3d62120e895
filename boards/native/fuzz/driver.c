/*
 * driver.c: runs a fuzz target where libFuzzer is not available (gcc): the
 * files named on the command line first, then -runs=N inputs made by
 * mutating them (and random ones), from -seed=S, each at most -max_len=L
 * bytes. Deterministic: the same seed gives the same inputs. With clang,
 * the targets link against libFuzzer instead (-fsanitize=fuzzer) and this
 * file is not used.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 64
#define MAX_LEN 4096

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

static uint8_t seeds[MAX_SEEDS][MAX_LEN];
static size_t seed_len[MAX_SEEDS];
static int nseeds;

/* Runs one seed file and keeps it for mutation. 0, or -1 when it cannot be read. */
static int add_seed(const char *path) {
  if (nseeds >= MAX_SEEDS) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  seed_len[nseeds] = fread(seeds[nseeds], 1, MAX_LEN, f);
  fclose(f);
  LLVMFuzzerTestOneInput(seeds[nseeds], seed_len[nseeds]);
  nseeds++;
  return 0;
}

/* A folder is a corpus: every regular file in it is a seed. */
static int add_seeds(const char *path) {
  DIR *d = opendir(path);
  if (!d) return add_seed(path);
  char file[4096];
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    if ((size_t)snprintf(file, sizeof file, "%s/%s", path, e->d_name) >= sizeof file) continue;
    if (add_seed(file) < 0) { closedir(d); return -1; }
  }
  closedir(d);
  return 0;
}

int main(int argc, char **argv) {
  long runs = 1000;
  size_t max_len = 1024;
  LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "-runs=", 6)) runs = atol(argv[i] + 6);
    else if (!strncmp(argv[i], "-seed=", 6)) rng ^= (uint64_t)atoll(argv[i] + 6) * 0x2545f4914f6cdd1dull;
    else if (!strncmp(argv[i], "-max_len=", 9)) max_len = (size_t)atol(argv[i] + 9);
    else if (argv[i][0] != '-' && add_seeds(argv[i]) < 0) {
      fprintf(stderr, "driver: cannot read %s\n", argv[i]);
      return 2;
    }
  }
  if (max_len > MAX_LEN) max_len = MAX_LEN;
  static uint8_t buf[MAX_LEN];
  for (long r = 0; r < runs; r++) {
    size_t n;
    if (nseeds > 0 && next() % 4 != 0) { /* mutate a seed: flip, replace, insert or cut bytes */
      int s = (int)(next() % (uint32_t)nseeds);
      n = seed_len[s] < max_len ? seed_len[s] : max_len;
      memcpy(buf, seeds[s], n);
      for (int k = 1 + (int)(next() % 8); k > 0 && n > 0; k--) {
        size_t at = next() % n;
        switch (next() % 4) {
        case 0: buf[at] ^= (uint8_t)(1u << (next() % 8)); break;
        case 1: buf[at] = (uint8_t)next(); break;
        case 2: if (n < max_len) { memmove(buf + at + 1, buf + at, n - at); buf[at] = (uint8_t)next(); n++; } break;
        case 3: n = at; break;
        }
      }
    } else {
      n = next() % (max_len + 1);
      for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)next();
    }
    LLVMFuzzerTestOneInput(buf, n);
  }
  printf("driver: %ld inputs (+%d seeds), no crash\n", runs, nseeds);
  return 0;
}
