/*
 * fuzz_rpc.c: what the serial port can say to a board (docs/RPC.md). Random
 * bytes almost never carry a good CRC, so each input is read as requests
 * the harness frames itself — type, sequence, payload, a CRC that is right
 * unless the input says to break it, SLIP escapes — with raw noise between
 * them. CALLs name a real export most of the time, with any arguments,
 * writes and reads, so the fuzzer reaches every export with hostile
 * pointers and lengths. IDENTITY asks the running badge its key and STATUS its status; ENROL and BEACON carry a cert or a beacon to the
 * running badge (before any HELLO or CALL stops it): the right length most
 * of the time, from the input's bytes (they do not verify: the fuzzer has
 * no event key), and sometimes any length. Nothing may crash or trip a
 * sanitizer.
 */
#include "fuzz_common.h"
#include "pb_rpc.h"
#include "picobadge_abi.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NAME_OF(name, sig) #name,
static const char *const exports[] = {
  PICOBADGE_EXPORTS_FEED(NAME_OF) PICOBADGE_EXPORTS_STORE(NAME_OF) PICOBADGE_EXPORTS_BADGE(NAME_OF) PICOBADGE_EXPORTS_IMAGE(NAME_OF)
};
#define EXPORTS (sizeof exports / sizeof exports[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xffffffffu;
}

/* SLIP-encodes frame into the board's input, a byte at a time as a UART delivers it in pieces. */
static void send_slip(const uint8_t *frame, size_t n) {
  static uint8_t wire[2 * 4096 + 2];
  size_t w = 0;
  wire[w++] = 0xc0;
  for (size_t i = 0; i < n; i++) {
    if (frame[i] == 0xc0) { wire[w++] = 0xdb; wire[w++] = 0xdc; }
    else if (frame[i] == 0xdb) { wire[w++] = 0xdb; wire[w++] = 0xdd; }
    else wire[w++] = frame[i];
  }
  wire[w++] = 0xc0;
  for (size_t o = 0; o < w; o += 61) pb_rpc_feed(wire + o, w - o < 61 ? w - o : 61);
}

/* A CALL payload: a real export's name most of the time, then arguments, writes and reads from the input. */
static size_t call_payload(struct fuzz_input *in, uint8_t *out, size_t cap) {
  size_t o = 0;
  const uint8_t *bytes;
  uint8_t pick = fuzz_u8(in);
  const char *name = exports[pick % EXPORTS];
  size_t nl = pick < 224 ? strlen(name) : fuzz_bytes(in, fuzz_u8(in) % 40, (const uint8_t **)&name);
  out[o++] = (uint8_t)nl;
  memcpy(out + o, name, nl);
  o += nl;
  uint8_t argc = fuzz_u8(in) % 7;
  out[o++] = argc;
  for (uint8_t i = 0; i < argc; i++) {
    /* Mostly small numbers and addresses near the window; sometimes any 64 bits. */
    uint8_t how = fuzz_u8(in);
    size_t n = fuzz_bytes(in, how & 0x80 ? 8 : 3, &bytes);
    uint8_t v[8] = { 0 };
    memcpy(v, bytes, n);
    memcpy(out + o, v, 8);
    o += 8;
  }
  uint8_t writes = fuzz_u8(in) % 3;
  out[o++] = writes;
  for (uint8_t i = 0; i < writes && o + 8 < cap; i++) {
    uint32_t off = fuzz_u16(in) % 1700u;
    size_t n = fuzz_bytes(in, fuzz_u16(in) % 1600u, &bytes);
    if (o + 8 + n > cap) n = cap - o - 8;
    uint32_t len = (uint32_t)n;
    memcpy(out + o, &off, 4);
    memcpy(out + o + 4, &len, 4);
    memcpy(out + o + 8, bytes, n);
    o += 8 + n;
  }
  uint8_t reads = fuzz_u8(in) % 3;
  if (o + 1 + 8u * reads > cap) reads = 0;
  out[o++] = reads;
  for (uint8_t i = 0; i < reads; i++) {
    uint32_t off = fuzz_u16(in) % 1700u, len = fuzz_u16(in) % 1700u;
    memcpy(out + o, &off, 4);
    memcpy(out + o + 4, &len, 4);
    o += 8;
  }
  return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fuzz_input in = { data, size };
  static uint8_t frame[4096];
  fuzz_reset();
  while (in.left > 0) {
    uint8_t op = fuzz_u8(&in);
    const uint8_t *bytes;
    size_t n;
    if ((op & 3) == 3) { /* noise: console text, broken frames, stray escapes */
      n = fuzz_bytes(&in, fuzz_u8(&in), &bytes);
      pb_rpc_feed(bytes, n);
      continue;
    }
    /* (op & 3) == 2: ENROL, BEACON, IDENTITY, STATUS (pick 0-3) or any type (4-7), chosen by bits 2-4. */
    uint8_t pick = (uint8_t)((op >> 2) & 7);
    uint8_t type = (op & 3) == 0 ? 0x01 : (op & 3) == 1 ? 0x02 : pick < 4 ? (uint8_t)(0x03 + pick) : fuzz_u8(&in);
    uint16_t seq = fuzz_u16(&in);
    size_t len = 3;
    frame[0] = type;
    frame[1] = (uint8_t)seq;
    frame[2] = (uint8_t)(seq >> 8);
    if (type == 0x02 && !(op & 0x40)) len += call_payload(&in, frame + 3, sizeof frame - 7);
    else if ((type == 0x03 || type == 0x04) && !(op & 0x40)) {
      /* A cert (64) or a beacon (72) of the input's bytes, zero-filled when the input runs out. */
      size_t want = type == 0x03 ? 64 : 72;
      n = fuzz_bytes(&in, want, &bytes);
      memcpy(frame + 3, bytes, n);
      memset(frame + 3 + n, 0, want - n);
      len += want;
    } else {
      n = fuzz_bytes(&in, fuzz_u8(&in), &bytes);
      memcpy(frame + 3, bytes, n);
      len += n;
    }
    uint32_t crc = crc32(frame, len) ^ (op & 0x20 ? 1u : 0u); /* sometimes broken on purpose */
    memcpy(frame + len, &crc, 4);
    send_slip(frame, len + 4);
  }
  return 0;
}
