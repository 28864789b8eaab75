import type { logCreator } from 'kafkajs';
import type { RetryPolicy } from './delivery';
import type { BusObserver } from './memory-event-bus';

/** Options of {@link KafkaEventBus}. Times are in ms. */
export interface KafkaEventBusOptions {
  /** Bootstrap brokers, `host:port` each. Required, at least one. */
  brokers: readonly string[];
  /** kafkajs client id (shows in broker logs and quotas). Default 'chat'. */
  clientId?: string;
  /** Partitions of a topic the bus creates (and of its `<topic>.dlq`). Default 16. Existing topics keep theirs. */
  partitions?: number;
  /** Replication factor of topics the bus creates. Default -1 (the broker's default.replication.factor). */
  replicationFactor?: number;
  /** Defaults of subscriptions that do not set their own. */
  retry?: Partial<RetryPolicy>;
  /** Default of SubscribeOptions.closeTimeoutMs. Default 10000. */
  closeTimeoutMs?: number;
  /** A member silent for this long is dropped from its group and its partitions move. Default 30000 (broker bounds: 6000..300000 by default). */
  sessionTimeoutMs?: number;
  /** How often a member heartbeats, also while a handler runs; bounds how fast a rebalance is noticed. Default 3000. */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new records on the broker; also bounds how long close() waits for an idle fetch. Default 1000. */
  maxWaitTimeMs?: number;
  /** Partitions one member works on at the same time (each partition stays sequential). Default 16. */
  partitionsConsumedConcurrently?: number;
  observer?: BusObserver;
  /** Where kafkajs logs go; default: nothing is logged (failures still reach callers and `observer.error`). */
  logCreator?: logCreator;
}

/** {@link KafkaEventBusOptions} with every default filled in. */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  retry: RetryPolicy;
  closeTimeoutMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
  partitionsConsumedConcurrently: number;
  observer: BusObserver;
  logCreator: logCreator | undefined;
}

/** Fills the defaults in. */
export function kafkaSettings(options: KafkaEventBusOptions): KafkaSettings {
  return {
    brokers: [...options.brokers],
    clientId: options.clientId ?? 'chat',
    partitions: options.partitions ?? 16,
    replicationFactor: options.replicationFactor ?? -1,
    retry: { maxAttempts: 5, retryBackoffMs: 100, maxRetryBackoffMs: 5_000, ...options.retry },
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
    maxWaitTimeMs: options.maxWaitTimeMs ?? 1_000,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 16,
    observer: options.observer ?? {},
    logCreator: options.logCreator,
  };
}
