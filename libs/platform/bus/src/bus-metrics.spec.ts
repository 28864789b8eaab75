import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { kafkaConsumerLag, registerBusMetrics } from './bus-metrics';
import { MemoryEventBus } from './memory-event-bus';

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const LAG = 'chat_bus_consumer_lag{topic="messages",group="search"}';

describe('bus metrics', () => {
  it('reports the memory bus queue length per topic and group, and it drains to 0', async () => {
    const registry = new Registry();
    const bus = new MemoryEventBus({ partitions: 4 });
    registerBusMetrics(registry, bus);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    await bus.subscribe('messages', 'search', async (record) => {
      await gate;
      handled.push(record.offset);
    });
    await bus.subscribe('messages', 'read-states', async () => undefined);
    for (let i = 0; i < 5; i++) await bus.publish('messages', 'channel-1', new Uint8Array([i]));
    await vi.waitFor(() => expect(bus.consumerLag().find((l) => l.group === 'read-states')?.lag).toBe(0));

    const busy = await registry.metrics();
    expect(sampleOf(busy, LAG)).toBe(5);
    expect(sampleOf(busy, 'chat_bus_consumer_lag{topic="messages",group="read-states"}')).toBe(0);

    release();
    await vi.waitFor(() => expect(handled).toHaveLength(5));
    await vi.waitFor(async () => expect(sampleOf(await registry.metrics(), LAG)).toBe(0));
    await bus.close();
  });

  it('computes Kafka lag as high watermark - committed, high - low for a partition never committed, per distinct subscription', async () => {
    const calls: string[] = [];
    const admin = {
      fetchTopicOffsets: async (topic: string) => {
        calls.push(`topic:${topic}`);
        return [
          { partition: 0, offset: '120', high: '120', low: '0' },
          { partition: 1, offset: '9007199254741000', high: '9007199254741000', low: '9007199254740000' },
          { partition: 2, offset: '50', high: '50', low: '40' },
        ];
      },
      fetchOffsets: async ({ groupId }: { groupId: string; topics?: string[] }) => {
        calls.push(`group:${groupId}`);
        return [{ topic: 'messages', partitions: [{ partition: 0, offset: '100', metadata: null }, { partition: 1, offset: '9007199254740990', metadata: null }, { partition: 2, offset: '-1', metadata: null }] }];
      },
    };
    const lag = await kafkaConsumerLag(admin as never, [
      { topic: 'messages', groupId: 'search' },
      { topic: 'messages', groupId: 'search' },
    ]);
    expect(lag).toEqual([{ topic: 'messages', group: 'search', lag: 20 + 10 + 10 }]);
    expect(calls).toEqual(['topic:messages', 'group:search']);

    const registry = new Registry();
    registerBusMetrics(registry, { consumerLag: () => kafkaConsumerLag(admin as never, [{ topic: 'messages', groupId: 'search' }]) });
    registerBusMetrics(registry, { consumerLag: () => Promise.reject(new Error('broker down')) });
    expect(sampleOf(await registry.metrics(), LAG)).toBe(40);
  });
});
