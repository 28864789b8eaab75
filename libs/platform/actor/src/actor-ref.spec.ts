import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { counterBehaviour, type CounterProbe } from './fixtures/counter.actor';
import type { Message } from './types';

const systems: ActorSystem[] = [];
function newSystem(): ActorSystem {
  const system = new ActorSystem();
  systems.push(system);
  return system;
}
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stopAll()));
});

function counter(id = 'c', store = new Map<string, number>(), probe?: CounterProbe) {
  const system = newSystem();
  return { system, store, ref: system.spawn(id, counterBehaviour(store, id, probe)) };
}

describe('ActorRef: messages in, snapshot out', () => {
  it('has no snapshot before activation and the activated one after', async () => {
    const { ref } = counter('c', new Map([['c', 7]]));
    expect(ref.getSnapshot()).toBeUndefined();
    expect(ref.status).toBe('activating');
    expect(await ref.ask<number>((reply) => ({ type: 'get', reply }))).toBe(7);
    expect(ref.getSnapshot()).toEqual({ count: 7 });
    expect(ref.status).toBe('running');
  });

  it('applies told messages in order and exposes the projection', async () => {
    const { ref } = counter();
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc', by: 10 });
    ref.send({ type: 'inc', by: -3 });
    expect(await ref.ask<number>((reply) => ({ type: 'get', reply }))).toBe(8);
    expect(ref.getSnapshot()).toEqual({ count: 8 });
  });

  it('does not run the handler inside send', async () => {
    const { ref } = counter();
    await ref.ask((reply) => ({ type: 'get', reply }));
    ref.send({ type: 'inc' });
    expect(ref.getSnapshot()).toEqual({ count: 0 });
    expect(ref.stats().mailboxDepth).toBe(1);
    await ref.ask((reply) => ({ type: 'get', reply }));
    expect(ref.getSnapshot()).toEqual({ count: 1 });
  });

  it('notifies subscribers after activation and after each state change only', async () => {
    const { ref } = counter();
    const seen: number[] = [];
    ref.subscribe((s) => seen.push(s.count));
    ref.send({ type: 'inc' });
    ref.send({ type: 'noop' });
    ref.send({ type: 'inc', by: 2 });
    await ref.ask((reply) => ({ type: 'get', reply }));
    expect(seen).toEqual([0, 1, 3]);
  });

  it('stops notifying after unsubscribe', async () => {
    const { ref } = counter();
    const seen: number[] = [];
    const unsubscribe = ref.subscribe((s) => seen.push(s.count));
    ref.send({ type: 'inc' });
    await ref.ask((reply) => ({ type: 'get', reply }));
    unsubscribe();
    ref.send({ type: 'inc' });
    await ref.ask((reply) => ({ type: 'get', reply }));
    expect(seen).toEqual([0, 1]);
  });

  it('treats the same listener subscribed twice as two subscriptions', async () => {
    const { ref } = counter();
    const seen: number[] = [];
    const listener = (s: { count: number }): void => void seen.push(s.count);
    const first = ref.subscribe(listener);
    ref.subscribe(listener);
    first();
    ref.send({ type: 'inc' });
    await ref.ask((reply) => ({ type: 'get', reply }));
    expect(seen).toEqual([0, 1]);
  });

  it('keeps working when a listener throws', async () => {
    const { ref } = counter();
    const seen: number[] = [];
    ref.subscribe(() => {
      throw new Error('bad listener');
    });
    ref.subscribe((s) => seen.push(s.count));
    ref.send({ type: 'inc' });
    expect(await ref.ask<number>((reply) => ({ type: 'get', reply }))).toBe(1);
    expect(seen).toEqual([0, 1]);
    expect(ref.stats().restarts).toBe(0);
  });

  it('counts processed messages in stats', async () => {
    const { ref } = counter();
    for (let i = 0; i < 5; i++) ref.send({ type: 'inc' });
    expect(ref.stats().mailboxDepth).toBe(5);
    await ref.ask((reply) => ({ type: 'get', reply }));
    await ref.stop();
    expect(ref.stats()).toEqual({ mailboxDepth: 0, processed: 6, restarts: 0, deadLetters: 0 });
  });

  it('supports synchronous handlers and a snapshot different from the state', async () => {
    type Msg = { type: 'push'; item: string } | { type: 'size'; reply: (n: number) => void };
    const system = newSystem();
    const ref = system.spawn(
      'list',
      defineBehaviour<Msg, string[], { size: number; last: string | undefined }>({
        activate: () => [],
        receive: (state, msg) => {
          if (msg.type === 'push') return [...state, msg.item];
          msg.reply(state.length);
          return state;
        },
        snapshot: (state) => ({ size: state.length, last: state.at(-1) }),
      }),
    );
    ref.send({ type: 'push', item: 'a' });
    ref.send({ type: 'push', item: 'b' });
    expect(await ref.ask<number>((reply) => ({ type: 'size', reply }))).toBe(2);
    expect(ref.getSnapshot()).toEqual({ size: 2, last: 'b' });
  });
});

