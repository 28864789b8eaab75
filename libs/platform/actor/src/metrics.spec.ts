import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem } from './actor-system';
import { counterBehaviour } from './fixtures/counter.actor';
import { guardMetrics, noopActorMetrics, type ActorMetrics } from './metrics';
import type { Reply } from './types';

interface Recorded {
  depths: number[];
  processed: [string, number][];
  restarted: number;
  deadLetters: number;
}

function recorder(): { metrics: ActorMetrics; recorded: Recorded } {
  const recorded: Recorded = { depths: [], processed: [], restarted: 0, deadLetters: 0 };
  return {
    recorded,
    metrics: {
      mailboxDepth: (id, depth) => void (id === 'm' && recorded.depths.push(depth)),
      processed: (_id, type, ms) => void recorded.processed.push([type, ms]),
      restarted: () => void (recorded.restarted += 1),
      deadLetter: () => void (recorded.deadLetters += 1),
    },
  };
}

const get = (reply: Reply<number>) => ({ type: 'get' as const, reply });

describe('metrics hook', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports mailbox depth on enqueue and dequeue, and processing time per message type', async () => {
    const { metrics, recorded } = recorder();
    const system = new ActorSystem({ metrics });
    const ref = system.spawn('m', counterBehaviour(new Map(), 'm'));
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc-slow', ms: 250 });
    const answer = ref.ask(get);
    await vi.advanceTimersByTimeAsync(250);
    await expect(answer).resolves.toBe(2);
    await system.stopAll();
    expect(recorded.depths.slice(0, 6)).toEqual([1, 2, 3, 2, 1, 0]);
    expect(recorded.processed.map(([type]) => type)).toEqual(['inc', 'inc-slow', 'get']);
    expect(recorded.processed[1]?.[1]).toBe(250);
  });

  it('reports restarts and dead letters, matching ref.stats()', async () => {
    const { metrics, recorded } = recorder();
    const system = new ActorSystem({ metrics });
    const ref = system.spawn('m', counterBehaviour(new Map(), 'm'), { supervision: { backoff: { initialMs: 10 } } });
    ref.send({ type: 'crash', error: new Error('x') });
    await vi.advanceTimersByTimeAsync(10);
    await ref.stop();
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc' });
    expect(recorded.restarted).toBe(1);
    expect(recorded.deadLetters).toBe(2);
    expect(ref.stats()).toMatchObject({ restarts: 1, deadLetters: 2, processed: 1 });
  });

  it('survives a metrics sink that throws, logging a warning instead', async () => {
    const warnings: string[] = [];
    const explode = () => {
      throw new Error('sink down');
    };
    const system = new ActorSystem({
      metrics: { mailboxDepth: explode, processed: explode, restarted: explode, deadLetter: explode },
      logger: { debug: () => {}, info: () => {}, error: () => {}, warn: (_f, msg) => void warnings.push(msg) },
    });
    const ref = system.spawn('m', counterBehaviour(new Map(), 'm'));
    ref.send({ type: 'inc' });
    await expect(ref.ask(get)).resolves.toBe(1);
    expect(ref.stats().restarts).toBe(0);
    expect(warnings).toContain('actor metrics sink threw');
    await system.stopAll();
  });
});

describe('guardMetrics / noopActorMetrics', () => {
  it('forwards calls with their arguments and this', () => {
    const calls: unknown[][] = [];
    const sink = {
      prefix: 'p',
      mailboxDepth(id: string, depth: number) {
        calls.push([this.prefix, id, depth]);
      },
      processed: () => {},
      restarted: () => {},
      deadLetter: () => {},
    };
    guardMetrics(sink, () => {}).mailboxDepth('a', 3);
    expect(calls).toEqual([['p', 'a', 3]]);
  });

  it('has a no-op default that accepts every call', () => {
    expect(() => {
      noopActorMetrics.mailboxDepth('a', 1);
      noopActorMetrics.processed('a', 't', 1);
      noopActorMetrics.restarted('a');
      noopActorMetrics.deadLetter('a');
    }).not.toThrow();
  });
});
