// Human-readable lines for the host's console (the `host.log` import):
// link drops and their reasons. The core never depends on them; firmware
// may print them or not. Lines are built in a fixed buffer.

@external("host", "log")
declare function hostLog(ptr: usize, len: u32): void;

const LINE_CAP: u32 = 120;
const line: usize = memory.data(<i32>(<usize>LINE_CAP));
let at: u32 = 0;

/** Appends one byte, when the line has room for it. */
function putByte(c: u32): void {
  if (at < LINE_CAP) { store<u8>(line + <usize>at, <u8>c); at++; }
}

/**
 * Appends an ASCII text: each char's low byte. The texts are the core's own
 * literals, all ASCII, so this needs no UTF-8 encoder in the module.
 */
function putText(s: string): void {
  // A string is UTF-16 code units; i < s.length, so no bounds check (charCodeAt's) is needed.
  for (let i = 0; i < s.length; i++) putByte(<u32>load<u16>(changetype<usize>(s) + (<usize>i << 1)));
}

/** Appends v in decimal. */
function putNumber(v: u32): void {
  if (v >= 10) putNumber(v / 10);
  putByte(0x30 + v % 10);
}

/** Logs "<what> <n>: <why>". */
export function logEvent(what: string, n: u32, why: string): void {
  at = 0;
  putText(what);
  putByte(0x20); // ' '
  putNumber(n);
  putByte(0x3a); // ':'
  putByte(0x20);
  putText(why);
  hostLog(line, at);
}
