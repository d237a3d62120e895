/*
 * pb_floor.h: the badge's app version floor (docs/ABI.md, "Rollback"): the
 * highest app version this badge has run. core.c gives it to the resident
 * verifier, which refuses a signed image below it (-86), and raises it once
 * a verified image is instantiated. Kept by the board through port.h's
 * port_version_floor_read/_write.
 */
#ifndef PICOBADGE_PB_FLOOR_H
#define PICOBADGE_PB_FLOOR_H

#include <stddef.h>
#include <stdint.h>

/* The app version of a 144-byte image header (u32 LE at PICOBADGE_IMAGE_APP_VERSION). Believe it only after
 * image_verify_begin accepted the header: before that it is anyone's word. */
uint32_t pb_image_version(const uint8_t *header);

/* The floor (0 on a badge that never ran an image), or < 0 when it cannot be read: then no image runs. */
int pb_floor_read(uint32_t *floor);

/*
 * After the image of `version` verified against floor `floor` (so version >= floor) and was instantiated:
 * raises the stored floor to version when version is higher. 0 nothing to do, 1 raised, < 0 the write failed
 * (the stored floor is still `floor`). Never writes a lower or equal value: the floor only goes up.
 */
int pb_floor_raise(uint32_t floor, uint32_t version);

/* "image version 5 is older than this badge's 7: refused (rollback)" into out (always terminated). */
void pb_floor_refusal(char *out, size_t cap, uint32_t version, uint32_t floor);

#endif /* PICOBADGE_PB_FLOOR_H */
