import { createMetricsRegistry, silentLogger } from '@chat/observability';
import { ModuleManager } from '@chat/modules';
import { infra, uniqueName } from '@chat/testing';
import { describe, expect, it } from 'vitest';
import { BUS, busModule } from './bus.module';
import { KafkaEventBus } from './kafka-event-bus';

describe('busModule with CHAT_BUS=kafka (real broker)', () => {
  it('connects to CHAT_KAFKA_BROKERS, delivers through Kafka and counts on the process registry', async () => {
    const metrics = createMetricsRegistry();
    const env = { CHAT_BUS: 'kafka', CHAT_KAFKA_BROKERS: infra().kafka.brokers.join(','), CHAT_KAFKA_CLIENT_ID: 'bus-module-test', CHAT_BUS_KAFKA_PARTITIONS: '2' };
    const manager = new ModuleManager([busModule], ['bus'], { logger: silentLogger(), metrics, config: { env } });
    await manager.start();
    try {
      const bus = manager.valueOf(BUS)!;
      expect(bus).toBeInstanceOf(KafkaEventBus);
      const topic = uniqueName('bus-module');
      let got!: (value: string) => void;
      const received = new Promise<string>((resolve) => (got = resolve));
      await bus.subscribe(topic, uniqueName('g'), async (record) => got(new TextDecoder().decode(record.value)));
      await bus.publish(topic, 'channel-1', new TextEncoder().encode('via kafka'));
      expect(await received).toBe('via kafka');
      const text = await metrics.metrics();
      expect(text).toContain(`chat_bus_published_total{topic="${topic}"} 1`);
      // The handler resolved before the commit and the count: wait for the count rather than sleep.
      await expect.poll(async () => await metrics.metrics(), { timeout: 10_000 }).toMatch(new RegExp(`chat_bus_handled_total\\{topic="${topic}",group="[^"]+"\\} 1`));
    } finally {
      await manager.stop();
    }
  });
});
