import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window';

describe('RateWindow', () => {
  it('allows `limit` events per window and refuses the next one inside it', () => {
    let now = 0;
    const window = new RateWindow(3, 1_000, () => now);
    expect([window.hit(), window.hit(), window.hit()]).toEqual([true, true, true]);
    now = 999;
    expect(window.hit()).toBe(false);
  });

  it('allows again once the oldest event left the window', () => {
    let now = 0;
    const window = new RateWindow(2, 1_000, () => now);
    window.hit();
    now = 500;
    window.hit();
    now = 1_000;
    expect(window.hit()).toBe(true);
    now = 1_200;
    expect(window.hit()).toBe(false);
  });
});
