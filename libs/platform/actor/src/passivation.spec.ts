import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem } from './actor-system';
import { counterBehaviour, type CounterProbe } from './fixtures/counter.actor';
import type { Reply } from './types';

let system: ActorSystem;
beforeEach(() => {
  vi.useFakeTimers();
  system = new ActorSystem({ askTimeoutMs: 600_000 });
});
afterEach(async () => {
  vi.useRealTimers();
  await system.stopAll();
});

const get = (reply: Reply<number>) => ({ type: 'get' as const, reply });

function guild(store: Map<string, number>, probe: CounterProbe, idleTimeoutMs = 1_000) {
  return system.getOrSpawn('guild:1', (id) => counterBehaviour(store, id, probe), { idleTimeoutMs });
}

describe('passivation', () => {
  it('stops and removes an actor idle for idleTimeoutMs, running onStop', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const ref = guild(new Map(), probe);
    ref.send({ type: 'inc' });
    await vi.advanceTimersByTimeAsync(999);
    expect(ref.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    expect(await ref.whenStopped()).toEqual({ kind: 'passivated' });
    expect(system.get('guild:1')).toBeUndefined();
    expect(probe.stops).toEqual([1]);
  });

  it('restarts the idle countdown on every message', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const ref = guild(new Map(), probe);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900);
      ref.send({ type: 'inc' });
    }
    await vi.advanceTimersByTimeAsync(999);
    expect(ref.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    expect(ref.status).toBe('stopped');
  });

  it('does not passivate while a handler runs longer than the idle timeout', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const ref = guild(new Map(), probe);
    await vi.advanceTimersByTimeAsync(0);
    ref.send({ type: 'inc-slow', ms: 5_000 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ref.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    expect(ref.getSnapshot()).toEqual({ count: 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(ref.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    expect(ref.status).toBe('stopped');
  });

  it('reactivates on next use from the state persisted before passivation', async () => {
    const store = new Map<string, number>();
    const probe: CounterProbe = { activations: 0, stops: [] };
    const first = guild(store, probe);
    first.send({ type: 'inc', by: 41 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.status).toBe('stopped');
    const second = guild(store, probe);
    expect(second).not.toBe(first);
    second.send({ type: 'inc' });
    await expect(second.ask(get)).resolves.toBe(42);
    expect(probe.activations).toBe(2);
  });

  it('never passivates an actor without idleTimeoutMs', async () => {
    const ref = system.spawn('forever', counterBehaviour(new Map(), 'forever'));
    ref.send({ type: 'inc' });
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(ref.status).toBe('running');
  });

  it('stops the children of a passivated actor', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const parent = system.spawn(
      'p',
      {
        ...counterBehaviour(new Map(), 'p', probe),
        activate: (ctx) => {
          ctx.spawn('child', counterBehaviour(new Map(), 'child'));
          return { count: 0, held: [] };
        },
      },
      { idleTimeoutMs: 500 },
    );
    await vi.advanceTimersByTimeAsync(0);
    const child = system.get('p/child');
    expect(child?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(500);
    expect(parent.status).toBe('stopped');
    expect(await child?.whenStopped()).toEqual({ kind: 'parent-stopped' });
  });
});
