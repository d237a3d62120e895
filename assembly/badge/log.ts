// Human-readable lines for the host's console (the `env.host_log` import):
// link drops and their reasons. The core never depends on them; firmware
// may print them or not. Lines are built in a fixed buffer.

@external("env", "host_log")
declare function hostLog(ptr: usize, len: u32): void;

const LINE_CAP: u32 = 120;
const line: usize = memory.data(<i32>(<usize>LINE_CAP));
let at: u32 = 0;

/** Appends one byte, when the line has room for it. */
function putByte(c: u32): void {
  if (at < LINE_CAP) { store<u8>(line + <usize>at, <u8>c); at++; }
}

/**
 * Appends field k of texts, a list of '|'-separated ASCII texts: each char's
 * low byte. The texts are the core's own literals, all ASCII, so this needs
 * no UTF-8 encoder in the module.
 */
function putText(texts: string, k: i32): void {
  // A string is UTF-16 code units; i < texts.length, so no bounds check (charCodeAt's) is needed.
  for (let i = 0; i < texts.length; i++) {
    const c = <u32>load<u16>(changetype<usize>(texts) + (<usize>i << 1));
    if (c == 0x7c) k--; // '|'
    else if (k == 0) putByte(c);
  }
}

/** Appends v in decimal. */
function putNumber(v: u32): void {
  if (v >= 10) putNumber(v / 10);
  putByte(0x30 + v % 10);
}

/** Logs "<what> <n>: <why>", what and why being fields of texts (see putText). */
export function logEvent(texts: string, what: i32, n: u32, why: i32): void {
  at = 0;
  putText(texts, what);
  putByte(0x20); // ' '
  putNumber(n);
  putByte(0x3a); // ':'
  putByte(0x20);
  putText(texts, why);
  hostLog(line, at);
}
