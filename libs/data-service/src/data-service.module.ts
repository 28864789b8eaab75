import { BUS, type EventBus } from '@chat/bus';
import type { ConfigOf } from '@chat/config';
import { grpcServiceModule, IDS } from '@chat/modules';
import type { Logger } from '@chat/observability';
import { messagesV1 } from '@chat/proto';
import type { AsyncHandlers } from '@chat/rpc';
import type { SnowflakeGenerator } from '@chat/snowflake';
import type { Registry } from 'prom-client';
import type { ChannelExists } from './channel-directory';
import { dataServiceConfigSchema } from './data-service.config';
import { DataServiceMetrics } from './data-service.metrics';
import { logPublishFailure, MessageEvents } from './message-events';
import { MessageService } from './message-service';
import { messageServiceHandlers } from './message-service.grpc';
import { STORE, type DataServiceStore } from './store.module';

/** The data service's configuration, as loaded from dataServiceConfigSchema. */
export type DataServiceConfig = ConfigOf<typeof dataServiceConfigSchema>;

/** A built data service: the service, its gRPC handlers and its metrics. */
export interface BuiltDataService {
  service: MessageService;
  handlers: AsyncHandlers<typeof messagesV1.MessageServiceService>;
  metrics: DataServiceMetrics;
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
  const events = new MessageEvents(parts.bus, () => ids.next(), logPublishFailure(parts.logger, (event) => metrics.publishFailures.inc({ event })));
  const service = new MessageService({
    store: parts.store.messages,
    events,
    nextId: () => ids.next(),
    channelExists: channelExistsFrom(parts.store),
    metrics,
    settings: config,
  });
  built.service = service;
  return { service, handlers: messageServiceHandlers(service, metrics), metrics };
}

/**
 * The data-service module: chat.messages.v1.MessageService on the process's
 * gRPC server, over the `store` module's message store, publishing message
 * events on the `bus` module. Reads are coalesced per channel, store calls
 * bounded by a semaphore; see docs/data-service.md.
 */
export const dataServiceModule = grpcServiceModule({
  name: 'data-service',
  definition: messagesV1.MessageServiceService,
  configSchema: dataServiceConfigSchema,
  dependsOn: [BUS.name, STORE.name, IDS.name],
  handlers: (config, context) =>
    buildDataService({ store: context.get(STORE), bus: context.get(BUS), ids: context.get(IDS), config, registry: context.metrics, logger: context.logger }).handlers,
});
