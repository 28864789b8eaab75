import { createMetricsRegistry, silentLogger } from '@chat/observability';
import { ModuleFailedError, ModuleManager, defineModule } from '@chat/modules';
import { describe, expect, it } from 'vitest';
import { BUS, busModule } from './bus.module';
import { ConfigError } from '@chat/config';
import { MemoryEventBus } from './memory-event-bus';

const options = (env: Record<string, string>) => ({ logger: silentLogger(), metrics: createMetricsRegistry(), config: { env } });

describe('busModule', () => {
  it('starts the memory bus by default, hands it to dependents and closes it on stop', async () => {
    let seen: unknown;
    const user = defineModule({
      name: 'user',
      kind: 'service',
      dependsOn: [BUS.name],
      configSchema: {},
      create: () => ({ start: async (ctx) => void (seen = ctx.get(BUS)), stop: async () => undefined }),
    });
    const manager = new ModuleManager([busModule, user], ['user'], options({}));
    await manager.start();
    expect(seen).toBeInstanceOf(MemoryEventBus);
    const bus = manager.valueOf(BUS)!;
    await manager.stop();
    await expect(bus.publish('t', 'k', new Uint8Array([1]))).rejects.toThrow('closed');
  });

  it('fails the start naming CHAT_KAFKA_BROKERS when CHAT_BUS=kafka has no brokers', async () => {
    const manager = new ModuleManager([busModule], ['bus'], options({ CHAT_BUS: 'kafka' }));
    const error = await manager.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleFailedError);
    expect((error as ModuleFailedError).cause).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('CHAT_KAFKA_BROKERS');
  });

  it('refuses a CHAT_KAFKA_BROKERS entry that is not host:port', async () => {
    const manager = new ModuleManager([busModule], ['bus'], options({ CHAT_BUS: 'kafka', CHAT_KAFKA_BROKERS: '127.0.0.1:9092,kafka-2' }));
    const error = await manager.start().catch((e: unknown) => e);
    expect((error as ModuleFailedError).cause).toMatchObject({ key: 'CHAT_KAFKA_BROKERS' });
    expect((error as Error).message).toContain('"kafka-2"');
  });

  it('names a bad CHAT_BUS before anything starts', () => {
    expect(() => new ModuleManager([busModule], ['bus'], options({ CHAT_BUS: 'rabbit' }))).toThrow('CHAT_BUS');
  });
});
