import { describe, expect, it } from 'vitest';
import { ReplayWindow } from './replay-window';

function offer(w: ReplayWindow, counter: number): boolean {
  if (!w.check(counter)) return false;
  w.accept(counter);
  return true;
}

describe('ReplayWindow', () => {
  it('accepts each counter once, in order or reordered within the window', () => {
    const w = new ReplayWindow(64);
    expect(offer(w, 1)).toBe(true);
    expect(offer(w, 1)).toBe(false);
    expect(offer(w, 5)).toBe(true);
    expect(offer(w, 3)).toBe(true);
    expect(offer(w, 3)).toBe(false);
    expect(offer(w, 2)).toBe(true);
    expect(offer(w, 5)).toBe(false);
  });

  it('rejects counters 64 or more below the highest', () => {
    const w = new ReplayWindow(64);
    expect(offer(w, 100)).toBe(true);
    expect(offer(w, 37)).toBe(true); // age 63
    expect(offer(w, 36)).toBe(false); // age 64
    expect(offer(w, 200)).toBe(true); // a jump past the window clears it
    expect(offer(w, 100)).toBe(false);
    expect(offer(w, 199)).toBe(true);
  });

  it('accepts 0 first and the top of the 32-bit range', () => {
    const w = new ReplayWindow();
    expect(offer(w, 0)).toBe(true);
    expect(offer(w, 0)).toBe(false);
    expect(offer(w, 0xffffffff)).toBe(true);
    expect(offer(w, 0xffffffff)).toBe(false);
  });

  it('check does not record; reset forgets', () => {
    const w = new ReplayWindow();
    expect(w.check(9)).toBe(true);
    expect(w.check(9)).toBe(true);
    w.accept(9);
    expect(w.check(9)).toBe(false);
    w.reset();
    expect(w.check(9)).toBe(true);
  });

  it('never accepts a counter twice across a random sequence', () => {
    const w = new ReplayWindow(64);
    const seen = new Set<number>();
    let top = 0;
    for (let i = 0; i < 5000; i++) {
      const c = Math.max(0, top + Math.floor(Math.random() * 80) - 70);
      top = Math.max(top, c);
      const ok = offer(w, c);
      if (ok) {
        expect(seen.has(c)).toBe(false);
        seen.add(c);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
