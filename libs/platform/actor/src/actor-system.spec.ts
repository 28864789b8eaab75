import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { DuplicateActorIdError, InvalidActorOptionsError } from './errors';
import { counterBehaviour, type CounterProbe } from './fixtures/counter.actor';
import type { ActorLogger } from './logger';
import type { ActorRef, Reply } from './types';

const systems: ActorSystem[] = [];
const newSystem = (...args: ConstructorParameters<typeof ActorSystem>): ActorSystem => {
  const system = new ActorSystem(...args);
  systems.push(system);
  return system;
};
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stopAll()));
});

describe('ActorSystem registry', () => {
  it('spawns, finds by id, lists ids and counts live actors', () => {
    const system = newSystem();
    const a = system.spawn('a', counterBehaviour(new Map(), 'a'));
    const b = system.spawn('b', counterBehaviour(new Map(), 'b'));
    expect(system.get('a')).toBe(a);
    expect(system.get('b')).toBe(b);
    expect(system.get('zzz')).toBeUndefined();
    expect(system.ids().sort()).toEqual(['a', 'b']);
    expect(system.size).toBe(2);
  });

  it('throws DuplicateActorIdError for a live id', () => {
    const system = newSystem();
    system.spawn('dup', counterBehaviour(new Map(), 'dup'));
    let error: unknown;
    try {
      system.spawn('dup', counterBehaviour(new Map(), 'dup'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DuplicateActorIdError);
    expect(error).toMatchObject({ name: 'DuplicateActorIdError', actorId: 'dup' });
  });

  it.each([
    ['empty id', '', {}],
    ['capacity 0', 'x', { mailboxCapacity: 0 }],
    ['fractional capacity', 'x', { mailboxCapacity: 1.5 }],
    ['negative idle timeout', 'x', { idleTimeoutMs: -1 }],
    ['infinite ask timeout', 'x', { askTimeoutMs: Number.POSITIVE_INFINITY }],
    ['multiplier below 1', 'x', { supervision: { backoff: { multiplier: 0.5 } } }],
    ['jitter above 1', 'x', { supervision: { backoff: { jitter: 2 } } }],
    ['negative maxRestarts', 'x', { supervision: { maxRestarts: -1 } }],
  ])('rejects %s with InvalidActorOptionsError and registers nothing', (_name, id, options) => {
    const system = newSystem();
    expect(() => system.spawn(id, counterBehaviour(new Map(), id), options)).toThrow(InvalidActorOptionsError);
    expect(system.size).toBe(0);
  });

  it('rejects bad system options at construction', () => {
    expect(() => new ActorSystem({ askTimeoutMs: 0 })).toThrow(InvalidActorOptionsError);
    expect(() => new ActorSystem({ supervision: { withinMs: 0 } })).toThrow(InvalidActorOptionsError);
  });

  it('stop(id) resolves true after stopping, false for an unknown id', async () => {
    const system = newSystem();
    const ref = system.spawn('a', counterBehaviour(new Map(), 'a'));
    expect(await system.stop('a')).toBe(true);
    expect(ref.status).toBe('stopped');
    expect(await system.stop('a')).toBe(false);
    expect(system.get('a')).toBeUndefined();
  });

  it('stopAll stops every actor and runs each onStop once', async () => {
    const system = newSystem();
    const probe: CounterProbe = { activations: 0, stops: [] };
    const refs = Array.from({ length: 10 }, (_, i) => system.spawn(`a${i}`, counterBehaviour(new Map(), `a${i}`, probe)));
    await Promise.all(refs.map((ref) => ref.ask((reply: Reply<number>) => ({ type: 'get', reply }))));
    await system.stopAll();
    expect(system.size).toBe(0);
    expect(refs.every((ref) => ref.status === 'stopped')).toBe(true);
    expect(probe.stops).toHaveLength(10);
  });

  it('gives handlers ctx.system for lookups and top-level spawns', async () => {
    const system = newSystem();
    const target = system.spawn('target', counterBehaviour(new Map(), 'target'));
    type Msg = { type: 'forward'; to: string; reply: Reply<void> } | { type: 'make'; id: string; reply: Reply<string> };
    const router = system.spawn(
      'router',
      defineBehaviour<Msg, null, null>({
        activate: () => null,
        receive: (s, msg, ctx) => {
          if (msg.type === 'forward') {
            ctx.system.get<{ type: 'inc' }>(msg.to)?.send({ type: 'inc' });
            msg.reply();
          } else msg.reply(ctx.system.getOrSpawn(msg.id, () => counterBehaviour(new Map(), msg.id)).id);
          return s;
        },
        snapshot: () => null,
      }),
    );
    await router.ask<void>((reply) => ({ type: 'forward', to: 'target', reply }));
    expect(await target.ask<number>((reply) => ({ type: 'get', reply }))).toBe(1);
    expect(await router.ask<string>((reply) => ({ type: 'make', id: 'made', reply }))).toBe('made');
    expect(system.get('made')).toBeDefined();
  });

  it('accepts a pino logger as the logger hook and tags lines with actorId', async () => {
    const lines: string[] = [];
    const logger: ActorLogger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const system = newSystem({ logger });
    const ref = system.spawn('logged', counterBehaviour(new Map(), 'logged'), { supervision: { directive: 'resume' } });
    ref.send({ type: 'crash', error: new Error('kaput') });
    await ref.ask<number>((reply) => ({ type: 'get', reply }));
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'actor failed');
    expect(failed).toMatchObject({ actorId: 'logged', messageType: 'crash', decision: 'resume' });
  });
});

describe('ActorSystem.getOrSpawn', () => {
  it('makes exactly one actor for concurrent first uses of the same id', async () => {
    const system = newSystem();
    const store = new Map<string, number>();
    const probe: CounterProbe = { activations: 0, stops: [] };
    let factoryCalls = 0;
    const factory = (id: string) => {
      factoryCalls += 1;
      return counterBehaviour(store, id, probe);
    };
    const refs = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        if (i % 2 === 0) await Promise.resolve();
        const ref = system.getOrSpawn('guild:1', factory);
        ref.send({ type: 'inc' });
        return ref;
      }),
    );
    expect(new Set(refs).size).toBe(1);
    expect(factoryCalls).toBe(1);
    const [ref] = refs as [ActorRef<never, unknown>, ...unknown[]];
    expect(ref).toBe(system.get('guild:1'));
    expect(await refs[0]?.ask<number>((reply) => ({ type: 'get', reply }))).toBe(50);
    expect(probe.activations).toBe(1);
  });

  it('spawns a fresh actor after the old one stopped, reloading persisted state', async () => {
    const system = newSystem();
    const store = new Map<string, number>();
    const first = system.getOrSpawn('g', (id) => counterBehaviour(store, id));
    first.send({ type: 'inc', by: 4 });
    await first.ask((reply: Reply<number>) => ({ type: 'get', reply }));
    await first.stop();
    const second = system.getOrSpawn('g', (id) => counterBehaviour(store, id));
    expect(second).not.toBe(first);
    expect(await second.ask<number>((reply) => ({ type: 'get', reply }))).toBe(4);
  });

  it('activates a new actor under a stopping id only after the old onStop finished', async () => {
    const system = newSystem();
    const store = new Map<string, number>();
    let finishPersist!: () => void;
    const persisted = new Promise<void>((resolve) => (finishPersist = resolve));
    type Msg = { type: 'inc' } | { type: 'get'; reply: Reply<number> };
    /** Persists only in onStop, slowly: a new activation must wait for it. */
    const behaviour = (id: string) =>
      defineBehaviour<Msg, number>({
        activate: () => store.get(id) ?? 0,
        receive: (state, msg) => {
          if (msg.type === 'inc') return state + 1;
          msg.reply(state);
          return state;
        },
        snapshot: (state) => state,
        onStop: async (state) => {
          await persisted;
          store.set(id, state);
        },
      });
    const first = system.getOrSpawn('g', behaviour);
    first.send({ type: 'inc' });
    first.send({ type: 'inc' });
    await first.ask((reply: Reply<number>) => ({ type: 'get', reply }));
    const stopping = first.stop();
    expect(system.get('g')).toBeUndefined();
    const second = system.getOrSpawn('g', behaviour);
    expect(second).not.toBe(first);
    const answer = second.ask<number>((reply) => ({ type: 'get', reply }));
    finishPersist();
    await stopping;
    expect(await answer).toBe(2);
  });
});
