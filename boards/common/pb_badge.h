/*
 * pb_badge.h: the badge runner. It drives the core's badge_* exports as
 * docs/ABI.md ("The badge") prescribes and carries out every outbox record
 * through port.h. The board calls these from its one task as things happen;
 * each takes its time from port_now_ms().
 */
#ifndef PICOBADGE_PB_BADGE_H
#define PICOBADGE_PB_BADGE_H

#include <stddef.h>
#include <stdint.h>

/* badge_init on the port's flash region; hint: the mesh time in ms if the board knows it, else 0. 0 or < 0. */
int pb_badge_start(int64_t hint);
/* Stops driving the badge (test mode): links ended, radio off. */
void pb_badge_stop(void);
int pb_badge_running(void);

void pb_badge_tick(void);
void pb_badge_advert(const uint8_t addr[6], const uint8_t *data, size_t len);
void pb_badge_link_up(uint16_t handle, uint16_t mtu, int central, const uint8_t addr[6]);
void pb_badge_link_down(uint16_t handle);
void pb_badge_link_ready(uint16_t handle);
void pb_badge_frame(uint16_t handle, const uint8_t *data, size_t len);
/* A local action (u8 name length, collection name, one CBOR item). 1 accepted, or the core's code. */
int pb_badge_action(const uint8_t *action, size_t len);

/* The event key's instruments, for a RUNNING badge (-73 otherwise): the core's answer, or a PB_CORE_* status.
 * badge_enrol (docs/ABI.md): 1 taken, 0 taken before, -76 not the event key's for this badge, -77 too late.
 * badge_beacon: 1 kept (the clock jumps if behind), 0 not newer than the one held, -75 refused. */
int pb_badge_enrol(const uint8_t cert[64]);
int pb_badge_beacon(const uint8_t beacon[72]);

/* Reads for tools and the simulator: 0 or < 0. */
int pb_badge_status(uint8_t out[80]);
int pb_badge_identity(uint8_t out[32]);
/* Chains from the start-th: owner (32) · length u32 · head (64) each, as many as fit in cap; how many, or < 0. */
int pb_badge_chains(uint32_t start, uint8_t *out, size_t cap);

#endif /* PICOBADGE_PB_BADGE_H */
