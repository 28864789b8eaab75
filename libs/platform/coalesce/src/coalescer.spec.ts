import { CancelledError } from '@chat/errors';
import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';
import { FlightAbandonedError, WaiterCancelledError } from './errors';

/** A promise the test settles by hand: no timers, no sleeps. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An underlying call the test controls: counts executions, records the signal each got. */
function controlledCall<T>() {
  const runs: { signal: AbortSignal; result: ReturnType<typeof deferred<T>> }[] = [];
  const call = (signal: AbortSignal) => {
    const result = deferred<T>();
    runs.push({ signal, result });
    return result.promise;
  };
  return { call, runs };
}

/** Lets every queued microtask and promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Coalescer: sharing', () => {
  it('runs identical concurrent requests once and gives every waiter the same result', async () => {
    const coalescer = new Coalescer<string[]>();
    const { call, runs } = controlledCall<string[]>();
    const a = coalescer.run('history:1', call);
    const b = coalescer.run('history:1', call);
    const c = coalescer.run('history:1', call);
    expect(runs).toHaveLength(1);
    const page = ['m3', 'm2', 'm1'];
    runs[0]!.result.resolve(page);
    await expect(Promise.all([a, b, c])).resolves.toEqual([page, page, page]);
    expect(await a).toBe(page);
  });

  it('turns 1000 concurrent waiters into 1 execution', async () => {
    const coalescer = new Coalescer<number>();
    const { call, runs } = controlledCall<number>();
    const waiters = Array.from({ length: 1000 }, () => coalescer.run('hot', call));
    expect(runs).toHaveLength(1);
    expect(coalescer.stats()).toEqual({ requests: 1000, executions: 1, ratio: 1000, inFlight: 1 });
    runs[0]!.result.resolve(42);
    const results = await Promise.all(waiters);
    expect(results.every((value) => value === 42)).toBe(true);
    expect(coalescer.stats().inFlight).toBe(0);
  });

  it('keeps different keys and different scopes apart', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const first = coalescer.run('k', call, { scope: 'channel-1' });
    const otherKey = coalescer.run('k2', call, { scope: 'channel-1' });
    const otherScope = coalescer.run('k', call, { scope: 'channel-2' });
    expect(runs).toHaveLength(3);
    runs[0]!.result.resolve('a');
    runs[1]!.result.resolve('b');
    runs[2]!.result.resolve('c');
    expect(await Promise.all([first, otherKey, otherScope])).toEqual(['a', 'b', 'c']);
  });

  it('starts a new execution once the previous one settled (no caching)', async () => {
    const coalescer = new Coalescer<number>();
    const { call, runs } = controlledCall<number>();
    const first = coalescer.run('k', call);
    runs[0]!.result.resolve(1);
    expect(await first).toBe(1);
    const second = coalescer.run('k', call);
    expect(runs).toHaveLength(2);
    runs[1]!.result.resolve(2);
    expect(await second).toBe(2);
    expect(coalescer.stats()).toMatchObject({ requests: 2, executions: 2, ratio: 1 });
  });

  it('executes every request on its own when disabled', async () => {
    const coalescer = new Coalescer<number>({ enabled: false });
    const { call, runs } = controlledCall<number>();
    const waiters = [coalescer.run('k', call), coalescer.run('k', call), coalescer.run('k', call)];
    expect(runs).toHaveLength(3);
    runs.forEach((run, i) => run.result.resolve(i));
    expect(await Promise.all(waiters)).toEqual([0, 1, 2]);
    expect(coalescer.stats()).toMatchObject({ requests: 3, executions: 3, ratio: 1 });
  });

  it('reports each request as shared or not', async () => {
    const seen: boolean[] = [];
    const coalescer = new Coalescer<number>({ onRequest: (shared) => seen.push(shared) });
    const { call, runs } = controlledCall<number>();
    const waiters = [coalescer.run('k', call), coalescer.run('k', call), coalescer.run('j', call)];
    runs.forEach((run) => run.result.resolve(0));
    await Promise.all(waiters);
    expect(seen).toEqual([false, true, false]);
  });
});

describe('Coalescer: errors', () => {
  it('hands one error to every waiter', async () => {
    const coalescer = new Coalescer<number>();
    const { call, runs } = controlledCall<number>();
    const waiters = Array.from({ length: 5 }, () => coalescer.run('k', call));
    const failure = new Error('database down');
    runs[0]!.result.reject(failure);
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === failure)).toBe(true);
  });

  it('turns a call that throws synchronously into a rejection for every waiter', async () => {
    const coalescer = new Coalescer<number>();
    const failure = new TypeError('bad query');
    const call = () => {
      throw failure;
    };
    const outcomes = await Promise.allSettled([coalescer.run('k', call), coalescer.run('k', call)]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(coalescer.stats()).toMatchObject({ executions: 1, inFlight: 0 });
  });

  it('does not remember a failure: the next request runs again', async () => {
    const coalescer = new Coalescer<number>();
    const { call, runs } = controlledCall<number>();
    const failed = coalescer.run('k', call);
    runs[0]!.result.reject(new Error('timeout'));
    await expect(failed).rejects.toThrow('timeout');
    const retried = coalescer.run('k', call);
    runs[1]!.result.resolve(7);
    await expect(retried).resolves.toBe(7);
  });
});

describe('Coalescer: cancellation', () => {
  it('rejects only the waiter that cancelled; the call goes on for the others', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const leaving = new AbortController();
    const left = coalescer.run('k', call, { signal: leaving.signal });
    const staying = coalescer.run('k', call, { signal: new AbortController().signal });
    const plain = coalescer.run('k', call);
    leaving.abort(new Error('client went away'));
    const error = await left.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaiterCancelledError);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as WaiterCancelledError).key).toBe('k');
    expect(runs[0]!.signal.aborted).toBe(false);
    runs[0]!.result.resolve('page');
    expect(await Promise.all([staying, plain])).toEqual(['page', 'page']);
  });

  it('aborts the call only when every waiter has gone', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const waiters = controllers.map((c) => coalescer.run('k', call, { signal: c.signal }));
    controllers[0]!.abort();
    controllers[1]!.abort();
    expect(runs[0]!.signal.aborted).toBe(false);
    controllers[2]!.abort();
    expect(runs[0]!.signal.aborted).toBe(true);
    expect(runs[0]!.signal.reason).toBeInstanceOf(FlightAbandonedError);
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof WaiterCancelledError)).toBe(true);
    expect(coalescer.stats().inFlight).toBe(0);
  });

  it('never aborts a call that has a waiter without a signal', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controller = new AbortController();
    const cancellable = coalescer.run('k', call, { signal: controller.signal });
    const uncancellable = coalescer.run('k', call);
    controller.abort();
    await expect(cancellable).rejects.toBeInstanceOf(WaiterCancelledError);
    expect(runs[0]!.signal.aborted).toBe(false);
    runs[0]!.result.resolve('x');
    await expect(uncancellable).resolves.toBe('x');
  });

  it('starts a fresh call for a request that arrives after an abandoned one', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controller = new AbortController();
    const abandoned = coalescer.run('k', call, { signal: controller.signal });
    controller.abort();
    await expect(abandoned).rejects.toBeInstanceOf(WaiterCancelledError);
    const fresh = coalescer.run('k', call);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.signal.aborted).toBe(false);
    // The abandoned call's late result reaches nobody and does not disturb the new flight.
    runs[0]!.result.reject(new Error('aborted by driver'));
    runs[1]!.result.resolve('fresh');
    await expect(fresh).resolves.toBe('fresh');
  });

  it('rejects at once, without executing, when the signal is already aborted', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controller = new AbortController();
    controller.abort();
    await expect(coalescer.run('k', call, { signal: controller.signal })).rejects.toBeInstanceOf(WaiterCancelledError);
    expect(runs).toHaveLength(0);
  });

  it('gives a waiter that cancels after the result arrived that result or a cancellation, never a hang', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controller = new AbortController();
    const waiter = coalescer.run('k', call, { signal: controller.signal });
    runs[0]!.result.resolve('done');
    await flush();
    controller.abort();
    await expect(waiter).resolves.toBe('done');
  });

  it('removes its abort listeners once the waiter settled', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners -= 1;
      remove(...args);
    }) as typeof signal.removeEventListener;
    const waiters = Array.from({ length: 10 }, () => coalescer.run('k', call, { signal }));
    expect(listeners).toBe(10);
    runs[0]!.result.resolve('ok');
    await Promise.all(waiters);
    expect(listeners).toBe(0);
  });
});

describe('Coalescer: invalidation (read after write)', () => {
  it('never lets a request that starts after invalidate join an earlier flight', async () => {
    const coalescer = new Coalescer<string[]>();
    const { call, runs } = controlledCall<string[]>();
    const before = coalescer.run('history', call, { scope: 'channel-1' });
    coalescer.invalidate('channel-1');
    const after = coalescer.run('history', call, { scope: 'channel-1' });
    expect(runs).toHaveLength(2);
    runs[0]!.result.resolve(['old']);
    runs[1]!.result.resolve(['new', 'old']);
    expect(await before).toEqual(['old']);
    expect(await after).toEqual(['new', 'old']);
  });

  it('leaves the detached flight running for the waiters it already had', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const waiters = [coalescer.run('k', call, { scope: 's' }), coalescer.run('k', call, { scope: 's' })];
    coalescer.invalidate('s');
    expect(runs[0]!.signal.aborted).toBe(false);
    const later = [coalescer.run('k', call, { scope: 's' }), coalescer.run('k', call, { scope: 's' })];
    expect(runs).toHaveLength(2);
    // The old flight settling must not detach the new one.
    runs[0]!.result.resolve('v1');
    expect(await Promise.all(waiters)).toEqual(['v1', 'v1']);
    const joinsNew = coalescer.run('k', call, { scope: 's' });
    expect(runs).toHaveLength(2);
    runs[1]!.result.resolve('v2');
    expect(await Promise.all([...later, joinsNew])).toEqual(['v2', 'v2', 'v2']);
  });

  it('touches only the invalidated scope', async () => {
    const coalescer = new Coalescer<string>();
    const { call, runs } = controlledCall<string>();
    const one = coalescer.run('k', call, { scope: 'a' });
    const two = coalescer.run('k', call, { scope: 'b' });
    coalescer.invalidate('a');
    const joinsB = coalescer.run('k', call, { scope: 'b' });
    expect(runs).toHaveLength(2);
    runs.forEach((run) => run.result.resolve('x'));
    await Promise.all([one, two, joinsB]);
    expect(coalescer.stats()).toMatchObject({ requests: 3, executions: 2, ratio: 1.5 });
  });

  it('holds no state for a scope once its flights settled (no per-channel leak)', async () => {
    const coalescer = new Coalescer<number>();
    for (let i = 0; i < 100; i++) {
      await coalescer.run('k', async () => i, { scope: `channel-${i}` });
      coalescer.invalidate(`other-${i}`);
    }
    expect((coalescer as unknown as { scopes: Map<string, unknown> }).scopes.size).toBe(0);
  });
});
