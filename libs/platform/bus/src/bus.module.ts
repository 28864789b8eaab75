import { ConfigError, enumSetting, intSetting, listSetting, stringSetting } from '@chat/config';
import { defineModule, moduleKey } from '@chat/modules';
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { registerBusMetrics } from './bus-metrics';
import type { EventBus } from './event-bus.port';
import { KafkaEventBus } from './kafka-event-bus';
import { MemoryEventBus, type BusObserver } from './memory-event-bus';

/** What modules that publish or consume take from the `bus` module. */
export const BUS = moduleKey<EventBus>('bus');

const configSchema = {
  adapter: enumSetting('CHAT_BUS', ['memory', 'kafka'] as const, {
    default: 'memory',
    description: 'event bus adapter: memory (in-process, not durable) or kafka',
  }),
  maxAttempts: intSetting('CHAT_BUS_MAX_ATTEMPTS', { default: 5, min: 1, max: 100, unit: 'count', description: 'deliveries of a failing record before it goes to <topic>.dlq' }),
  retryBackoffMs: intSetting('CHAT_BUS_RETRY_BACKOFF_MS', { default: 100, min: 0, unit: 'ms', description: 'backoff before the first redelivery; doubles per retry' }),
  maxRetryBackoffMs: intSetting('CHAT_BUS_MAX_RETRY_BACKOFF_MS', { default: 5000, min: 0, unit: 'ms', description: 'longest backoff between redeliveries' }),
  partitions: intSetting('CHAT_BUS_MEMORY_PARTITIONS', { default: 16, min: 1, max: 1024, unit: 'count', description: 'memory adapter: partitions per topic' }),
  kafkaBrokers: listSetting('CHAT_KAFKA_BROKERS', { default: [], description: 'kafka adapter: bootstrap brokers, comma list of host:port (required when CHAT_BUS=kafka)' }),
  kafkaClientId: stringSetting('CHAT_KAFKA_CLIENT_ID', { default: 'chat', description: 'kafka adapter: client id shown to the brokers' }),
  kafkaPartitions: intSetting('CHAT_BUS_KAFKA_PARTITIONS', { default: 16, min: 1, max: 10_000, unit: 'count', description: 'kafka adapter: partitions of each topic (and <topic>.dlq) the bus creates' }),
};

const HOST_PORT = /^[^\s:,]+:\d{1,5}$/;

/** The brokers of CHAT_KAFKA_BROKERS, checked. @throws {ConfigError} naming the key when the list is empty or an entry is not host:port. */
function kafkaBrokers(brokers: readonly string[]): string[] {
  if (brokers.length === 0) throw new ConfigError('CHAT_KAFKA_BROKERS', 'is required when CHAT_BUS=kafka (comma list of host:port)');
  for (const broker of brokers) {
    if (!HOST_PORT.test(broker)) throw new ConfigError('CHAT_KAFKA_BROKERS', `expected host:port, got ${JSON.stringify(broker)}`);
  }
  return [...brokers];
}

/** kafkajs log entries into the module's pino logger (kafkajs' own ERROR level is often a retriable hiccup: logged as warn). */
function kafkaLogs(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const fields = { ...extra, component: `kafkajs.${namespace}` };
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
    };
}

/**
 * The `bus` infrastructure module: the process's one EventBus, chosen by
 * CHAT_BUS. `memory` is the embedded default (in-process, not durable);
 * `kafka` connects to CHAT_KAFKA_BROKERS (required then: the start fails
 * naming the key when it is empty), as CHAT_KAFKA_CLIENT_ID, creating topics
 * with CHAT_BUS_KAFKA_PARTITIONS partitions. Both count publishes, handled
 * records, retries and dead letters on the process registry.
 */
export const busModule = defineModule({
  name: BUS.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema,
  create: (config) => {
    let bus: EventBus | undefined;
    return {
      async start(context) {
        const brokers = config.adapter === 'kafka' ? kafkaBrokers(config.kafkaBrokers) : [];
        const published = new Counter({ name: 'chat_bus_published_total', help: 'Records published, by topic', labelNames: ['topic'], registers: [context.metrics] });
        const handled = new Counter({ name: 'chat_bus_handled_total', help: 'Records handled and committed, by topic and group', labelNames: ['topic', 'group'], registers: [context.metrics] });
        const retried = new Counter({ name: 'chat_bus_retries_total', help: 'Redeliveries after a handler failed', labelNames: ['topic', 'group'], registers: [context.metrics] });
        const dead = new Counter({ name: 'chat_bus_dead_lettered_total', help: 'Records sent to <topic>.dlq after every attempt failed', labelNames: ['topic', 'group'], registers: [context.metrics] });
        const retry = { maxAttempts: config.maxAttempts, retryBackoffMs: config.retryBackoffMs, maxRetryBackoffMs: Math.max(config.maxRetryBackoffMs, config.retryBackoffMs) };
        const observer: BusObserver = {
          published: (topic) => published.inc({ topic }),
          handled: (topic, group) => handled.inc({ topic, group }),
          retried: (topic, group) => retried.inc({ topic, group }),
          deadLettered: (topic, group) => dead.inc({ topic, group }),
          error: (error) => context.logger.error({ err: error }, 'event bus delivery loop failed'),
        };
        bus =
          config.adapter === 'kafka'
            ? new KafkaEventBus({ brokers, clientId: config.kafkaClientId, partitions: config.kafkaPartitions, retry, observer, logCreator: kafkaLogs(context.logger) })
            : new MemoryEventBus({ partitions: config.partitions, retry, observer });
        if (bus instanceof KafkaEventBus) await bus.connect();
        registerBusMetrics(context.metrics, bus as KafkaEventBus | MemoryEventBus);
        context.logger.info({ adapter: config.adapter, brokers }, 'event bus ready');
        return bus;
      },
      async stop() {
        await bus?.close();
      },
    };
  },
});
