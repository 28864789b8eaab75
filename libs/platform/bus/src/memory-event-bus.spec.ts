import { describe, expect, it } from 'vitest';
import { eventBusContract } from './event-bus.contract';
import { MemoryEventBus } from './memory-event-bus';

eventBusContract('memory', { create: async () => new MemoryEventBus({ partitions: 8 }) });

describe('MemoryEventBus specifics', () => {
  it('keeps at most maxRetainedPerPartition records for a group that lags, dropping the oldest', async () => {
    const bus = new MemoryEventBus({ partitions: 1, maxRetainedPerPartition: 3 });
    const seen: string[] = [];
    const away = await bus.subscribe('t', 'g', async () => undefined);
    await away.close();
    for (let i = 0; i < 6; i++) await bus.publish('t', 'k', new TextEncoder().encode(String(i)));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await bus.subscribe('t', 'g', async (record) => {
      seen.push(new TextDecoder().decode(record.value));
      if (seen.length === 3) done();
    });
    await finished;
    expect(seen).toEqual(['3', '4', '5']);
    await bus.close();
  });

  it('counts publishes, handled records, retries and dead letters through the observer', async () => {
    const counts: Record<string, number> = {};
    const bump = (name: string) => () => void (counts[name] = (counts[name] ?? 0) + 1);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const bus = new MemoryEventBus({
      partitions: 1,
      retry: { maxAttempts: 2, retryBackoffMs: 0, maxRetryBackoffMs: 0 },
      observer: { published: bump('published'), handled: bump('handled'), retried: bump('retried'), deadLettered: bump('dead') },
    });
    await bus.subscribe('t', 'g', async (record) => {
      if (new TextDecoder().decode(record.value) === 'bad') throw new Error('no');
      done();
    });
    await bus.publish('t', 'k', new TextEncoder().encode('bad'));
    await bus.publish('t', 'k', new TextEncoder().encode('good'));
    await finished;
    await new Promise((resolve) => setImmediate(resolve));
    // 'bad' + 'good' + the dead letter on t.dlq
    expect(counts).toEqual({ published: 3, retried: 1, dead: 1, handled: 1 });
    await bus.close();
  });
});
