import { WireReader, WireWriter } from '../sync/wire';
import { Advert, readAdvert, writeAdvert, ADV_SIZE } from '../sync/advert';
import { clockStart, meshNow, clockObserve, clockCap, clockBeacon, STEP, SLEW_BURST, DRIFT } from '../badge/clock';

const r = new WireReader();
const w = new WireWriter();

function varintOf(h: string): u32 {
  const p = bytes(h);
  r.reset(p, h.length >> 1);
  return r.varint();
}

describe('wire: varints (LEB128, at most 5 bytes, u32)', () => {
  it('decodes one- and multi-byte values up to 2^32 - 1', () => {
    expect(varintOf('00')).toBe(0);
    expect(r.failed).toBe(false);
    expect(varintOf('7f')).toBe(127);
    expect(varintOf('8001')).toBe(128);
    expect(varintOf('e58e26')).toBe(624485);
    expect(varintOf('ffffffff0f')).toBe(0xffffffff);
    expect(r.failed).toBe(false);
  });

  it('refuses truncated, overlong and out-of-range varints', () => {
    varintOf('80'); expect(r.failed).toBe(true);
    varintOf(''); expect(r.failed).toBe(true);
    varintOf('ffffffff1f'); expect(r.failed).toBe(true); // > 2^32 - 1
    varintOf('808080808000'); expect(r.failed).toBe(true); // six bytes
  });

  it('round-trips through the writer, and the writer stops at its end', () => {
    const p = heap.alloc(16);
    const values: u32[] = [0, 1, 127, 128, 16383, 16384, 0x7fffffff, 0xffffffff];
    for (let i = 0; i < values.length; i++) {
      w.reset(p, 16);
      w.varint(values[i]);
      r.reset(p, w.length());
      expect(r.varint()).toBe(values[i]);
      expect(r.remaining()).toBe(0);
    }
    w.reset(p, 3);
    w.u64(1);
    expect(w.failed).toBe(true);
    r.reset(p, 7);
    r.u64();
    expect(r.failed).toBe(true);
    expect(r.span(1)).toBe(0);
  });
});

const id = bytes('a1b2c3d4');
const a = new Advert();
const T: u64 = 1_760_000_000_000;

describe('advertisement (23 bytes, legacy)', () => {
  it('round-trips and fits a legacy advertisement', () => {
    const p = heap.alloc(31);
    writeAdvert(p, id, 77, 0x0102030405060708, 2);
    expect(ADV_SIZE).toBeLessThanOrEqual(31);
    expect(readAdvert(p, ADV_SIZE, a)).toBe(true);
    expect(a.id).toBe(0xa1b2c3d4);
    expect(a.items).toBe(77);
    expect(a.fp).toBe(0x0102030405060708);
    expect(a.free).toBe(2);
  });

  it('finds its structure after others, and ignores everything else', () => {
    const p = bytes('020106' + '0309abcd' + '13ffffffb3a1b2c3d40100' + '0807060504030201' + '03');
    expect(readAdvert(p, 27, a)).toBe(true);
    expect(a.items).toBe(1);
    expect(readAdvert(p, 26, a)).toBe(false); // its last byte cut off
    expect(readAdvert(bytes('020106' + '13ff5900b3a1b2c3d40100' + '0807060504030201' + '03'), 23, a)).toBe(false); // another company
    expect(readAdvert(bytes('020106' + '13ffffffb2a1b2c3d40100' + '0807060504030201' + '03'), 23, a)).toBe(false); // another version (2: unkeyed fingerprints)
    expect(readAdvert(bytes('020106' + '12ffffffb3a1b2c3d40100' + '08070605040302'), 22, a)).toBe(false); // wrong length
    expect(readAdvert(bytes('ff'), 1, a)).toBe(false);
    expect(readAdvert(bytes('00'), 1, a)).toBe(false);
    expect(readAdvert(heap.alloc(40), 40, a)).toBe(false); // longer than 31
  });
});