describe('ActorRef: stop', () => {
  it('runs onStop with the last state, resolves whenStopped, and is idempotent', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const { ref, system } = counter('c', new Map(), probe);
    ref.send({ type: 'inc', by: 4 });
    await ref.ask((reply) => ({ type: 'get', reply }));
    const first = ref.stop();
    const second = ref.stop();
    await Promise.all([first, second]);
    expect(probe.stops).toEqual([4]);
    expect(await ref.whenStopped()).toEqual({ kind: 'requested' });
    expect(ref.status).toBe('stopped');
    expect(system.get('c')).toBeUndefined();
  });

  it('lets the message in progress finish but drops queued ones as dead letters', async () => {
    const { ref, store } = counter();
    await ref.ask((reply) => ({ type: 'get', reply }));
    ref.send({ type: 'inc-slow', ms: 20 });
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc' });
    await Promise.resolve();
    await Promise.resolve();
    await ref.stop();
    expect(store.get('c')).toBe(1);
    expect(ref.stats().deadLetters).toBe(2);
  });

  it('never throws on send to a stopped actor and counts a dead letter', async () => {
    const { ref } = counter();
    await ref.stop();
    expect(() => ref.send({ type: 'inc' })).not.toThrow();
    expect(() => ref.send({ type: 'inc' })).not.toThrow();
    expect(ref.stats().deadLetters).toBe(2);
  });

  it('keeps the last snapshot readable after stop', async () => {
    const { ref } = counter();
    ref.send({ type: 'inc' });
    await ref.ask((reply) => ({ type: 'get', reply }));
    await ref.stop();
    expect(ref.getSnapshot()).toEqual({ count: 1 });
  });

  it('runs onStop when stopped during activation, after activation completes', async () => {
    let release!: () => void;
    const stops: string[] = [];
    const system = newSystem();
    const ref = system.spawn(
      'slow-start',
      defineBehaviour<Message, string>({
        activate: () => new Promise<string>((resolve) => (release = () => resolve('loaded'))),
        receive: (s) => s,
        snapshot: (s) => s,
        onStop: (s) => void stops.push(s),
      }),
    );
    await Promise.resolve();
    const stopped = ref.stop();
    expect(ref.status).toBe('stopping');
    release();
    await stopped;
    expect(stops).toEqual(['loaded']);
  });

  it('logs and completes the stop when onStop throws', async () => {
    const errors: string[] = [];
    const system = new ActorSystem({
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: (_f, msg) => void errors.push(msg) },
    });
    const ref = system.spawn(
      'x',
      defineBehaviour<{ type: 'probe'; reply: (n: number) => void }, number>({
        activate: () => 1,
        receive: (s, msg) => {
          msg.reply(s);
          return s;
        },
        snapshot: (s) => s,
        onStop: () => {
          throw new Error('persist failed');
        },
      }),
    );
    await ref.ask((reply) => ({ type: 'probe', reply }));
    await ref.stop();
    expect(ref.status).toBe('stopped');
    expect(errors).toContain('onStop threw');
  });

  it('drops messages sent before activation when stopped at once, and skips activation and onStop', async () => {
    const probe: CounterProbe = { activations: 0, stops: [] };
    const { ref, store } = counter('c', new Map(), probe);
    ref.send({ type: 'inc' });
    const asked = ref.ask<number>((reply) => ({ type: 'get', reply }));
    await ref.stop();
    await expect(asked).rejects.toMatchObject({ name: 'ActorStoppedError', reason: 'requested' });
    expect(probe).toEqual({ activations: 0, stops: [] });
    expect(store.size).toBe(0);
    expect(ref.stats().deadLetters).toBe(2);
  });
});
