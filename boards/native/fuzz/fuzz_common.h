/*
 * fuzz_common.h: what both fuzz targets share: one badge, loaded once from
 * the signed app image named by PICOBADGE_FUZZ_APP (made by
 * scripts/native.mjs, signed with the event key in PICOBADGE_FUZZ_KEY, hex),
 * started once so its identity is on flash, then put back to that state
 * before every input (flash restored, a fresh instance, badge_init again).
 */
#ifndef PICOBADGE_FUZZ_COMMON_H
#define PICOBADGE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Loads the app once (exits with a line on stderr when it cannot). */
void fuzz_setup(void);
/* libFuzzer's (and driver.c's) start: fuzz_setup, for every target. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Puts the badge back to the state fuzz_setup left it in. */
void fuzz_reset(void);

/* Reads from the input as it goes; past the end, zeros. */
struct fuzz_input { const uint8_t *p; size_t left; };
uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
/* Up to max bytes (fewer at the end of the input); returns how many, at *out. */
size_t fuzz_bytes(struct fuzz_input *in, size_t max, const uint8_t **out);

#endif /* PICOBADGE_FUZZ_COMMON_H */
