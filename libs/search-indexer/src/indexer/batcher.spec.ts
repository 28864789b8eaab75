import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

function recorder(fail = false) {
  const flushed: { destination: string; items: number[]; at: number }[] = [];
  const started = Date.now();
  return {
    flushed,
    flush: async (destination: string, items: number[]) => {
      flushed.push({ destination, items, at: Date.now() - started });
      if (fail) throw new Error('bulk failed');
    },
  };
}

describe('Batcher', () => {
  it('flushes at the size limit and resolves every add of the batch', async () => {
    const log = recorder();
    const batcher = new Batcher({ maxItems: 3, maxDelayMs: 10_000, lingerMs: 0 }, log.flush);
    const adds = [batcher.add('a', [1]), batcher.add('a', [2]), batcher.add('a', [3])];
    await Promise.all(adds);
    expect(log.flushed.map((f) => f.items)).toEqual([[1, 2, 3]]);
    expect(batcher.size).toBe(0);
  });

  it('keeps destinations apart and flushes a partial batch after maxDelayMs', async () => {
    const log = recorder();
    const batcher = new Batcher({ maxItems: 100, maxDelayMs: 50, lingerMs: 0 }, log.flush);
    await Promise.all([batcher.add('a', [1]), batcher.add('b', [2]), batcher.add('a', [3])]);
    expect(log.flushed.map((f) => [f.destination, f.items])).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    expect(log.flushed[0]!.at).toBeGreaterThanOrEqual(45);
  });

  it('flushes after lingerMs without new items, before maxDelayMs', async () => {
    const log = recorder();
    const batcher = new Batcher({ maxItems: 100, maxDelayMs: 5_000, lingerMs: 10 }, log.flush);
    await batcher.add('a', [1, 2]);
    expect(log.flushed).toHaveLength(1);
    expect(log.flushed[0]!.at).toBeLessThan(1_000);
  });

  it('rejects every add of a failed batch (their records are redelivered)', async () => {
    const log = recorder(true);
    const batcher = new Batcher({ maxItems: 2, maxDelayMs: 1_000, lingerMs: 0 }, log.flush);
    const results = await Promise.allSettled([batcher.add('a', [1]), batcher.add('a', [2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('drain flushes what is pending', async () => {
    const log = recorder();
    const batcher = new Batcher({ maxItems: 100, maxDelayMs: 60_000, lingerMs: 0 }, log.flush);
    const added = batcher.add('a', [7]);
    await batcher.drain();
    await added;
    expect(log.flushed.map((f) => f.items)).toEqual([[7]]);
  });
});
