import { afterAll, describe, expect, it } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { seededRandom } from '@chat/testing';
import type { Reply } from './types';

type Crash = 'no' | 'restart' | 'resume';
type Msg =
  | { type: 'add'; seq: number; crash: Crash; reply: Reply<number> }
  | { type: 'read'; reply: Reply<number> };

class CrashError extends Error {
  constructor(
    readonly seq: number,
    readonly directive: 'restart' | 'resume',
  ) {
    super(`crash at ${seq}`);
  }
}

const ACTORS = 100;
const PER_ACTOR = 1_000;
const CLIENTS = 10;
const system = new ActorSystem({ askTimeoutMs: 60_000, random: seededRandom(7) });
afterAll(() => system.stopAll());

type Outcome = { ok: true; value: number } | { ok: false; error: unknown };

describe('stress', () => {
  it(`${ACTORS} actors x ${PER_ACTOR} asks, random crashes: state rebuilt from the store, every ask answered`, async () => {
    const random = seededRandom(2024);
    const store = new Map<string, number>();
    const activations = new Map<string, number>();
    const inside = new Map<string, number>();
    let overlaps = 0;
    let activationFailures = 0;

    const behaviour = defineBehaviour<Msg, number>({
      activate: async (ctx) => {
        activations.set(ctx.self.id, (activations.get(ctx.self.id) ?? 0) + 1);
        await Promise.resolve();
        if (random() < 0.05) {
          activationFailures += 1;
          throw new Error('store hiccup');
        }
        return store.get(ctx.self.id) ?? 0;
      },
      receive: async (count, msg, ctx) => {
        const id = ctx.self.id;
        inside.set(id, (inside.get(id) ?? 0) + 1);
        if ((inside.get(id) ?? 0) > 1) overlaps += 1;
        try {
          if (msg.type === 'read') {
            msg.reply(count);
            return count;
          }
          if (msg.seq % 3 === 0) await Promise.resolve();
          if (msg.crash !== 'no') throw new CrashError(msg.seq, msg.crash);
          const next = count + 1;
          store.set(id, next);
          msg.reply(next);
          return next;
        } finally {
          inside.set(id, (inside.get(id) ?? 0) - 1);
        }
      },
      snapshot: (count) => count,
      supervision: {
        directive: (error) => (error instanceof CrashError ? error.directive : 'restart'),
        backoff: { initialMs: 0, maxMs: 2, jitter: 0.5 },
        maxRestarts: 10_000,
      },
    });

    const ids = Array.from({ length: ACTORS }, (_, i) => `actor:${i}`);
    const plans = new Map(ids.map((id) => [id, [] as Crash[]]));
    const asks: { id: string; seq: number; crash: Crash; outcome: Promise<Outcome> }[] = [];

    // Every actor gets PER_ACTOR messages, in a shuffled global order.
    const tokens = Array.from({ length: ACTORS * PER_ACTOR }, (_, i) => i % ACTORS);
    for (let i = tokens.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [tokens[i], tokens[j]] = [tokens[j] as number, tokens[i] as number];
    }
    // CLIENTS concurrent senders share the token list and yield now and then.
    let cursor = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (cursor < tokens.length) {
          const id = ids[tokens[cursor++] as number] as string;
          const plan = plans.get(id) as Crash[];
          const seq = plan.length;
          const roll = random();
          const crash: Crash = roll < 0.01 ? 'restart' : roll < 0.02 ? 'resume' : 'no';
          plan.push(crash);
          const ref = system.getOrSpawn(id, () => behaviour);
          const outcome = ref.ask<number>((reply) => ({ type: 'add', seq, crash, reply })).then(
            (value): Outcome => ({ ok: true, value }),
            (error: unknown): Outcome => ({ ok: false, error }),
          );
          asks.push({ id, seq, crash, outcome });
          if (random() < 0.01) await new Promise((resolve) => setImmediate(resolve));
          else if (random() < 0.2) await Promise.resolve();
        }
      }),
    );

    const results = await Promise.all(asks.map((a) => a.outcome));
    expect(results).toHaveLength(ACTORS * PER_ACTOR);
    expect(overlaps).toBe(0);

    const okByActor = new Map<string, number[]>(ids.map((id) => [id, []]));
    const wrong: string[] = [];
    results.forEach((result, i) => {
      const ask = asks[i];
      if (ask === undefined) throw new Error('missing ask');
      if (ask.crash === 'no') {
        if (result.ok) okByActor.get(ask.id)?.push(result.value);
        else wrong.push(`${ask.id}#${ask.seq} rejected: ${String(result.error)}`);
      } else if (result.ok || !(result.error instanceof CrashError) || result.error.seq !== ask.seq) {
        wrong.push(`${ask.id}#${ask.seq} should have failed with its own crash`);
      }
    });
    expect(wrong).toEqual([]);

    // A last read per actor waits out any restart still in backoff.
    const reads = await Promise.all(ids.map((id) => system.get<Msg, number>(id)?.ask<number>((reply) => ({ type: 'read', reply }))));
    let totalRestarts = 0;
    ids.forEach((id, i) => {
      const ref = system.get<Msg, number>(id);
      const plan = plans.get(id) ?? [];
      const expected = plan.filter((c) => c === 'no').length;
      // Replies in send order count 1, 2, 3, ...: nothing lost, nothing applied twice.
      expect(okByActor.get(id)).toEqual(Array.from({ length: expected }, (_, n) => n + 1));
      expect(store.get(id)).toBe(expected);
      expect(reads[i]).toBe(expected);
      expect(ref?.getSnapshot()).toBe(expected);
      const restarts = ref?.stats().restarts ?? 0;
      expect(activations.get(id)).toBe(restarts + 1);
      expect(restarts).toBeGreaterThanOrEqual(plan.filter((c) => c === 'restart').length);
      totalRestarts += restarts;
    });
    expect(totalRestarts).toBeGreaterThan(ACTORS);
    expect(activationFailures).toBeGreaterThan(0);
  }, 60_000);
});
