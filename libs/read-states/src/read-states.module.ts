import { BUS, MESSAGES_TOPIC, type Subscription } from '@chat/bus';
import { defineModule, GRPC_SERVER, IDS, moduleKey } from '@chat/modules';
import { readstatesV1 } from '@chat/proto';
import { parseMemberList, RingView, StaticMembership } from '@chat/ring';
import { serviceNameOf } from '@chat/rpc';
import type { Store } from '@chat/store';
import { Counter, Gauge } from 'prom-client';
import { mentionConsumer } from './mention-consumer';
import { ReadStateCache } from './read-state-cache';
import { readStatesConfigSchema } from './read-states.config';
import { readStatesHandlers } from './read-states.grpc';
import { ReadStatesService } from './read-states-service';

/** The `store` module as the read-states service sees it. */
const STORE = moduleKey<Pick<Store, 'readStates' | 'guilds'>>('store');

/** The consumer group of one read-states instance on the messages topic: every instance reads every event and keeps its own users' counts. */
export function readStatesGroup(nodeId: string): string {
  return `read-states-${nodeId}`;
}

/**
 * The read-states service module: ReadStateService on the shared gRPC
 * server for the users this instance owns on the read-states ring
 * (CHAT_READ_STATES_NODES, by user id), mention counts from the messages
 * topic (group `read-states-<node id>`: each instance reads every event and
 * counts its own users), an
 * LRU cache written in batches (CHAT_READ_STATES_*). On stop it leaves the
 * group first, then writes every dirty entry: a graceful stop loses nothing.
 */
export const readStatesModule = defineModule({
  name: 'read-states',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, BUS.name, STORE.name, IDS.name],
  configSchema: readStatesConfigSchema,
  create: (config) => {
    let cache: ReadStateCache | undefined;
    let subscription: Subscription | undefined;
    let ring: RingView | undefined;
    return {
      grpcServices: [serviceNameOf(readstatesV1.ReadStateServiceService)],
      async start(context) {
        const store = context.get(STORE);
        const bus = context.get(BUS);
        const ids = context.get(IDS);
        if (config.nodes !== '') ring = new RingView(new StaticMembership(parseMemberList(config.nodes, 'CHAT_READ_STATES_NODES')));
        const registers = [context.metrics];
        const acks = new Counter({ name: 'chat_read_states_acks_total', help: 'Acks applied', registers });
        const mentions = new Counter({ name: 'chat_read_states_mentions_total', help: 'Mentions counted (one per user per message)', registers });
        const flushErrors = new Counter({ name: 'chat_read_states_flush_errors_total', help: 'Batched writes that failed (retried)', registers });
        const ackPublishFailures = new Counter({ name: 'chat_read_states_ack_publish_failures_total', help: 'ReadStateAcked events not published (other sessions miss MESSAGE_ACK)', registers });
        cache = new ReadStateCache({
          store: store.readStates,
          maxEntries: config.cacheEntries,
          flushDelayMs: config.flushDelayMs,
          flushBatch: config.flushBatch,
          onFlushError: (error) => {
            flushErrors.inc();
            context.logger.error({ err: error }, 'read states write failed; retrying');
          },
        });
        const current = cache;
        new Gauge({ name: 'chat_read_states_cached', help: 'Read states in memory', registers, collect() { this.set(current.size); } });
        new Gauge({ name: 'chat_read_states_dirty', help: 'Read states changed and not yet written', registers, collect() { this.set(current.dirty); } });
        const service = new ReadStatesService({
          cache,
          store: store.readStates,
          guilds: store.guilds,
          bus,
          nextEventId: () => ids.next(),
          memberPageSize: config.mentionPageSize,
          ...(ring ? { owns: (userId: string) => ring!.owner(userId) === config.nodeId } : {}),
          observer: {
            acked: () => acks.inc(),
            mentionCounted: (users) => mentions.inc(users),
            ackPublishFailed: (error) => {
              ackPublishFailures.inc();
              context.logger.warn({ err: error }, 'ReadStateAcked not published');
            },
          },
        });
        subscription = await bus.subscribe(MESSAGES_TOPIC, readStatesGroup(config.nodeId), mentionConsumer(service));
        context.get(GRPC_SERVER).addService(readstatesV1.ReadStateServiceService, readStatesHandlers(service));
        context.logger.info({ cacheEntries: config.cacheEntries, flushDelayMs: config.flushDelayMs }, 'read states ready');
      },
      async stop() {
        await subscription?.close();
        await cache?.close();
        ring?.close();
      },
    };
  },
});
