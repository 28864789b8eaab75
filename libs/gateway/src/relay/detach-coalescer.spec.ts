import type { guildV1 } from '@chat/proto';
import { describe, expect, it } from 'vitest';
import { DetachCoalescer, type DetachTarget } from './detach-coalescer';

function request(n: number): guildV1.DetachSessionRequest {
  return { sessionId: `s${n}`, userId: String(1000 + n), nodeId: 'gw-1', guildIds: ['42'] };
}

function fakeNode(options: { batched?: boolean; batchError?: unknown } = {}) {
  const batches: guildV1.DetachSessionsRequest[] = [];
  const deadlines: (number | undefined)[] = [];
  const singles: guildV1.DetachSessionRequest[] = [];
  const target: DetachTarget = {
    detachSession: async (r) => {
      singles.push(r);
      return {};
    },
    ...(options.batched === false
      ? {}
      : {
          detachSessions: async (r: guildV1.DetachSessionsRequest, o?: { timeoutMs?: number }) => {
            deadlines.push(o?.timeoutMs);
            if (options.batchError) throw options.batchError;
            batches.push(r);
            return {};
          },
        }),
  };
  return { target, batches, singles, deadlines };
}

describe('DetachCoalescer', () => {
  it('sends the detaches owed to one guild node within the window as one call', async () => {
    const a = fakeNode();
    const b = fakeNode();
    const coalescer = new DetachCoalescer({ client: (node) => (node === 'a' ? a.target : b.target), timeoutMs: 1000, windowMs: 5 });
    const waits = Array.from({ length: 1000 }, (_, n) => coalescer.detach(n % 10 === 0 ? 'b' : 'a', request(n)));
    await Promise.all(waits);
    expect(a.batches).toHaveLength(1);
    expect(a.batches[0]?.sessions).toHaveLength(900);
    expect(b.batches).toHaveLength(1);
    expect(b.batches[0]?.sessions.map((s) => s.sessionId).slice(0, 2)).toEqual(['s0', 's10']);
    expect(a.singles).toHaveLength(0);
    // 1000 ms plus 1 ms per session in the batch.
    expect(a.deadlines).toEqual([1900]);
    expect(coalescer.stats).toEqual({ batchCalls: 2, singleCalls: 0, requests: 1000 });
  });

  it('splits at maxBatch', async () => {
    const a = fakeNode();
    const coalescer = new DetachCoalescer({ client: () => a.target, timeoutMs: 1000, windowMs: 5, maxBatch: 300 });
    await Promise.all(Array.from({ length: 700 }, (_, n) => coalescer.detach('a', request(n))));
    expect(a.batches.map((b) => b.sessions.length)).toEqual([300, 300, 100]);
  });

  it('falls back to one DetachSession per session on a guild node without DetachSessions, and remembers it', async () => {
    const old = fakeNode({ batchError: Object.assign(new Error('unimplemented'), { code: 12 }) });
    const coalescer = new DetachCoalescer({ client: () => old.target, timeoutMs: 1000, windowMs: 1 });
    await Promise.all([coalescer.detach('a', request(1)), coalescer.detach('a', request(2))]);
    expect(old.singles.map((r) => r.sessionId)).toEqual(['s1', 's2']);
    await coalescer.detach('a', request(3));
    expect(coalescer.stats.batchCalls).toBe(1);
    expect(old.singles.map((r) => r.sessionId)).toEqual(['s1', 's2', 's3']);

    const noMethod = fakeNode({ batched: false });
    const plain = new DetachCoalescer({ client: () => noMethod.target, timeoutMs: 1000, windowMs: 1 });
    await plain.detach('a', request(4));
    expect(noMethod.singles.map((r) => r.sessionId)).toEqual(['s4']);
  });

  it('reports a failed call once and still resolves every caller', async () => {
    const broken = fakeNode({ batchError: new Error('deadline exceeded') });
    const errors: string[] = [];
    const coalescer = new DetachCoalescer({ client: () => broken.target, timeoutMs: 1000, windowMs: 1, onError: (_e, context) => errors.push(context) });
    await Promise.all([coalescer.detach('a', request(1)), coalescer.detach('a', request(2))]);
    expect(errors).toEqual(['detach 2 sessions at a']);
    expect(broken.singles).toHaveLength(0);
  });

  it('flushAll sends what is queued without waiting for the window', async () => {
    const a = fakeNode();
    const coalescer = new DetachCoalescer({ client: () => a.target, timeoutMs: 1000, windowMs: 60_000 });
    const pending = coalescer.detach('a', request(1));
    await coalescer.flushAll();
    await pending;
    expect(a.batches).toHaveLength(1);
  });
});
