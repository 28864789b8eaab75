import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { seededRandom } from '@chat/testing';
import type { Reply } from './types';

type LogMsg =
  | { type: 'append'; sender: number; seq: number; delayMs: number }
  | { type: 'read'; reply: Reply<readonly (readonly [number, number])[]> };

interface Probe {
  inside: number;
  maxInside: number;
}

/** A slow, truly asynchronous handler that records who entered it. */
function logBehaviour(probe: Probe) {
  return defineBehaviour<LogMsg, (readonly [number, number])[], number>({
    activate: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [];
    },
    receive: async (state, msg) => {
      probe.inside += 1;
      probe.maxInside = Math.max(probe.maxInside, probe.inside);
      try {
        if (msg.type === 'read') {
          msg.reply(state);
          return state;
        }
        if (msg.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, msg.delayMs));
        else await Promise.resolve();
        return [...state, [msg.sender, msg.seq] as const];
      } finally {
        probe.inside -= 1;
      }
    },
    snapshot: (state) => state.length,
  });
}

const system = new ActorSystem({ askTimeoutMs: 60_000 });
afterEach(() => system.stopAll());

describe('ordering and exclusivity', () => {
  it('delivers 1,000 messages from 20 concurrent senders in per-sender order with no overlapping handlers', async () => {
    const probe: Probe = { inside: 0, maxInside: 0 };
    const ref = system.spawn('log', logBehaviour(probe));
    const random = seededRandom(42);
    const senders = 20;
    const perSender = 50;
    await Promise.all(
      Array.from({ length: senders }, async (_, sender) => {
        for (let seq = 0; seq < perSender; seq++) {
          ref.send({ type: 'append', sender, seq, delayMs: random() < 0.05 ? 1 : 0 });
          if (random() < 0.5) await Promise.resolve();
          if (random() < 0.05) await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }),
    );
    const log = await ref.ask<readonly (readonly [number, number])[]>((reply) => ({ type: 'read', reply }));
    expect(log).toHaveLength(senders * perSender);
    for (let sender = 0; sender < senders; sender++) {
      const seqs = log.filter(([s]) => s === sender).map(([, seq]) => seq);
      expect(seqs).toEqual(Array.from({ length: perSender }, (_, i) => i));
    }
    expect(probe.maxInside).toBe(1);
    expect(ref.getSnapshot()).toBe(1000);
  });

  it('has an overlap probe that does detect overlap when handlers run unserialised (control)', async () => {
    const probe: Probe = { inside: 0, maxInside: 0 };
    const behaviour = logBehaviour(probe);
    const ctx = undefined as never;
    await Promise.all(
      Array.from({ length: 10 }, (_, seq) => behaviour.receive([], { type: 'append', sender: 0, seq, delayMs: 1 }, ctx)),
    );
    expect(probe.maxInside).toBe(10);
  });

  it('keeps the exact global send order for a single synchronous sender', async () => {
    const probe: Probe = { inside: 0, maxInside: 0 };
    const ref = system.spawn('single', logBehaviour(probe));
    for (let seq = 0; seq < 1000; seq++) ref.send({ type: 'append', sender: 0, seq, delayMs: 0 });
    const log = await ref.ask<readonly (readonly [number, number])[]>((reply) => ({ type: 'read', reply }));
    expect(log.map(([, seq]) => seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(probe.maxInside).toBe(1);
  });

  it('blocks the next message while a handler awaits a timer', async () => {
    const events: string[] = [];
    type Msg = { type: 'slow'; name: string } | { type: 'fast'; name: string; reply: Reply<void> };
    const ref = system.spawn(
      'blocking',
      defineBehaviour<Msg, null>({
        activate: () => null,
        receive: async (state, msg) => {
          events.push(`start ${msg.name}`);
          if (msg.type === 'slow') await new Promise((resolve) => setTimeout(resolve, 15));
          events.push(`end ${msg.name}`);
          if (msg.type === 'fast') msg.reply();
          return state;
        },
        snapshot: () => null,
      }),
    );
    ref.send({ type: 'slow', name: 'a' });
    await ref.ask<void>((reply) => ({ type: 'fast', name: 'b', reply }));
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('answers asks from concurrent callers in arrival order, interleaved with tells', async () => {
    const probe: Probe = { inside: 0, maxInside: 0 };
    const ref = system.spawn('mixed', logBehaviour(probe));
    const lengths = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        ref.send({ type: 'append', sender: i, seq: 0, delayMs: 0 });
        const log = await ref.ask<readonly (readonly [number, number])[]>((reply) => ({ type: 'read', reply }));
        return log.length;
      }),
    );
    expect(lengths).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(probe.maxInside).toBe(1);
  });

  it('runs handlers of different actors concurrently', async () => {
    const order: string[] = [];
    type Msg = { type: 'work'; ms: number; reply: Reply<void> };
    const worker = (name: string) =>
      defineBehaviour<Msg, null>({
        activate: () => null,
        receive: async (s, msg) => {
          order.push(`${name} start`);
          await new Promise((resolve) => setTimeout(resolve, msg.ms));
          order.push(`${name} end`);
          msg.reply();
          return s;
        },
        snapshot: () => null,
      });
    const a = system.spawn('wa', worker('a'));
    const b = system.spawn('wb', worker('b'));
    await Promise.all([
      a.ask<void>((reply) => ({ type: 'work', ms: 20, reply })),
      b.ask<void>((reply) => ({ type: 'work', ms: 5, reply })),
    ]);
    expect(order).toEqual(['a start', 'b start', 'b end', 'a end']);
  });
});
