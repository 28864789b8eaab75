import { CancelledError, OverloadedError } from '@chat/errors';
import { toGrpcStatus } from '@chat/rpc';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AcquireCancelledError, SemaphoreQueueFullError, SemaphoreTimeoutError } from './errors';
import { Semaphore, type RejectReason, type SemaphoreState } from './semaphore';

/** Resolves after pending promise callbacks ran (works under fake timers too). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function observed(settings: { maxConcurrent: number; maxQueued: number; maxWaitMs?: number }) {
  const states: SemaphoreState[] = [];
  const rejects: RejectReason[] = [];
  const waits: number[] = [];
  const semaphore = new Semaphore({
    name: 'db',
    ...settings,
    onChange: (state) => states.push(state),
    onReject: (reason) => rejects.push(reason),
    onAcquire: (ms) => waits.push(ms),
  });
  return { semaphore, states, rejects, waits };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Semaphore: permits and queue', () => {
  it('grants up to maxConcurrent at once, then queues', async () => {
    const { semaphore } = observed({ maxConcurrent: 2, maxQueued: 5 });
    await semaphore.acquire();
    await semaphore.acquire();
    expect(semaphore.inUse).toBe(2);
    let third = false;
    void semaphore.acquire().then(() => (third = true));
    await settle();
    expect(third).toBe(false);
    expect(semaphore.queued).toBe(1);
  });

  it('hands permits to waiters in arrival order', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 10 });
    const first = await semaphore.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => semaphore.acquire().then((release) => (order.push(n), release)));
    first();
    (await waiting[0]!)();
    (await waiting[1]!)();
    (await waiting[2]!)();
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.inUse).toBe(0);
    expect(semaphore.queued).toBe(0);
  });

  it('refuses at once when the queue is full, with an OverloadedError that maps to RESOURCE_EXHAUSTED', async () => {
    const { semaphore, rejects } = observed({ maxConcurrent: 1, maxQueued: 2 });
    await semaphore.acquire();
    const queued = [semaphore.acquire(), semaphore.acquire()];
    const error = await semaphore.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SemaphoreQueueFullError);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as SemaphoreQueueFullError).maxQueued).toBe(2);
    expect(toGrpcStatus(error).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(rejects).toEqual(['queue_full']);
    expect(semaphore.queued).toBe(2);
    void queued;
  });

  it('with maxQueued 0 never makes anyone wait', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 0 });
    await semaphore.acquire();
    await expect(semaphore.acquire()).rejects.toBeInstanceOf(SemaphoreQueueFullError);
  });

  it('ignores a second call of the same release', async () => {
    const { semaphore } = observed({ maxConcurrent: 2, maxQueued: 0 });
    const release = await semaphore.acquire();
    await semaphore.acquire();
    release();
    release();
    expect(semaphore.inUse).toBe(1);
    await semaphore.acquire();
    await expect(semaphore.acquire()).rejects.toBeInstanceOf(SemaphoreQueueFullError);
  });

  it('refuses bad bounds', () => {
    expect(() => new Semaphore({ maxConcurrent: 0, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new Semaphore({ maxConcurrent: 1, maxQueued: -1 })).toThrow(RangeError);
  });
});

describe('Semaphore: deadlines and cancellation', () => {
  it('rejects a queued caller when its deadline passes and takes it off the queue', async () => {
    vi.useFakeTimers();
    const { semaphore, rejects } = observed({ maxConcurrent: 1, maxQueued: 5 });
    const held = await semaphore.acquire();
    const waiting = semaphore.acquire({ deadline: new Date(Date.now() + 100) });
    const outcome = waiting.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(semaphore.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(SemaphoreTimeoutError);
    expect(toGrpcStatus(error).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(semaphore.queued).toBe(0);
    expect(rejects).toEqual(['deadline']);
    // The permit is not lost: releasing it frees the semaphore.
    held();
    expect(semaphore.inUse).toBe(0);
  });

  it('refuses at once when the deadline has already passed and no permit is free', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 5 });
    await semaphore.acquire();
    await expect(semaphore.acquire({ deadline: new Date(Date.now() - 1) })).rejects.toBeInstanceOf(SemaphoreTimeoutError);
    expect(semaphore.queued).toBe(0);
  });

  it('still grants a free permit to a caller whose deadline passed (the call itself will fail on time)', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 0 });
    await expect(semaphore.acquire({ deadline: new Date(Date.now() - 1) })).resolves.toBeTypeOf('function');
  });

  it('bounds the wait of a caller without a deadline by maxWaitMs', async () => {
    vi.useFakeTimers();
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 5, maxWaitMs: 250 });
    await semaphore.acquire();
    const outcome = semaphore.acquire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(250);
    expect(await outcome).toBeInstanceOf(SemaphoreTimeoutError);
  });

  it('rejects a queued caller whose signal aborts; it never gets the permit', async () => {
    const { semaphore, rejects } = observed({ maxConcurrent: 1, maxQueued: 5 });
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const cancelled = semaphore.acquire({ signal: controller.signal });
    const next = semaphore.acquire();
    controller.abort();
    const error = await cancelled.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcquireCancelledError);
    expect(error).toBeInstanceOf(CancelledError);
    held();
    (await next)();
    expect(semaphore.inUse).toBe(0);
    expect(rejects).toEqual(['cancelled']);
  });

  it('rejects at once for an already aborted signal', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 1 });
    const controller = new AbortController();
    controller.abort();
    await expect(semaphore.acquire({ signal: controller.signal })).rejects.toBeInstanceOf(AcquireCancelledError);
    expect(semaphore.inUse).toBe(0);
  });
});

describe('Semaphore: run and metrics hooks', () => {
  it('releases the permit whether fn resolves or throws', async () => {
    const { semaphore } = observed({ maxConcurrent: 1, maxQueued: 0 });
    await expect(semaphore.run(async () => 'ok')).resolves.toBe('ok');
    await expect(
      semaphore.run(async () => {
        throw new Error('query failed');
      }),
    ).rejects.toThrow('query failed');
    expect(semaphore.inUse).toBe(0);
  });

  it('never lets more than maxConcurrent run at once under load', async () => {
    const { semaphore } = observed({ maxConcurrent: 3, maxQueued: 200 });
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    };
    await Promise.all(Array.from({ length: 100 }, () => semaphore.run(task)));
    expect(peak).toBe(3);
    expect(semaphore.inUse).toBe(0);
  });

  it('reports in-use and queue depth on every change, and wait times', async () => {
    const { semaphore, states, waits } = observed({ maxConcurrent: 1, maxQueued: 2 });
    const first = await semaphore.acquire();
    const second = semaphore.acquire();
    first();
    (await second)();
    expect(states).toEqual([
      { inUse: 1, queued: 0 },
      { inUse: 1, queued: 1 },
      { inUse: 1, queued: 0 },
      { inUse: 0, queued: 0 },
    ]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThanOrEqual(0);
  });
});
