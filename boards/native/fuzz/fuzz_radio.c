/*
 * fuzz_radio.c: what the air can say to a badge. Each input is a script of
 * events: time passing, adverts from any address, links coming up (as
 * central or peripheral, any MTU) and going down, frames of any bytes on
 * any handle, link-ready, button actions. The badge must not crash, trip a
 * sanitizer, or ask its radio for anything port_fuzz.c calls a bug.
 */
#include "fuzz_common.h"
#include "port_fuzz.h"
#include "pb_badge.h"

#include <stddef.h>
#include <stdint.h>

enum { EV_TIME, EV_ADVERT, EV_LINK_UP, EV_LINK_DOWN, EV_LINK_READY, EV_FRAME, EV_ACTION, EV_COUNT };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fuzz_input in = { data, size };
  int64_t now = 0;
  uint8_t up[8] = { 0 }; /* what the harness told the badge; a second link_up on a handle keeps the first link's MTU */
  fuzz_reset();
  /* A few handles only, so that frames land on links that are up. */
  while (in.left > 0) {
    uint8_t op = fuzz_u8(&in);
    uint16_t handle = (uint16_t)(fuzz_u8(&in) & 7);
    const uint8_t *bytes;
    size_t n;
    switch ((op & 0x7f) % EV_COUNT) { /* bit 7: a flag (central, for a link) */
    case EV_TIME:
      now += (int64_t)fuzz_u16(&in) * 16; /* up to about 17 minutes at a step */
      port_fuzz_set_time(now);
      pb_badge_tick();
      break;
    case EV_ADVERT: {
      uint8_t addr[6] = { (uint8_t)handle, 0x5a, 0xb0, 0xc0, 0, 1 };
      n = fuzz_bytes(&in, fuzz_u8(&in) % 40, &bytes);
      pb_badge_advert(addr, bytes, n);
      break;
    }
    case EV_LINK_UP: {
      uint8_t addr[6] = { (uint8_t)handle, 0x5a, 0xb0, 0xc0, 0, 2 };
      uint16_t mtu = (uint16_t)(23 + fuzz_u8(&in) % 225);
      if (!up[handle]) port_fuzz_link(handle, mtu, 1);
      up[handle] = 1;
      pb_badge_link_up(handle, mtu, op & 0x80 ? 1 : 0, addr);
      break;
    }
    case EV_LINK_DOWN:
      port_fuzz_link(handle, 0, 0);
      up[handle] = 0;
      pb_badge_link_down(handle);
      break;
    case EV_LINK_READY:
      pb_badge_link_ready(handle);
      break;
    case EV_FRAME:
      n = fuzz_bytes(&in, fuzz_u8(&in), &bytes);
      pb_badge_frame(handle, bytes, n);
      break;
    case EV_ACTION:
      n = fuzz_bytes(&in, fuzz_u16(&in) % 1400, &bytes);
      pb_badge_action(bytes, n);
      break;
    }
    /* Links the badge asked to end are ended, as a host does after DISCONNECT (or a refused link_up). */
    for (uint16_t h; port_fuzz_take_disconnect(&h);) {
      if (h < 8) up[h] = 0;
      pb_badge_link_down(h);
    }
  }
  return 0;
}
