import { describe, expect, it } from 'vitest';
import { KeyedPublishQueue, type QueuedPublish } from './keyed-publish-queue';

/** A publish the test completes by hand. */
function gated(key: string, log: string[], name: string): QueuedPublish & { finish(ok: boolean): void } {
  let finish: (ok: boolean) => void = () => undefined;
  return {
    key,
    run: () => {
      log.push(`run ${name}`);
      return new Promise<boolean>((resolve) => (finish = resolve));
    },
    skip: () => void log.push(`skip ${name}`),
    finish: (ok) => finish(ok),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedPublishQueue', () => {
  it('runs one key in order, one at a time, and other keys alongside', async () => {
    const log: string[] = [];
    const queue = new KeyedPublishQueue(100);
    const a1 = gated('a', log, 'a1');
    const a2 = gated('a', log, 'a2');
    const b1 = gated('b', log, 'b1');
    expect([queue.enqueue(a1), queue.enqueue(a2), queue.enqueue(b1)]).toEqual([true, true, true]);
    await tick();
    expect(log).toEqual(['run a1', 'run b1']);
    a1.finish(true);
    await tick();
    expect(log).toEqual(['run a1', 'run b1', 'run a2']);
    a2.finish(true);
    b1.finish(true);
    await queue.settled();
    expect(queue.pending).toBe(0);
  });

  it('skips what waits behind a failed publish of the same key, and runs the key again afterwards', async () => {
    const log: string[] = [];
    const queue = new KeyedPublishQueue(100);
    const [a1, a2, a3, b1] = [gated('a', log, 'a1'), gated('a', log, 'a2'), gated('a', log, 'a3'), gated('b', log, 'b1')];
    for (const item of [a1, a2, a3, b1]) queue.enqueue(item);
    await tick();
    a1.finish(false);
    b1.finish(true);
    await queue.settled();
    expect(log).toEqual(['run a1', 'run b1', 'skip a2', 'skip a3']);
    const a4 = gated('a', log, 'a4');
    queue.enqueue(a4);
    await tick();
    a4.finish(true);
    await queue.settled();
    expect(log.at(-1)).toBe('run a4');
  });

  it('refuses past its bound and after close, and close skips what has not started', async () => {
    const log: string[] = [];
    const queue = new KeyedPublishQueue(2);
    const a1 = gated('a', log, 'a1');
    expect(queue.enqueue(a1)).toBe(true);
    expect(queue.enqueue(gated('a', log, 'a2'))).toBe(true);
    expect(queue.enqueue(gated('b', log, 'b1'))).toBe(false);
    await tick();
    queue.close();
    expect(queue.enqueue(gated('c', log, 'c1'))).toBe(false);
    a1.finish(true);
    await queue.settled();
    expect(log).toEqual(['run a1', 'skip a2']);
  });
});
