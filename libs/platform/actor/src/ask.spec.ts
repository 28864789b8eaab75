import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import {
  ActorRestartedError, ActorStoppedError, AskTimeoutError, InvalidActorOptionsError,
} from './errors';
import { awaitSnapshot } from './fixtures/await-snapshot';
import { counterBehaviour } from './fixtures/counter.actor';
import type { Reply } from './types';

let system: ActorSystem;
beforeEach(() => {
  system = new ActorSystem({ askTimeoutMs: 1_000 });
});
afterEach(async () => {
  vi.useRealTimers();
  await system.stopAll();
});

const spawnCounter = (id = 'c', store = new Map<string, number>()) => system.spawn(id, counterBehaviour(store, id));

describe('ask', () => {
  it('resolves with the value passed to reply', async () => {
    const ref = spawnCounter('c', new Map([['c', 3]]));
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }))).resolves.toBe(3);
  });

  it('supports deferred replies kept in state and answered by a later message', async () => {
    const ref = spawnCounter();
    const first = ref.ask<number>((reply) => ({ type: 'hold', reply }));
    const second = ref.ask<number>((reply) => ({ type: 'hold', reply }));
    ref.send({ type: 'inc', by: 5 });
    ref.send({ type: 'release' });
    await expect(Promise.all([first, second])).resolves.toEqual([5, 5]);
  });

  it('rejects with the error given to reply.fail without crashing the actor', async () => {
    type Msg = { type: 'divide'; by: number; reply: Reply<number> };
    const ref = system.spawn(
      'div',
      defineBehaviour<Msg, number>({
        activate: () => 100,
        receive: (state, msg) => {
          if (msg.by === 0) msg.reply.fail(new RangeError('division by zero'));
          else msg.reply(state / msg.by);
          return state;
        },
        snapshot: (s) => s,
      }),
    );
    await expect(ref.ask<number>((reply) => ({ type: 'divide', by: 0, reply }))).rejects.toThrow(RangeError);
    await expect(ref.ask<number>((reply) => ({ type: 'divide', by: 4, reply }))).resolves.toBe(25);
    expect(ref.stats().restarts).toBe(0);
  });

  it('ignores a second reply and reports settled on the handle', async () => {
    const seen: boolean[] = [];
    type Msg = { type: 'twice'; reply: Reply<string> };
    const ref = system.spawn(
      'twice',
      defineBehaviour<Msg, null>({
        activate: () => null,
        receive: (s, msg) => {
          seen.push(msg.reply.settled);
          msg.reply('first');
          msg.reply('second');
          msg.reply.fail(new Error('late'));
          seen.push(msg.reply.settled);
          return s;
        },
        snapshot: () => null,
      }),
    );
    await expect(ref.ask<string>((reply) => ({ type: 'twice', reply }))).resolves.toBe('first');
    expect(seen).toEqual([false, true]);
  });

  it('rejects with a named AskTimeoutError after the timeout (fake timers)', async () => {
    vi.useFakeTimers();
    const ref = spawnCounter();
    const asked = ref.ask<number>((reply) => ({ type: 'hold', reply }), { timeoutMs: 250 });
    const outcome = asked.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(249);
    expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(AskTimeoutError);
    expect(error).toMatchObject({ name: 'AskTimeoutError', actorId: 'c', messageType: 'hold', timeoutMs: 250 });
  });

  it('uses the system default timeout, and a per-actor askTimeoutMs over it', async () => {
    vi.useFakeTimers();
    const a = spawnCounter('a');
    const b = system.spawn('b', counterBehaviour(new Map(), 'b'), { askTimeoutMs: 50 });
    const ra = a.ask<number>((reply) => ({ type: 'hold', reply })).catch((e: unknown) => e);
    const rb = b.ask<number>((reply) => ({ type: 'hold', reply })).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await rb).toMatchObject({ timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(950);
    expect(await ra).toMatchObject({ timeoutMs: 1_000 });
  });

  it('times out an ask stuck behind a slow message, and ignores its late reply', async () => {
    const ref = spawnCounter();
    ref.send({ type: 'inc-slow', ms: 60 });
    const asked = ref.ask<number>((reply) => ({ type: 'get', reply }), { timeoutMs: 10 });
    await expect(asked).rejects.toBeInstanceOf(AskTimeoutError);
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }))).resolves.toBe(1);
  });

  it('rejects at once with ActorStoppedError when the actor is stopped', async () => {
    const ref = spawnCounter();
    await ref.stop();
    const error = await ref.ask<number>((reply) => ({ type: 'get', reply })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorStoppedError);
    expect(error).toMatchObject({ actorId: 'c', reason: 'requested' });
    expect(ref.stats().deadLetters).toBe(1);
  });

  it('rejects queued asks with ActorStoppedError when the actor stops', async () => {
    const ref = spawnCounter();
    ref.send({ type: 'inc-slow', ms: 20 });
    const queued = ref.ask<number>((reply) => ({ type: 'get', reply }));
    await Promise.resolve();
    const stopped = ref.stop();
    await expect(queued).rejects.toBeInstanceOf(ActorStoppedError);
    await stopped;
  });

  it('rejects asks the actor took but never answered when it stops', async () => {
    const ref = spawnCounter();
    const held = ref.ask<number>((reply) => ({ type: 'hold', reply }));
    await ref.ask<number>((reply) => ({ type: 'get', reply }));
    await ref.stop();
    await expect(held).rejects.toMatchObject({ name: 'ActorStoppedError', reason: 'requested' });
  });

  it('lets onStop answer held asks before the runtime rejects the rest', async () => {
    type Msg = { type: 'wait'; reply: Reply<string> };
    const ref = system.spawn(
      'drainer',
      defineBehaviour<Msg, Reply<string>[], number>({
        activate: () => [],
        receive: (s, msg) => [...s, msg.reply],
        snapshot: (s) => s.length,
        onStop: (s) => s.forEach((reply) => reply('shutting down')),
      }),
    );
    const waiting = ref.ask<string>((reply) => ({ type: 'wait', reply }));
    await awaitSnapshot(ref, (n) => n === 1);
    await ref.stop();
    await expect(waiting).resolves.toBe('shutting down');
  });

  it('rejects with the handler error when the asked message crashes the actor', async () => {
    const ref = spawnCounter();
    const boom = new Error('boom');
    await expect(ref.ask<number>((reply) => ({ type: 'crash', error: boom, reply }))).rejects.toBe(boom);
  });

  it('rejects held asks with ActorRestartedError when the actor crashes and restarts', async () => {
    const ref = system.spawn('c', counterBehaviour(new Map(), 'c'), { supervision: { backoff: { initialMs: 0 } } });
    const held = ref.ask<number>((reply) => ({ type: 'hold', reply }));
    const boom = new Error('boom');
    ref.send({ type: 'crash', error: boom });
    const error = await held.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorRestartedError);
    expect((error as ActorRestartedError).cause).toBe(boom);
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }))).resolves.toBe(0);
  });

  it('delivers a reply when the handler turn ends, with the snapshot already committed', async () => {
    type Msg = { type: 'add'; reply: Reply<number> };
    const ref = system.spawn(
      'turn',
      defineBehaviour<Msg, number>({
        activate: () => 0,
        receive: async (state, msg) => {
          msg.reply(state + 1);
          await new Promise((resolve) => setTimeout(resolve, 5));
          return state + 1;
        },
        snapshot: (s) => s,
      }),
    );
    for (let i = 1; i <= 5; i++) {
      const value = await ref.ask<number>((reply) => ({ type: 'add', reply }));
      expect(value).toBe(i);
      expect(ref.getSnapshot()).toBe(i);
    }
  });

  it('rejects with the crash, not the reply, when a handler replies and then throws', async () => {
    type Msg = { type: 'reply-then-throw'; reply: Reply<string> } | { type: 'get'; reply: Reply<number> };
    const ref = system.spawn(
      'liar',
      defineBehaviour<Msg, number>({
        activate: () => 0,
        receive: (state, msg) => {
          if (msg.type === 'get') {
            msg.reply(state);
            return state;
          }
          msg.reply('done');
          throw new Error('after reply');
        },
        snapshot: (s) => s,
      }),
      { supervision: { directive: 'resume' } },
    );
    await expect(ref.ask<string>((reply) => ({ type: 'reply-then-throw', reply }))).rejects.toThrow('after reply');
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }))).resolves.toBe(0);
  });

  it('still delivers replies to other asks given in a turn that then crashed', async () => {
    type Msg = { type: 'wait'; reply: Reply<string> } | { type: 'release-and-crash' };
    const ref = system.spawn(
      'partial',
      defineBehaviour<Msg, Reply<string>[], number>({
        activate: () => [],
        receive: (state, msg) => {
          if (msg.type === 'wait') return [...state, msg.reply];
          state.forEach((reply) => reply('released'));
          throw new Error('crash after release');
        },
        snapshot: (s) => s.length,
      }),
      { supervision: { directive: 'resume' } },
    );
    const waiting = ref.ask<string>((reply) => ({ type: 'wait', reply }));
    ref.send({ type: 'release-and-crash' });
    await expect(waiting).resolves.toBe('released');
  });

  it('answers immediately when the reply is given outside a turn of the target (e.g. by another actor later)', async () => {
    type Msg = { type: 'park'; reply: Reply<number> } | { type: 'ping'; reply: Reply<void> };
    let parked: Reply<number> | undefined;
    const ref = system.spawn(
      'parker',
      defineBehaviour<Msg, null, null>({
        activate: () => null,
        receive: (s, msg) => {
          if (msg.type === 'park') parked = msg.reply;
          else msg.reply();
          return s;
        },
        snapshot: () => null,
      }),
    );
    const asked = ref.ask<number>((reply) => ({ type: 'park', reply }));
    await ref.ask<void>((reply) => ({ type: 'ping', reply }));
    expect(parked?.settled).toBe(false);
    parked?.(99);
    expect(parked?.settled).toBe(true);
    await expect(asked).resolves.toBe(99);
  });

  it('propagates an error thrown by the message builder and enqueues nothing', async () => {
    const ref = spawnCounter();
    await expect(
      ref.ask<number>(() => {
        throw new Error('cannot build');
      }),
    ).rejects.toThrow('cannot build');
    expect(ref.stats().mailboxDepth).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a timeout of %s with InvalidActorOptionsError', async (timeoutMs) => {
    const ref = spawnCounter();
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }), { timeoutMs })).rejects.toBeInstanceOf(
      InvalidActorOptionsError,
    );
  });
});
