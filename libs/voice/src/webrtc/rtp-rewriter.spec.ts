import { describe, expect, it } from 'vitest';
import { RtpRewriter } from './rtp-rewriter';

function rewriter(clock: { ms: number }, start = { sequence: 100, timestamp: 1000 }) {
  return new RtpRewriter(() => clock.ms, start);
}

describe('RtpRewriter', () => {
  it('keeps one source\'s spacing: +1 sequence and +960 per frame, the marker only on the first', () => {
    const clock = { ms: 0 };
    const r = rewriter(clock);
    expect(r.next({ ssrc: 7, sequence: 50, timestamp: 9000 })).toEqual({ sequence: 100, timestamp: 1000, marker: true });
    expect(r.next({ ssrc: 7, sequence: 51, timestamp: 9960 })).toEqual({ sequence: 101, timestamp: 1960, marker: false });
    // A lost packet stays visible as a gap of 2.
    expect(r.next({ ssrc: 7, sequence: 53, timestamp: 11_880 })).toEqual({ sequence: 103, timestamp: 3880, marker: false });
  });

  it('drops duplicates and late (reordered) packets so the stream never runs backwards', () => {
    const r = rewriter({ ms: 0 });
    r.next({ ssrc: 7, sequence: 10, timestamp: 0 });
    r.next({ ssrc: 7, sequence: 11, timestamp: 960 });
    expect(r.next({ ssrc: 7, sequence: 11, timestamp: 960 })).toBeNull();
    expect(r.next({ ssrc: 7, sequence: 9, timestamp: 0 })).toBeNull();
    expect(r.next({ ssrc: 7, sequence: 12, timestamp: 1920 })).toMatchObject({ sequence: 102, timestamp: 2920 });
  });

  it('on a switch of speaker: +1 sequence, the wall-clock time (at least one frame) on the timestamp, and the marker', () => {
    const clock = { ms: 0 };
    const r = rewriter(clock);
    r.next({ ssrc: 7, sequence: 10, timestamp: 0 });
    clock.ms = 500;
    expect(r.next({ ssrc: 8, sequence: 60_000, timestamp: 4_000_000_000 })).toEqual({ sequence: 101, timestamp: 1000 + 500 * 48, marker: true });
    // Overlapping speakers (no time between packets) still advance by one frame each: they interleave.
    expect(r.next({ ssrc: 7, sequence: 11, timestamp: 960 })).toEqual({ sequence: 102, timestamp: 1000 + 500 * 48 + 960, marker: true });
  });

  it('treats a jump within one source (seek, restart) as a discontinuity', () => {
    const clock = { ms: 0 };
    const r = rewriter(clock);
    r.next({ ssrc: 7, sequence: 10, timestamp: 0 });
    clock.ms = 40;
    expect(r.next({ ssrc: 7, sequence: 5000, timestamp: 960 })).toEqual({ sequence: 101, timestamp: 1000 + 40 * 48, marker: true });
  });

  it('wraps sequence at 2^16 and timestamp at 2^32', () => {
    const r = rewriter({ ms: 0 }, { sequence: 0xffff, timestamp: 0xffffffff - 100 });
    r.next({ ssrc: 1, sequence: 0xffff, timestamp: 0xffffff00 });
    expect(r.next({ ssrc: 1, sequence: 0, timestamp: (0xffffff00 + 960) >>> 0 })).toEqual({ sequence: 0, timestamp: 859, marker: false });
  });
});
