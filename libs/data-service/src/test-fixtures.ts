import { SnowflakeGenerator } from '@chat/snowflake';
/**
 * Test helpers for the data service's specs (not exported): a gate that
 * holds store queries until the test opens it, and a service wired on the
 * memory store and memory bus.
 */
import { MemoryEventBus, MESSAGES_TOPIC, decodeEnvelope, type EventBus } from '@chat/bus';
import { eventsV1 } from '@chat/proto';
import { silentLogger } from '@chat/observability';
import { Registry } from 'prom-client';
import { buildDataService, type DataServiceConfig } from './data-service.module';
import { MemoryMessageStore } from './memory-message-store';
import type { MessageStore } from './store.types';

/** Default test settings: small bounds, coalescing on. */
export const testConfig: DataServiceConfig = {
  nodeId: 'data-test',
  outboxRecoveryMs: 5000,
  maxConcurrentQueries: 8,
  maxQueued: 100,
  maxQueueWaitMs: 5000,
  deadlineMarginMs: 20,
  coalesce: true,
  channelCacheTtlMs: 60_000,
};

/** A MessageStore whose queries of chosen operations wait until `open()`; counts every query. */
export class GatedStore extends MemoryMessageStore {
  private waiting: (() => void)[] = [];
  private closedOps = new Set<string>();

  /** Holds queries of these operations until `open()`. */
  hold(...operations: string[]): void {
    for (const operation of operations) this.closedOps.add(operation);
  }

  /** Lets every held and future query through. */
  open(): void {
    this.closedOps.clear();
    for (const release of this.waiting.splice(0)) release();
  }

  /** Queries waiting at the gate now. */
  get held(): number {
    return this.waiting.length;
  }

  override async history(...args: Parameters<MessageStore['history']>) {
    await this.gate('history');
    return super.history(...args);
  }

  override async get(...args: Parameters<MessageStore['get']>) {
    await this.gate('get');
    return super.get(...args);
  }

  override async getMany(...args: Parameters<MessageStore['getMany']>) {
    await this.gate('get_many');
    return super.getMany(...args);
  }

  override async create(...args: Parameters<MessageStore['create']>) {
    await this.gate('create');
    return super.create(...args);
  }

  private gate(operation: string): Promise<void> {
    if (!this.closedOps.has(operation)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** A data service on a GatedStore and a MemoryEventBus; `events()` lists the envelopes published so far. */
export async function testService(options: { config?: Partial<DataServiceConfig>; channels?: Set<string>; bus?: EventBus } = {}) {
  const store = new GatedStore();
  const bus = options.bus ?? new MemoryEventBus({ partitions: 1 });
  const registry = new Registry();
  const channels = options.channels;
  const lookups: string[] = [];
  const guilds = channels
    ? {
        getChannel: async (channelId: string) => {
          lookups.push(channelId);
          return channels.has(channelId) ? { id: channelId } : undefined;
        },
      }
    : undefined;
  const built = buildDataService({ store: { messages: store, ...(guilds ? { guilds } : {}) }, bus, ids: new SnowflakeGenerator({ workerId: 1, processId: 2 }), config: { ...testConfig, ...options.config }, registry, logger: silentLogger() });
  const envelopes: eventsV1.Envelope[] = [];
  let notify: (() => void) | undefined;
  await bus.subscribe(MESSAGES_TOPIC, 'test-reader', async (record) => {
    envelopes.push(decodeEnvelope(record.value));
    notify?.();
  });
  /** Resolves once at least n envelopes arrived. */
  const events = (n: number) =>
    new Promise<eventsV1.Envelope[]>((resolve) => {
      const check = () => {
        if (envelopes.length >= n) resolve(envelopes);
      };
      notify = check;
      check();
    });
  return { ...built, store, bus, registry, lookups, events, envelopes };
}

/** A valid snowflake for a channel/user id in tests (made from a recent time so bulk delete accepts ids from now). */
export const CHANNEL = '1200000000000000001';
export const OTHER_CHANNEL = '1200000000000000002';
export const AUTHOR = '1100000000000000001';
