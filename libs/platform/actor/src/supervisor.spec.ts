import { describe, expect, it } from 'vitest';
import type { ActorClock } from './clock';
import { InvalidActorOptionsError } from './errors';
import { backoffDelay, DEFAULT_BACKOFF, resolveSupervision, RestartTracker } from './supervisor';

const manualClock = () => {
  const clock = { t: 0, now: () => clock.t, setTimeout: () => 0, clearTimeout: () => {} };
  return clock satisfies ActorClock;
};
const failure = { actorId: 'a', phase: 'receive' as const, messageType: 'm' };

describe('backoffDelay', () => {
  const backoff = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 };

  it('grows by the multiplier and caps at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, backoff, Math.random))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('spreads by jitter using the injected random, clamped to maxMs', () => {
    const jittered = { ...backoff, jitter: 0.5 };
    expect(backoffDelay(1, jittered, () => 0)).toBe(50);
    expect(backoffDelay(1, jittered, () => 0.5)).toBe(100);
    expect(backoffDelay(1, jittered, () => 0.999_999)).toBe(150);
    expect(backoffDelay(10, jittered, () => 0.999_999)).toBe(1_000);
  });

  it('does not overflow for huge attempt numbers', () => {
    expect(backoffDelay(10_000, backoff, Math.random)).toBe(1_000);
  });
});

describe('resolveSupervision', () => {
  it('fills defaults', () => {
    expect(resolveSupervision('a')).toEqual({ directive: 'restart', backoff: DEFAULT_BACKOFF, maxRestarts: 10, withinMs: 60_000 });
  });

  it.each([
    [{ backoff: { initialMs: -1 } }, 'backoff.initialMs'],
    [{ backoff: { initialMs: 500, maxMs: 100 } }, 'backoff.maxMs'],
    [{ backoff: { multiplier: 0.9 } }, 'backoff.multiplier'],
    [{ backoff: { jitter: -0.1 } }, 'backoff.jitter'],
    [{ maxRestarts: 1.5 }, 'maxRestarts'],
    [{ withinMs: 0 }, 'withinMs'],
  ])('rejects %j naming option %s', (policy, option) => {
    expect(() => resolveSupervision('a', policy)).toThrow(InvalidActorOptionsError);
    expect(() => resolveSupervision('a', policy)).toThrow(expect.objectContaining({ option }));
  });
});

describe('RestartTracker', () => {
  it('restarts with growing delays until the window limit, then stops', () => {
    const clock = manualClock();
    const tracker = new RestartTracker(resolveSupervision('a', { maxRestarts: 3, withinMs: 1_000 }), clock, Math.random);
    const decisions = [1, 2, 3, 4].map(() => tracker.decide(new Error(), failure));
    expect(decisions).toEqual([
      { action: 'restart', delayMs: 100 },
      { action: 'restart', delayMs: 200 },
      { action: 'restart', delayMs: 400 },
      { action: 'stop', reason: 'restart-limit' },
    ]);
  });

  it('counts only restarts inside the sliding window', () => {
    const clock = manualClock();
    const tracker = new RestartTracker(resolveSupervision('a', { maxRestarts: 2, withinMs: 1_000 }), clock, Math.random);
    tracker.decide(new Error(), failure);
    clock.t = 600;
    tracker.decide(new Error(), failure);
    clock.t = 1_000;
    expect(tracker.decide(new Error(), failure).action).toBe('restart');
    clock.t = 1_100;
    expect(tracker.decide(new Error(), failure)).toEqual({ action: 'stop', reason: 'restart-limit' });
  });

  it('starts the backoff over after a success', () => {
    const tracker = new RestartTracker(resolveSupervision('a'), manualClock(), Math.random);
    tracker.decide(new Error(), failure);
    tracker.decide(new Error(), failure);
    tracker.succeeded();
    expect(tracker.decide(new Error(), failure)).toEqual({ action: 'restart', delayMs: 100 });
  });

  it('maps resume on activation to restart, and stop to stop', () => {
    const resume = new RestartTracker(resolveSupervision('a', { directive: 'resume' }), manualClock(), Math.random);
    expect(resume.decide(new Error(), failure)).toEqual({ action: 'resume' });
    expect(resume.decide(new Error(), { actorId: 'a', phase: 'activate' }).action).toBe('restart');
    const stop = new RestartTracker(resolveSupervision('a', { directive: 'stop' }), manualClock(), Math.random);
    expect(stop.decide(new Error(), failure)).toEqual({ action: 'stop', reason: 'failed' });
  });

  it('stops at the first failure with maxRestarts 0', () => {
    const tracker = new RestartTracker(resolveSupervision('a', { maxRestarts: 0 }), manualClock(), Math.random);
    expect(tracker.decide(new Error(), failure)).toEqual({ action: 'stop', reason: 'restart-limit' });
  });
});
