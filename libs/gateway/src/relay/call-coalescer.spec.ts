import { describe, expect, it } from 'vitest';
import { CallCoalescer } from './call-coalescer';

function unimplemented(): Error {
  return Object.assign(new Error('unimplemented'), { kind: 'unimplemented' });
}

describe('CallCoalescer', () => {
  it('answers each caller with its own result from one batched call per node and window', async () => {
    const batches: [string, number[]][] = [];
    const coalescer = new CallCoalescer<number, string>({
      sendBatch: (node, requests) => {
        batches.push([node, [...requests]]);
        return Promise.resolve(requests.map((r) => `${node}:${r * 2}`));
      },
      sendOne: () => Promise.reject(new Error('not used')),
      windowMs: 5,
    });
    const answers = await Promise.all([coalescer.call('a', 1), coalescer.call('b', 2), coalescer.call('a', 3)]);
    expect(answers).toEqual(['a:2', 'b:4', 'a:6']);
    expect(batches).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    // A later call opens a new window.
    expect(await coalescer.call('a', 5)).toBe('a:10');
    expect(coalescer.stats).toEqual({ batchCalls: 3, singleCalls: 0, requests: 4 });
  });

  it('rejects every caller of a failed batch with its error', async () => {
    const coalescer = new CallCoalescer<number, number>({
      sendBatch: () => Promise.reject(new Error('deadline exceeded')),
      sendOne: () => Promise.resolve(0),
      windowMs: 1,
    });
    const results = await Promise.allSettled([coalescer.call('a', 1), coalescer.call('a', 2)]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['deadline exceeded', 'deadline exceeded']);
  });

  it('sends single calls to a node without the batched method, and after UNIMPLEMENTED for good', async () => {
    let batchCalls = 0;
    const singles: number[] = [];
    const coalescer = new CallCoalescer<number, number>({
      sendBatch: (node) => {
        if (node === 'plain') return undefined;
        batchCalls += 1;
        return Promise.reject(unimplemented());
      },
      sendOne: (_node, request) => {
        singles.push(request);
        return request === 13 ? Promise.reject(new Error('unlucky')) : Promise.resolve(request + 100);
      },
      windowMs: 1,
    });
    expect(await Promise.all([coalescer.call('old', 1), coalescer.call('old', 2)])).toEqual([101, 102]);
    expect(await coalescer.call('old', 3)).toBe(103);
    expect(batchCalls).toBe(1);
    expect(await coalescer.call('plain', 4)).toBe(104);
    await expect(coalescer.call('plain', 13)).rejects.toThrow('unlucky');
    expect(singles).toEqual([1, 2, 3, 4, 13]);
  });

  it('splits at maxBatch and flushAll sends at once', async () => {
    const sizes: number[] = [];
    const coalescer = new CallCoalescer<number, number>({
      sendBatch: (_node, requests) => {
        sizes.push(requests.length);
        return Promise.resolve(requests);
      },
      sendOne: () => Promise.reject(new Error('not used')),
      windowMs: 60_000,
      maxBatch: 4,
    });
    const calls = Array.from({ length: 10 }, (_, i) => coalescer.call('a', i));
    await coalescer.flushAll();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });
});
