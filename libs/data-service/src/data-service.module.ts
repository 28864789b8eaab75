import { BUS, type EventBus } from '@chat/bus';
import type { ConfigOf } from '@chat/config';
import { defineModule, GRPC_SERVER, IDS } from '@chat/modules';
import type { Logger } from '@chat/observability';
import { messagesV1 } from '@chat/proto';
import { serviceNameOf, type AsyncHandlers } from '@chat/rpc';
import type { SnowflakeGenerator } from '@chat/snowflake';
import type { Registry } from 'prom-client';
import type { ChannelExists } from './channel-directory';
import { dataServiceConfigSchema } from './data-service.config';
import { DataServiceMetrics } from './data-service.metrics';
import { logPublishFailure, MessageEvents } from './message-events';
import { MessageService } from './message-service';
import { messageServiceHandlers } from './message-service.grpc';
import { OutboxRecovery } from './outbox-recovery';
import { STORE, type DataServiceStore } from './store.module';

/** The data service's configuration, as loaded from dataServiceConfigSchema. */
export type DataServiceConfig = ConfigOf<typeof dataServiceConfigSchema>;

/** A built data service: the service, its gRPC handlers and its metrics. */
export interface BuiltDataService {
  service: MessageService;
  handlers: AsyncHandlers<typeof messagesV1.MessageServiceService>;
  metrics: DataServiceMetrics;
  events: MessageEvents;
  /** Replays what a crashed predecessor left in the outbox; undefined without an outbox. Call `start()`. */
  recovery: OutboxRecovery | undefined;
  /** Stops publishing (what waits stays in the outbox), stops recovery and removes published outbox entries. */
  close(): Promise<void>;
}

/** The channel check for a store: the guilds port's getChannel, or "every channel exists" without one. */
export function channelExistsFrom(store: DataServiceStore): ChannelExists {
  const guilds = store.guilds;
  if (!guilds) return async () => true;
  return async (channelId, options) => (await guilds.getChannel(channelId, options.signal ? { signal: options.signal } : {})) !== undefined;
}

/** Wires a MessageService from its parts (the module does this; so do the benchmark and tests). */
export function buildDataService(parts: { store: DataServiceStore; bus: EventBus; ids: SnowflakeGenerator; config: DataServiceConfig; registry: Registry; logger: Logger }): BuiltDataService {
  const { config, ids } = parts;
  const built: { service?: MessageService } = {};
  const metrics = new DataServiceMetrics(parts.registry, () => built.service?.coalescingRatio() ?? 1);
  const outbox = parts.store.outbox;
  const events = new MessageEvents({
    bus: parts.bus,
    ...(outbox ? { outbox } : {}),
    owner: config.nodeId,
    nextEventId: () => ids.next(),
    onFailure: logPublishFailure(parts.logger, (event) => metrics.publishFailures.inc({ event })),
  });
  const recovery = outbox
    ? new OutboxRecovery({
        outbox,
        messages: parts.store.messages,
        bus: parts.bus,
        topic: events.topic,
        owner: config.nodeId,
        inFlight: events.inFlight,
        intervalMs: config.outboxRecoveryMs,
        observer: {
          published: (entry) => metrics.outboxRecovered.inc({ outcome: 'published', kind: entry.kind }),
          dropped: (entry) => metrics.outboxRecovered.inc({ outcome: 'dropped', kind: entry.kind }),
          failed: (error) => parts.logger.error({ err: error }, 'outbox recovery pass failed; retrying at the next one'),
        },
      })
    : undefined;
  const service = new MessageService({
    store: parts.store.messages,
    events,
    nextId: () => ids.next(),
    channelExists: channelExistsFrom(parts.store),
    metrics,
    settings: config,
  });
  built.service = service;
  return {
    service,
    handlers: messageServiceHandlers(service, metrics),
    metrics,
    events,
    recovery,
    async close() {
      events.stopPublishing();
      await recovery?.stop();
      await events.flush();
    },
  };
}

/**
 * The data-service module: chat.messages.v1.MessageService on the process's
 * gRPC server, over the `store` module's message store, publishing message
 * events on the `bus` module through the store's outbox (recovered at start
 * and every CHAT_DATA_OUTBOX_RECOVERY_MS). Reads are coalesced per channel,
 * store calls bounded by a semaphore; see docs/data-service.md.
 */
export const dataServiceModule = defineModule({
  name: 'data-service',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, BUS.name, STORE.name, IDS.name],
  configSchema: dataServiceConfigSchema,
  create: (config) => {
    let built: BuiltDataService | undefined;
    return {
      grpcServices: [serviceNameOf(messagesV1.MessageServiceService)],
      async start(context) {
        built = buildDataService({ store: context.get(STORE), bus: context.get(BUS), ids: context.get(IDS), config, registry: context.metrics, logger: context.logger });
        if (built.recovery) {
          const first = await built.recovery.start();
          if (first.published + first.dropped > 0) context.logger.warn({ ...first, owner: config.nodeId }, 'outbox: replayed events left by an earlier process');
        } else context.logger.warn('the store has no outbox: an event is lost if the process dies between a write and its publish');
        context.get(GRPC_SERVER).addService(messagesV1.MessageServiceService, built.handlers);
      },
      async stop() {
        await built?.close();
      },
    };
  },
});
