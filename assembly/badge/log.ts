// Human-readable lines for the host's console (the `host.log` import):
// link drops and their reasons. The core never depends on them; firmware
// may print them or not. Lines are built in a fixed buffer.

@external("host", "log")
declare function hostLog(ptr: usize, len: u32): void;

const LINE_CAP: u32 = 120;
const line: usize = memory.data(<i32>(<usize>LINE_CAP));
let at: u32 = 0;

/**
 * Appends an ASCII text: each char's low byte. The texts are the core's own
 * literals, all ASCII, so this needs no UTF-8 encoder in the module.
 */
function putText(s: string): void {
  const n = min(<u32>s.length, LINE_CAP - at);
  for (let i: u32 = 0; i < n; i++) store<u8>(line + <usize>(at + i), <u8>s.charCodeAt(<i32>i));
  at += n;
}

function putNumber(v: u32): void {
  let digits: u32 = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  if (at + digits > LINE_CAP) return;
  for (let i = digits; i > 0; i--) { store<u8>(line + <usize>(at + i - 1), <u8>(0x30 + v % 10)); v /= 10; }
  at += digits;
}

/** Logs "<what> <n>: <why>". */
export function logEvent(what: string, n: u32, why: string): void {
  at = 0;
  putText(what);
  putText(' ');
  putNumber(n);
  putText(': ');
  putText(why);
  hostLog(line, at);
}
