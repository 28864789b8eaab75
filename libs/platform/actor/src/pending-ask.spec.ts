import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock';
import { PendingAsk, TurnBuffer } from './pending-ask';

describe('PendingAsk', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves through the reply handle and reports settled once', async () => {
    const settled: unknown[] = [];
    const ask = new PendingAsk<number>(systemClock, (a) => settled.push(a));
    expect(ask.reply.settled).toBe(false);
    ask.reply(7);
    ask.reply(8);
    ask.reply.fail(new Error('late'));
    await expect(ask.promise).resolves.toBe(7);
    expect(ask.reply.settled).toBe(true);
    expect(settled).toEqual([ask]);
  });

  it('rejects through reply.fail', async () => {
    const ask = new PendingAsk<number>(systemClock, () => {});
    const error = new Error('no');
    ask.reply.fail(error);
    await expect(ask.promise).rejects.toBe(error);
  });

  it('rejects with the timeout error and ignores a later reply', async () => {
    const ask = new PendingAsk<number>(systemClock, () => {});
    ask.armTimeout(100, () => new Error('timeout'));
    const outcome = ask.promise.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    ask.reply(1);
    expect(await outcome).toEqual(new Error('timeout'));
  });

  it('cancels the timer when settled first', async () => {
    const ask = new PendingAsk<number>(systemClock, () => {});
    ask.armTimeout(100, () => new Error('timeout'));
    ask.resolve(3);
    expect(vi.getTimerCount()).toBe(0);
    await expect(ask.promise).resolves.toBe(3);
  });

  it('does not arm a timer once settled', () => {
    const ask = new PendingAsk<number>(systemClock, () => {});
    ask.reject(new Error('x'));
    ask.promise.catch(() => {});
    ask.armTimeout(100, () => new Error('timeout'));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds a reply given during a turn until the turn ends, and cancels its timeout', async () => {
    const turn = new TurnBuffer();
    const ask = new PendingAsk<number>(systemClock, () => {}, turn);
    ask.armTimeout(10, () => new Error('timeout'));
    let delivered: number | undefined;
    void ask.promise.then((v) => (delivered = v));
    turn.begin();
    ask.reply(5);
    expect(ask.reply.settled).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    expect(delivered).toBeUndefined();
    turn.end();
    await Promise.resolve();
    expect(delivered).toBe(5);
  });

  it('lets failTurn replace a held reply with the crash', async () => {
    const turn = new TurnBuffer();
    const ask = new PendingAsk<number>(systemClock, () => {}, turn);
    turn.begin();
    ask.reply(5);
    const crash = new Error('crash');
    ask.failTurn(crash);
    turn.end();
    await expect(ask.promise).rejects.toBe(crash);
  });

  it('does not hold runtime rejections or timeouts during a turn', async () => {
    const turn = new TurnBuffer();
    const ask = new PendingAsk<number>(systemClock, () => {}, turn);
    turn.begin();
    const error = new Error('stopped');
    ask.reject(error);
    await expect(ask.promise).rejects.toBe(error);
    turn.end();
  });

  it('delivers held replies in the order they were given', async () => {
    const turn = new TurnBuffer();
    const order: number[] = [];
    const asks = [1, 2, 3].map(() => new PendingAsk<number>(systemClock, () => {}, turn));
    asks.forEach((a) => void a.promise.then((v) => order.push(v)));
    turn.begin();
    asks[2]?.reply(3);
    asks[0]?.reply(1);
    asks[1]?.reply(2);
    turn.end();
    await Promise.all(asks.map((a) => a.promise));
    expect(order).toEqual([3, 1, 2]);
  });
});
