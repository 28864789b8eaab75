import { enumSetting, intSetting } from '@chat/config';
import { defineModule, moduleKey } from '@chat/modules';
import { Counter } from 'prom-client';
import { BusAdapterUnavailableError } from './errors';
import type { EventBus } from './event-bus.port';
import { MemoryEventBus } from './memory-event-bus';

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
};

/**
 * The `bus` infrastructure module: the process's one EventBus, chosen by
 * CHAT_BUS. `memory` is the embedded default; `kafka` arrives in issue #5 and
 * fails the start until then. Counts publishes, handled records, retries and
 * dead letters on the process registry.
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
        if (config.adapter === 'kafka') throw new BusAdapterUnavailableError('kafka', 'issue #5');
        const published = new Counter({ name: 'chat_bus_published_total', help: 'Records published, by topic', labelNames: ['topic'], registers: [context.metrics] });
        const handled = new Counter({ name: 'chat_bus_handled_total', help: 'Records handled and committed, by topic and group', labelNames: ['topic', 'group'], registers: [context.metrics] });
        const retried = new Counter({ name: 'chat_bus_retries_total', help: 'Redeliveries after a handler failed', labelNames: ['topic', 'group'], registers: [context.metrics] });
        const dead = new Counter({ name: 'chat_bus_dead_lettered_total', help: 'Records sent to <topic>.dlq after every attempt failed', labelNames: ['topic', 'group'], registers: [context.metrics] });
        bus = new MemoryEventBus({
          partitions: config.partitions,
          retry: { maxAttempts: config.maxAttempts, retryBackoffMs: config.retryBackoffMs, maxRetryBackoffMs: Math.max(config.maxRetryBackoffMs, config.retryBackoffMs) },
          observer: {
            published: (topic) => published.inc({ topic }),
            handled: (topic, group) => handled.inc({ topic, group }),
            retried: (topic, group) => retried.inc({ topic, group }),
            deadLettered: (topic, group) => dead.inc({ topic, group }),
            error: (error) => context.logger.error({ err: error }, 'event bus delivery loop failed'),
          },
        });
        context.logger.info({ adapter: config.adapter }, 'event bus ready');
        return bus;
      },
      async stop() {
        await bus?.close();
      },
    };
  },
});
