/*
 * port_native.h: what main.c sets up for port_native.c (the Linux board's
 * port.h). Each returns 0, or < 0 after printing one line on stderr.
 */
#ifndef PICOBADGE_PORT_NATIVE_H
#define PICOBADGE_PORT_NATIVE_H

#include <stdint.h>

#define PORT_NATIVE_SECTOR 4096u
#define PORT_NATIVE_WORD 4u

/* The flash region as a file of size bytes (a multiple of 4 KiB sectors): created 0xFF-filled, else reused as it is. */
int port_native_flash_open(const char *path, uint32_t size);
/* The power dies in the n-th flash program or erase from now (n >= 1): half of it is written, then _exit(137). */
void port_native_cut_at(uint32_t n);
/* The app version floor (floor_native.c) in the file FLASH.floor next to the flash file; before pb_core_load_app. */
int port_native_floor_open(const char *flash_path);
/* The app partition: the image file, read where it lies (as a board reads its partition). */
int port_native_app_open(const char *path);
/* The event key: 64 hex digits, or a file with the hex, the 32 raw bytes, or a picobadge key file's "publicKey". */
int port_native_event_key(const char *spec);
/* Serial on stdio (in_fd 0, out_fd 1), or on a new pty whose slave path is printed on stderr. *in_fd is what to poll. */
int port_native_serial_stdio(int *in_fd);
int port_native_serial_pty(int *in_fd);

#endif /* PICOBADGE_PORT_NATIVE_H */