describe('mesh clock', () => {
  it('starts at the floor and never goes backwards', () => {
    clockStart(0, T);
    expect(meshNow(0)).toBe(T);
    expect(meshNow(1000)).toBe(T + 1000);
    expect(meshNow(500)).toBe(T + 1000); // local time going back does not move it back
    clockStart(5000, 0);
    expect(meshNow(5000)).toBe(5000);
  });

  it('catches up with a neighbour by at most STEP at once, and with all of them no further than the cap', () => {
    clockStart(0, T);
    clockObserve(T + 30_000, 7, 0);
    expect(meshNow(0)).toBe(T + 30_000);
    clockObserve(T + 10_000, 7, 0); // behind us: nothing
    expect(meshNow(0)).toBe(T + 30_000);
    const far = T + 3_600_000;
    clockObserve(far, 7, 0);
    expect(meshNow(0)).toBe(T + 90_000); // one STEP
    expect(STEP).toBe(60_000);
    for (let i = 0; i < 20; i++) clockObserve(far, 7, 0); // any number of neighbours: the budget is the badge's
    expect(meshNow(0)).toBe(T + SLEW_BURST); // the anchor (the clock at start) plus the burst
    expect(clockCap(0)).toBe(T + SLEW_BURST);
    // An hour later the cap has moved with local time and DRIFT of it (200 ppm: 720 ms), no more.
    clockObserve(far + 3_600_000, 7, 3_600_000);
    clockObserve(far + 3_600_000, 7, 3_600_000);
    expect(DRIFT).toBe(5000);
    expect(meshNow(3_600_000)).toBe(T + SLEW_BURST + 3_600_000 + 720);
    // A day of pushing: still the burst and 200 ppm of the day ahead of the anchor, not a minute an hour.
    clockObserve(far + 86_400_000, 7, 86_400_000);
    clockObserve(far + 86_400_000, 7, 86_400_000);
    clockObserve(far + 86_400_000, 7, 86_400_000);
    expect(meshNow(86_400_000)).toBe(T + SLEW_BURST + 86_400_000 + 17_280);
  });

  it('a pushed neighbour pushes no further than the cap: the anchor is evidence, not the clock', () => {
    clockStart(0, T);
    for (let i = 0; i < 5; i++) clockObserve(T + 3_600_000, 7, 0);
    expect(meshNow(0)).toBe(T + SLEW_BURST);
    clockObserve(T + SLEW_BURST + STEP, 7, 1000); // a badge already at its cap, one STEP further on
    expect(meshNow(1000)).toBe(T + 1000 + SLEW_BURST);
  });

  it('with no evidence of the time, takes what two proven neighbours agree on, once (C6)', () => {
    const far = T + 3_600_000;
    clockStart(0, 0); // no hint, nothing stored
    clockObserve(far, 1, 0);
    clockObserve(far + 1000, 1, 0); // the same neighbour again: no second opinion (its newer claim replaces the old)
    expect(meshNow(0)).toBeLessThan(far);
    clockObserve(far + 2000, 2, 0); // another key within the skew bound: the earlier of the two
    expect(meshNow(0)).toBe(far + 1000);
    clockObserve(far + 3_600_000, 3, 0); // anchored now: the cap holds
    clockObserve(far + 3_600_000, 4, 0);
    expect(meshNow(0)).toBe(far + 1000 + 2 * STEP);
    clockStart(0, T); // with a floor it is anchored from the start: two neighbours do not fling it
    clockObserve(far, 1, 0);
    clockObserve(far, 2, 0);
    expect(meshNow(0)).toBe(T + 2 * STEP);
  });

  it('jumps to a verified beacon\'s time, and never back', () => {
    clockStart(0, T);
    clockBeacon(T + 7_200_000, 10);
    expect(meshNow(10)).toBe(T + 7_200_000);
    expect(clockCap(10)).toBe(T + 7_200_000 + SLEW_BURST); // the beacon is the anchor now
    clockBeacon(T, 20); // older: nothing
    expect(meshNow(20)).toBe(T + 7_200_010);
    expect(clockCap(20)).toBe(T + 7_200_010 + SLEW_BURST);
  });
});
