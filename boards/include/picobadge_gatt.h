/*
 * picobadge_gatt.h: the GATT side of docs/SYNC.md, shared by every board
 * with a Bluetooth radio. One primary service with one characteristic, the
 * sync characteristic: a central writes frames to it without response, a
 * peripheral notifies frames on it. Its Client Characteristic Configuration
 * descriptor is the attribute right after its value (both NimBLE and
 * Zephyr place it there), so a central that found the value handle by UUID
 * enables notifications at value handle + 1 without a descriptor search.
 *
 * UUIDs as 16 little-endian bytes (the order both stacks take):
 *   service         34acc9a2-7c55-4fda-b652-0cb0740d7464
 *   characteristic  34acc9a3-7c55-4fda-b652-0cb0740d7464
 */
#ifndef PICOBADGE_GATT_H
#define PICOBADGE_GATT_H

#define PICOBADGE_GATT_SERVICE_UUID_LE \
  0x64, 0x74, 0x0d, 0x74, 0xb0, 0x0c, 0x52, 0xb6, 0xda, 0x4f, 0x55, 0x7c, 0xa2, 0xc9, 0xac, 0x34
#define PICOBADGE_GATT_SYNC_UUID_LE \
  0x64, 0x74, 0x0d, 0x74, 0xb0, 0x0c, 0x52, 0xb6, 0xda, 0x4f, 0x55, 0x7c, 0xa3, 0xc9, 0xac, 0x34

/* The ATT MTU a board asks for: a frame is at most MTU - 3 = 244 bytes (docs/SYNC.md, 3). */
#define PICOBADGE_ATT_MTU 247
/* Links a badge keeps at once (the core's link slots), as central and peripheral together. */
#define PICOBADGE_MAX_LINKS 3
/* Frames the core hands over per link before it waits for link_ready (docs/SYNC.md, 3). */
#define PICOBADGE_FRAMES_IN_FLIGHT 4

#endif /* PICOBADGE_GATT_H */
