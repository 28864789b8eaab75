import { describe, expect, it } from 'vitest';
import {
  ClockMovedBackwardsError,
  ClockStalledError,
  InvalidGeneratorIdError,
  InvalidTimestampError,
  SnowflakeGenerator,
  deconstruct,
  parseSnowflake,
} from './index';

const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let now = start;
  return {
    read: () => now,
    set: (ms: number) => {
      now = ms;
    },
  };
}

describe('SnowflakeGenerator', () => {
  it('stamps worker, process, time and increments within one millisecond', () => {
    const clock = manualClock();
    const gen = new SnowflakeGenerator({ workerId: 7, processId: 19, clock: clock.read });
    const a = deconstruct(gen.next());
    const b = deconstruct(gen.next());
    clock.set(T0 + 1);
    const c = deconstruct(gen.next());
    expect(a).toMatchObject({ timestampMs: T0, workerId: 7, processId: 19, increment: 0 });
    expect(b).toMatchObject({ timestampMs: T0, workerId: 7, processId: 19, increment: 1 });
    expect(c).toMatchObject({ timestampMs: T0 + 1, workerId: 7, processId: 19, increment: 0 });
  });

  it('issues 100k strictly increasing, unique ids on the real clock', () => {
    const gen = new SnowflakeGenerator({ workerId: 1, processId: 0 });
    let previous = -1n;
    let notIncreasing = 0;
    const seen = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < 100_000; i++) {
      const id = gen.next();
      const value = parseSnowflake(id);
      if (value <= previous) notIncreasing += 1;
      previous = value;
      seen.add(id);
    }
    expect(notIncreasing).toBe(0);
    expect(seen.size).toBe(100_000);
    const last = deconstruct(previous);
    expect(last.timestampMs).toBeGreaterThanOrEqual(started);
    expect(last.timestampMs).toBeLessThanOrEqual(Date.now());
  });

  it('waits for the next millisecond after 4096 ids in one, never overflowing into the process bits', () => {
    let now = T0;
    let reads = 0;
    let readsAtT0AfterFull = 0;
    // Stays at T0 for the 4096 ids plus 50 more reads (the busy wait), then moves on.
    const clock = () => {
      reads += 1;
      if (reads > 4096) readsAtT0AfterFull += 1;
      if (readsAtT0AfterFull > 50) now = T0 + 1;
      return now;
    };
    const gen = new SnowflakeGenerator({ workerId: 3, processId: 4, clock });
    const ids = Array.from({ length: 4097 }, () => gen.next());
    const last4096 = deconstruct(ids[4095]!);
    const overflowed = deconstruct(ids[4096]!);
    expect(last4096).toMatchObject({ timestampMs: T0, increment: 4095, workerId: 3, processId: 4 });
    expect(overflowed).toMatchObject({ timestampMs: T0 + 1, increment: 0, workerId: 3, processId: 4 });
    expect(parseSnowflake(ids[4096]!) > parseSnowflake(ids[4095]!)).toBe(true);
    expect(readsAtT0AfterFull).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(4097);
  });

  it('throws ClockStalledError instead of spinning forever on a frozen clock', () => {
    const gen = new SnowflakeGenerator({ workerId: 0, processId: 0, clock: () => T0, maxWaitMs: 20 });
    for (let i = 0; i < 4096; i++) gen.next();
    let caught: unknown;
    try {
      gen.next();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClockStalledError);
    expect((caught as ClockStalledError).stuckAtMs).toBe(T0);
    expect((caught as ClockStalledError).waitedMs).toBeGreaterThanOrEqual(20);
  });

  it('refuses to issue ids when the clock runs backwards, naming the drift, and resumes once it catches up', () => {
    const clock = manualClock();
    const gen = new SnowflakeGenerator({ workerId: 1, processId: 1, clock: clock.read });
    const before = gen.next();
    clock.set(T0 - 5);
    let caught: unknown;
    try {
      gen.next();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClockMovedBackwardsError);
    const err = caught as ClockMovedBackwardsError;
    expect(err.driftMs).toBe(5);
    expect(err.lastTimestampMs).toBe(T0);
    expect(err.nowMs).toBe(T0 - 5);
    expect(err.message).toContain('clock moved backwards by 5 ms');

    // Still behind: still refused.
    clock.set(T0 - 1);
    expect(() => gen.next()).toThrow(ClockMovedBackwardsError);
    // Back at the same millisecond: continues with the next increment, no duplicate.
    clock.set(T0);
    const same = gen.next();
    expect(deconstruct(same).increment).toBe(1);
    expect(parseSnowflake(same) > parseSnowflake(before)).toBe(true);
  });

  it('detects the clock going back during the overflow wait', () => {
    let reads = 0;
    const clock = () => (++reads > 4096 ? T0 - 2 : T0);
    const gen = new SnowflakeGenerator({ workerId: 0, processId: 0, clock });
    for (let i = 0; i < 4096; i++) gen.next();
    expect(() => gen.next()).toThrow(ClockMovedBackwardsError);
  });

  it.each([
    ['workerId', { workerId: 32, processId: 0 }],
    ['workerId', { workerId: -1, processId: 0 }],
    ['workerId', { workerId: 1.5, processId: 0 }],
    ['workerId', { workerId: Number.NaN, processId: 0 }],
    ['processId', { workerId: 0, processId: 32 }],
    ['processId', { workerId: 31, processId: -3 }],
  ] as const)('rejects %s out of 0..31: %j', (field, options) => {
    let caught: unknown;
    try {
      new SnowflakeGenerator(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidGeneratorIdError);
    expect((caught as InvalidGeneratorIdError).field).toBe(field);
  });

  it('accepts the edges 0 and 31', () => {
    expect(deconstruct(new SnowflakeGenerator({ workerId: 31, processId: 31 }).next())).toMatchObject({
      workerId: 31,
      processId: 31,
    });
    expect(deconstruct(new SnowflakeGenerator({ workerId: 0, processId: 0 }).next())).toMatchObject({
      workerId: 0,
      processId: 0,
    });
  });

  it('rejects a clock outside the snowflake range', () => {
    const gen = new SnowflakeGenerator({ workerId: 0, processId: 0, clock: () => 1_000 });
    expect(() => gen.next()).toThrow(InvalidTimestampError);
  });
});
