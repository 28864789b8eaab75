import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem, type ActorSystemOptions } from './actor-system';
import { defineBehaviour } from './behaviour';
import { ActorStoppedError } from './errors';
import { counterBehaviour, type CounterProbe } from './fixtures/counter.actor';
import type { ActorMetrics } from './metrics';
import type { SupervisionPolicy } from './supervisor';
import type { Reply } from './types';

let system: ActorSystem;
const restarted: string[] = [];
const metrics: ActorMetrics = {
  mailboxDepth: () => {},
  processed: () => {},
  restarted: (id) => void restarted.push(id),
  deadLetter: () => {},
};

function makeSystem(options: ActorSystemOptions = {}): ActorSystem {
  system = new ActorSystem({ metrics, askTimeoutMs: 600_000, ...options });
  return system;
}

beforeEach(() => {
  vi.useFakeTimers();
  restarted.length = 0;
  makeSystem();
});
afterEach(async () => {
  vi.useRealTimers();
  await system.stopAll();
});

const boom = (n = 0) => new Error(`boom ${n}`);
const get = (reply: Reply<number>) => ({ type: 'get' as const, reply });

function spawnCounter(supervision: SupervisionPolicy, store = new Map<string, number>()) {
  const probe: CounterProbe = { activations: 0, stops: [] };
  const ref = system.spawn('c', counterBehaviour(store, 'c', probe), { supervision });
  return { ref, probe, store };
}

