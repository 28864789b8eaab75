import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { DuplicateActorIdError, InvalidActorOptionsError, ParentStoppedError } from './errors';
import { counterBehaviour } from './fixtures/counter.actor';
import type { CounterMsg } from './fixtures/counter.messages';
import type { ActorContext, ActorRef, Behaviour, Reply } from './types';

const system = new ActorSystem({ askTimeoutMs: 10_000 });
afterEach(async () => {
  vi.useRealTimers();
  await system.stopAll();
});

type ParentMsg =
  | { type: 'spawn'; childId: string; reply: Reply<ActorRef<CounterMsg, { count: number }>> }
  | { type: 'child'; childId: string; reply: Reply<boolean> }
  | { type: 'crash' };

/** A parent that spawns counters on request and logs its own stop. */
function parentBehaviour(log: string[], keepCtx?: (ctx: ActorContext<ParentMsg>) => void): Behaviour<ParentMsg, null, null> {
  const store = new Map<string, number>();
  return defineBehaviour<ParentMsg, null, null>({
    activate: (ctx) => {
      keepCtx?.(ctx);
      return null;
    },
    receive: (state, msg, ctx) => {
      if (msg.type === 'crash') throw new Error('parent crashed');
      if (msg.type === 'child') msg.reply(ctx.child(msg.childId) !== undefined);
      else {
        const child = ctx.spawn(msg.childId, {
          ...counterBehaviour(store, msg.childId),
          onStop: () => void log.push(`child ${msg.childId} stopped`),
        });
        msg.reply(child);
      }
      return state;
    },
    snapshot: () => null,
    onStop: () => void log.push('parent onStop'),
  });
}

const spawnChild = (parent: ActorRef<ParentMsg, null>, childId: string) =>
  parent.ask<ActorRef<CounterMsg, { count: number }>>((reply) => ({ type: 'spawn', childId, reply }));

describe('children', () => {
  it('registers a child under parentId/childId, visible to the system and ctx.child', async () => {
    const parent = system.spawn('guild:1', parentBehaviour([]));
    const child = await spawnChild(parent, 'voice');
    expect(child.id).toBe('guild:1/voice');
    expect(system.get('guild:1/voice')).toBe(child);
    expect(await parent.ask<boolean>((reply) => ({ type: 'child', childId: 'voice', reply }))).toBe(true);
    child.send({ type: 'inc' });
    expect(await child.ask<number>((reply) => ({ type: 'get', reply }))).toBe(1);
  });

  it('stops children (with their onStop) before the parent runs onStop', async () => {
    const log: string[] = [];
    const parent = system.spawn('p', parentBehaviour(log));
    const a = await spawnChild(parent, 'a');
    const b = await spawnChild(parent, 'b');
    await parent.stop();
    expect(log.slice(0, 2).sort()).toEqual(['child a stopped', 'child b stopped']);
    expect(log[2]).toBe('parent onStop');
    expect(await a.whenStopped()).toEqual({ kind: 'parent-stopped' });
    expect(await b.whenStopped()).toEqual({ kind: 'parent-stopped' });
    expect(system.size).toBe(0);
  });

  it('stops grandchildren when the grandparent stops', async () => {
    let inner: ActorRef<CounterMsg, { count: number }> | undefined;
    type Msg = { type: 'nest'; reply: Reply<void> };
    const middle = defineBehaviour<Msg, null, null>({
      activate: () => null,
      receive: (s, msg, ctx) => {
        inner = ctx.spawn('leaf', counterBehaviour(new Map(), 'leaf'));
        msg.reply();
        return s;
      },
      snapshot: () => null,
    });
    let mid: ActorRef<Msg, null> | undefined;
    const root = system.spawn(
      'root',
      defineBehaviour<{ type: 'ready'; reply: Reply<void> }, null, null>({
        activate: (ctx) => {
          mid = ctx.spawn('mid', middle);
          return null;
        },
        receive: (s, msg) => {
          msg.reply();
          return s;
        },
        snapshot: () => null,
      }),
    );
    await root.ask<void>((reply) => ({ type: 'ready', reply }));
    await mid?.ask<void>((reply) => ({ type: 'nest', reply }));
    expect(inner?.id).toBe('root/mid/leaf');
    await root.stop();
    expect(inner?.status).toBe('stopped');
    expect(mid?.status).toBe('stopped');
  });

  it('forgets a child that stopped on its own, so the id can be reused', async () => {
    const parent = system.spawn('p2', parentBehaviour([]));
    const first = await spawnChild(parent, 'x');
    await first.stop();
    expect(await parent.ask<boolean>((reply) => ({ type: 'child', childId: 'x', reply }))).toBe(false);
    const second = await spawnChild(parent, 'x');
    expect(second).not.toBe(first);
    expect(second.status).not.toBe('stopped');
  });

  it('rejects a duplicate child id while the first child lives', async () => {
    const parent = system.spawn('p3', parentBehaviour([]), { supervision: { directive: 'resume' } });
    await spawnChild(parent, 'dup');
    await expect(spawnChild(parent, 'dup')).rejects.toBeInstanceOf(DuplicateActorIdError);
  });

  it('rejects an empty child id', async () => {
    const parent = system.spawn('p4', parentBehaviour([]), { supervision: { directive: 'resume' } });
    await expect(spawnChild(parent, '')).rejects.toBeInstanceOf(InvalidActorOptionsError);
  });

  it('throws ParentStoppedError when spawning from a stopping parent', async () => {
    let ctx: ActorContext<ParentMsg> | undefined;
    const parent = system.spawn('p5', parentBehaviour([], (c) => (ctx = c)));
    await parent.ask<boolean>((reply) => ({ type: 'child', childId: 'none', reply }));
    const stopped = parent.stop();
    expect(() => ctx?.spawn('late', counterBehaviour(new Map(), 'late'))).toThrow(ParentStoppedError);
    await stopped;
  });

  it('stops children when the parent crashes and restarts', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const parent = system.spawn('p6', parentBehaviour(log), { supervision: { backoff: { initialMs: 100 } } });
    const child = await spawnChild(parent, 'c');
    parent.send({ type: 'crash' });
    expect(await child.whenStopped()).toEqual({ kind: 'parent-stopped' });
    expect(log).toEqual(['child c stopped']);
    await vi.advanceTimersByTimeAsync(100);
    expect(parent.status).toBe('running');
    const again = await spawnChild(parent, 'c');
    expect(again.status).not.toBe('stopped');
  });

  it('lets a child tell its parent, and a parent observe a child that escalated', async () => {
    type Msg = { type: 'child-down'; kind: string } | { type: 'start'; reply: Reply<void> };
    const downs: string[] = [];
    let sawDown!: () => void;
    const down = new Promise<void>((resolve) => (sawDown = resolve));
    const parent = system.spawn(
      'watcher',
      defineBehaviour<Msg, null, null>({
        activate: () => null,
        receive: (s, msg, ctx) => {
          if (msg.type === 'child-down') {
            downs.push(msg.kind);
            sawDown();
          } else {
            const child = ctx.spawn('fragile', counterBehaviour(new Map(), 'fragile'), { supervision: { maxRestarts: 0 } });
            void child.whenStopped().then((reason) => ctx.self.send({ type: 'child-down', kind: reason.kind }));
            child.send({ type: 'crash', error: new Error('child bug') });
            msg.reply();
          }
          return s;
        },
        snapshot: () => null,
      }),
    );
    await parent.ask<void>((reply) => ({ type: 'start', reply }));
    await down;
    expect(downs).toEqual(['restart-limit']);
    expect(parent.status).toBe('running');
  });
});
