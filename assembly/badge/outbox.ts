// The outbox: what the badge asks its host to do, drained by the host
// after every call (badge_outbox). Records, in order:
//   kind u8 | 0 u8 | link u16 | length u16 | payload
// Kinds and payloads are in docs/ABI.md. Rules:
//   O1 Fixed capacity. Radio work (ADVERTISE, CONNECT, DISCONNECT, SEND)
//      is produced only when it fits (link.ts pumps frames while there is
//      room), so none of it is ever dropped.
//   O2 Notes (STORED) are for the host's display and telemetry; when the
//      outbox is full a note is dropped and counted, never radio work.
//   O3 The host drains it after every call, so it holds what one call
//      makes: at most TX_WINDOW frames per link, an advertisement, a
//      connect and the disconnects, and a few notes (OUTBOX_CAP,
//      profile.ts). Radio work that does not fit waits in its link for
//      the next call (O1).

import { OUTBOX_CAP } from '../profile';
export { OUTBOX_CAP };
export const RECORD_HEADER: u32 = 6;

export const ADVERTISE: u8 = 1;
export const CONNECT: u8 = 2;
export const DISCONNECT: u8 = 3;
export const SEND: u8 = 4;
export const STORED: u8 = 5;

const buf: usize = memory.data(<i32>(<usize>OUTBOX_CAP));
let used: u32 = 0;
let dropped: u32 = 0;

export function outboxRoom(): u32 { return OUTBOX_CAP - used; }
export function outboxDropped(): u32 { return dropped; }
export function outboxClear(): void { used = 0; }

/** Appends a record whose payload the caller writes at the returned address; 0 when it does not fit. */
export function outboxPut(kind: u8, link: u32, len: u32): usize {
  if (RECORD_HEADER + len > OUTBOX_CAP - used) {
    if (kind == STORED) dropped++;
    return 0;
  }
  const p = buf + <usize>used;
  store<u8>(p, kind);
  store<u8>(p, 0, 1);
  store<u16>(p, <u16>link, 2);
  store<u16>(p, <u16>len, 4);
  used += RECORD_HEADER + len;
  return p + <usize>RECORD_HEADER;
}

/** Moves as many whole records as fit into [out, out + cap) and returns the bytes moved. */
export function outboxDrain(out: usize, cap: u32): u32 {
  let n: u32 = 0;
  while (n < used) {
    const size = RECORD_HEADER + <u32>load<u16>(buf + <usize>n, 4);
    if (n + size > cap) break;
    n += size;
  }
  memory.copy(out, buf, <usize>n);
  memory.copy(buf, buf + <usize>n, <usize>(used - n));
  used -= n;
  return n;
}