/** Lets the actor run everything that needs no timer. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('supervision: restart', () => {
  it('rebuilds state from the store after an exponential backoff', async () => {
    const { ref, probe } = spawnCounter({ backoff: { initialMs: 100, multiplier: 2, maxMs: 300 } });
    ref.send({ type: 'inc', by: 5 });
    await settle();
    expect(probe.activations).toBe(1);

    const delays: number[] = [];
    for (let n = 1; n <= 4; n++) {
      ref.send({ type: 'crash', error: boom(n) });
      await settle();
      expect(ref.status).toBe('backoff');
      let waited = 0;
      while (probe.activations === n) {
        await vi.advanceTimersByTimeAsync(10);
        waited += 10;
      }
      delays.push(waited);
      expect(ref.status).toBe('running');
    }
    expect(delays).toEqual([100, 200, 300, 300]);
    expect(ref.getSnapshot()).toEqual({ count: 5 });
    expect(ref.stats().restarts).toBe(4);
    expect(restarted).toEqual(['c', 'c', 'c', 'c']);
  });

  it('keeps messages that arrive during backoff queued, in order, and handles them after restart', async () => {
    const { ref, probe } = spawnCounter({ backoff: { initialMs: 1_000 } });
    const error = boom();
    const crashed = ref.ask<number>((reply) => ({ type: 'crash', error, reply }));
    await expect(crashed).rejects.toBe(error);
    ref.send({ type: 'inc', by: 1 });
    ref.send({ type: 'inc', by: 10 });
    const answer = ref.ask<number>(get);
    await vi.advanceTimersByTimeAsync(999);
    expect(ref.stats().mailboxDepth).toBe(3);
    expect(probe.activations).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toBe(11);
    expect(probe.activations).toBe(2);
  });

  it('resets the backoff after a message is handled successfully', async () => {
    const { ref, probe } = spawnCounter({ backoff: { initialMs: 100, multiplier: 10, maxMs: 10_000 } });
    await settle();
    ref.send({ type: 'crash', error: boom(1) });
    await vi.advanceTimersByTimeAsync(100);
    expect(probe.activations).toBe(2);
    await ref.ask(get);
    ref.send({ type: 'crash', error: boom(2) });
    await vi.advanceTimersByTimeAsync(100);
    expect(probe.activations).toBe(3);
  });

  it('stops the actor (restart-limit) once maxRestarts within the window are used up', async () => {
    const { ref, probe } = spawnCounter({ maxRestarts: 3, withinMs: 10_000, backoff: { initialMs: 10, multiplier: 1 } });
    for (let n = 1; n <= 3; n++) {
      ref.send({ type: 'crash', error: boom(n) });
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(probe.activations).toBe(4);
    const last = boom(4);
    ref.send({ type: 'crash', error: last });
    const queued = ref.ask<number>(get);
    const reason = await ref.whenStopped();
    expect(reason).toEqual({ kind: 'restart-limit', error: last });
    const error = await queued.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorStoppedError);
    expect(error).toMatchObject({ reason: 'restart-limit', cause: last });
    expect(system.get('c')).toBeUndefined();
    expect(probe.stops).toEqual([]);
    expect(restarted).toHaveLength(3);
  });

  it('forgets restarts older than the window', async () => {
    const { ref, probe } = spawnCounter({ maxRestarts: 1, withinMs: 1_000, backoff: { initialMs: 10 } });
    ref.send({ type: 'crash', error: boom(1) });
    await vi.advanceTimersByTimeAsync(1_500);
    ref.send({ type: 'crash', error: boom(2) });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(ref.status).toBe('running');
    expect(probe.activations).toBe(3);
  });

  it('retries a failing activation with backoff and then serves queued asks', async () => {
    let failures = 2;
    let activations = 0;
    const ref = system.spawn(
      'flaky',
      defineBehaviour<{ type: 'get'; reply: Reply<string> }, string>({
        activate: async () => {
          activations += 1;
          if (failures-- > 0) throw new Error('store unavailable');
          return 'loaded';
        },
        receive: (state, msg) => {
          msg.reply(state);
          return state;
        },
        snapshot: (s) => s,
      }),
      { supervision: { directive: 'resume', backoff: { initialMs: 50 } } },
    );
    const answer = ref.ask<string>((reply) => ({ type: 'get', reply }));
    await settle();
    expect(activations).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(activations).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    await expect(answer).resolves.toBe('loaded');
    expect(activations).toBe(3);
    expect(ref.stats().restarts).toBe(2);
  });

  it('stops with the activation error as cause when activation fails and no restart is left', async () => {
    const failure = new Error('corrupt row');
    const ref = system.spawn(
      'bad',
      defineBehaviour<{ type: 'get'; reply: Reply<number> }, number>({
        activate: () => Promise.reject(failure),
        receive: (s) => s,
        snapshot: (s) => s,
      }),
      { supervision: { maxRestarts: 0 } },
    );
    const asked = ref.ask<number>((reply) => ({ type: 'get', reply }));
    await expect(asked).rejects.toMatchObject({ name: 'ActorStoppedError', reason: 'restart-limit', cause: failure });
    expect(await ref.whenStopped()).toEqual({ kind: 'restart-limit', error: failure });
  });

  it('increments ctx.incarnation on every restart', async () => {
    const incarnations: number[] = [];
    const ref = system.spawn(
      'inc',
      defineBehaviour<{ type: 'crash' }, null>({
        activate: (ctx) => {
          incarnations.push(ctx.incarnation);
          return null;
        },
        receive: () => {
          throw new Error('x');
        },
        snapshot: () => null,
      }),
      { supervision: { backoff: { initialMs: 1 } } },
    );
    ref.send({ type: 'crash' });
    await vi.advanceTimersByTimeAsync(5);
    ref.send({ type: 'crash' });
    await vi.advanceTimersByTimeAsync(5);
    expect(incarnations).toEqual([0, 1, 2]);
  });

  it('cancels a pending restart when stopped during backoff', async () => {
    const { ref, probe } = spawnCounter({ backoff: { initialMs: 1_000 } });
    ref.send({ type: 'crash', error: boom() });
    await settle();
    expect(ref.status).toBe('backoff');
    await ref.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.activations).toBe(1);
    expect(probe.stops).toEqual([]);
    expect(await ref.whenStopped()).toEqual({ kind: 'requested' });
  });

  it('uses the injected random for jitter, deterministically', async () => {
    makeSystem({ random: () => 0 });
    const { ref, probe } = spawnCounter({ backoff: { initialMs: 100, jitter: 0.5 } });
    ref.send({ type: 'crash', error: boom() });
    await vi.advanceTimersByTimeAsync(49);
    expect(probe.activations).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.activations).toBe(2);
  });
});

describe('supervision: resume and stop', () => {
  it('resume keeps the state, drops the message and rejects its ask', async () => {
    const { ref, probe } = spawnCounter({ directive: 'resume' });
    ref.send({ type: 'inc', by: 2 });
    const error = boom();
    await expect(ref.ask<number>((reply) => ({ type: 'crash', error, reply }))).rejects.toBe(error);
    ref.send({ type: 'inc', by: 3 });
    await expect(ref.ask(get)).resolves.toBe(5);
    expect(probe.activations).toBe(1);
    expect(ref.stats().restarts).toBe(0);
  });

  it('stop stops the actor on the first failure, without onStop', async () => {
    const { ref, probe } = spawnCounter({ directive: 'stop' });
    ref.send({ type: 'inc' });
    const error = boom();
    ref.send({ type: 'crash', error });
    expect(await ref.whenStopped()).toEqual({ kind: 'failed', error });
    expect(probe.stops).toEqual([]);
    await expect(ref.ask(get)).rejects.toMatchObject({ reason: 'failed', cause: error });
  });

  it('lets a directive function choose per error and passes the failure info', async () => {
    class ValidationError extends Error {}
    const seen: unknown[] = [];
    const { ref, probe } = spawnCounter({
      directive: (error, failure) => {
        seen.push(failure);
        return error instanceof ValidationError ? 'resume' : 'restart';
      },
      backoff: { initialMs: 0 },
    });
    ref.send({ type: 'inc' });
    ref.send({ type: 'crash', error: new ValidationError('bad input') });
    await expect(ref.ask(get)).resolves.toBe(1);
    expect(probe.activations).toBe(1);
    ref.send({ type: 'crash', error: new Error('bug') });
    const afterRestart = ref.ask(get);
    await settle();
    await expect(afterRestart).resolves.toBe(1);
    expect(probe.activations).toBe(2);
    expect(seen).toEqual([
      { actorId: 'c', phase: 'receive', messageType: 'crash' },
      { actorId: 'c', phase: 'receive', messageType: 'crash' },
    ]);
  });

  it('stops the actor when the directive function itself throws', async () => {
    const { ref } = spawnCounter({
      directive: () => {
        throw new Error('bad policy');
      },
    });
    ref.send({ type: 'crash', error: boom() });
    expect((await ref.whenStopped()).kind).toBe('failed');
  });

  it('treats a throwing snapshot projection as a failure and keeps the previous snapshot', async () => {
    const ref = system.spawn(
      'proj',
      defineBehaviour<{ type: 'set'; value: number }, number>({
        activate: () => 1,
        receive: (_s, msg) => msg.value,
        snapshot: (s) => {
          if (s < 0) throw new Error('negative');
          return s;
        },
      }),
      { supervision: { directive: 'resume' } },
    );
    ref.send({ type: 'set', value: -1 });
    ref.send({ type: 'set', value: 7 });
    await settle();
    expect(ref.getSnapshot()).toBe(7);
    ref.send({ type: 'set', value: -5 });
    await settle();
    expect(ref.getSnapshot()).toBe(7);
  });

  it('takes supervision from spawn options over the behaviour over the system default', async () => {
    makeSystem({ supervision: { directive: 'stop' } });
    const store = new Map<string, number>();
    const fromSystem = system.spawn('s', counterBehaviour(store, 's'));
    const fromBehaviour = system.spawn('b', { ...counterBehaviour(store, 'b'), supervision: { directive: 'resume' } });
    const fromOptions = system.spawn(
      'o',
      { ...counterBehaviour(store, 'o'), supervision: { directive: 'stop' } },
      { supervision: { directive: 'resume' } },
    );
    for (const ref of [fromSystem, fromBehaviour, fromOptions]) ref.send({ type: 'crash', error: boom() });
    await settle();
    expect([fromSystem.status, fromBehaviour.status, fromOptions.status]).toEqual(['stopped', 'running', 'running']);
  });
});
