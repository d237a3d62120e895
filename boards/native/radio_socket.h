/*
 * radio_socket.h: the native board's radio, a stream socket to the mesh
 * simulator (README.md, "The radio socket"). It also implements port.h's
 * radio and display functions; without a socket they do nothing.
 */
#ifndef PICOBADGE_RADIO_SOCKET_H
#define PICOBADGE_RADIO_SOCKET_H

#include <stddef.h>
#include <stdint.h>

/* Connects to "unix:PATH" or adopts "fd:N" (an inherited socket). The fd, or < 0 with a line on stderr. */
int radio_socket_open(const char *spec);
/* Reads one request, runs it, answers, ends with DONE. 0 done, 1 the simulator closed the socket, < 0 a broken request. */
int radio_socket_serve_one(void);
/* 1 and *local when the simulator owns time (the local time of the request being served), else 0. */
int radio_socket_clock(int64_t *local);
/* When the simulator owns entropy (a socket): asks it for len bytes (1, or -1 when it did not answer); else 0 (use the OS's). */
int radio_socket_entropy(uint8_t *buf, size_t len);

#endif /* PICOBADGE_RADIO_SOCKET_H */
