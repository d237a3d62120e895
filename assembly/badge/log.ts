// Human-readable lines for the host's console (the `host.log` import):
// link drops and their reasons, identity creation. The core never depends
// on them; firmware may print them or not. Texts are encoded while the
// module starts, lines are built in a fixed buffer.

@external("host", "log")
declare function hostLog(ptr: usize, len: u32): void;

const LINE_CAP: u32 = 120;
const line: usize = memory.data(<i32>(<usize>LINE_CAP));
let at: u32 = 0;

export function text(s: string): ArrayBuffer { return String.UTF8.encode(s); }

function put(ptr: usize, len: u32): void {
  const n = min(len, LINE_CAP - at);
  memory.copy(line + <usize>at, ptr, <usize>n);
  at += n;
}

function putText(t: ArrayBuffer): void { put(changetype<usize>(t), <u32>t.byteLength); }

function putNumber(v: i64): void {
  if (v < 0) { store<u8>(line + <usize>min(at, LINE_CAP - 1), 0x2d); at = min(at + 1, LINE_CAP); v = -v; }
  let digits: i32 = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  if (at + <u32>digits > LINE_CAP) return;
  for (let i = digits - 1; i >= 0; i--) { store<u8>(line + <usize>at + <usize>i, <u8>(0x30 + v % 10)); v /= 10; }
  at += <u32>digits;
}

/** Logs "<what> <n>: <why>" (n omitted when negative). */
export function logEvent(what: ArrayBuffer, n: i64, why: ArrayBuffer): void {
  at = 0;
  putText(what);
  if (n >= 0) { store<u8>(line + <usize>at, 0x20); at++; putNumber(n); }
  store<u8>(line + <usize>at, 0x3a); store<u8>(line + <usize>at + 1, 0x20); at += 2;
  putText(why);
  hostLog(line, at);
}
