/**
 * The gateway service module: one HTTP server (CHAT_HTTP_HOST/PORT) with the
 * REST API under /api and Discord's WebSocket gateway on the same port, one
 * session actor per connection, and GatewayService on the shared gRPC server.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { enumSetting, intSetting, portSetting, stringSetting, type ConfigOf } from '@chat/config';
import { registerActorMetrics } from '@chat/actor';
import { BUS } from '@chat/bus';
import { defaultGuildMembershipConfig, guildMembershipConfigSchema, type GuildMembershipConfig } from '@chat/guild-client';
import { dataRingConfigSchema, dataRingMembership, defaultDataRingConfig, MessagesRouter, type DataRingConfig } from '@chat/messages-client';
import { defineModule, GRPC_SERVER, IDS, moduleKey, type Module, type ModuleDefinition } from '@chat/modules';
import { gatewayV1 } from '@chat/proto';
import { parseMemberList, type Member } from '@chat/ring';
import type { SnowflakeGenerator } from '@chat/snowflake';
import type { Store } from '@chat/store';
import { GatewayHttpServer, type HttpHandler } from './http-server';
import { createDispatchFrame } from './relay/local-sessions';
import { RelayMetrics } from './relay/relay-metrics';
import { parseRateLimits, rateLimitSetting } from './rest/rate-limit-setting';
import { restBuckets } from './rest/route-table';
import { createRestApi, grpcMessageService, type RateLimitConfig, type RestDispatch, type RestMessageService, type RestReadStates } from './rest';
import { wireReadStates, type ReadStatesWiring } from './read-states-wiring';
import { GatewayPeers } from './session/gateway-peers';
import { wireGuildService, type GuildServiceWiring } from './guild-service-wiring';
import { grpcSearchService, type GrpcSearchService, type RestSearchService } from './rest';
import { GatewayServer } from './ws/gateway-server';
import { gatewayServiceHandlers } from './ws/gateway-service.handlers';

/** The `store` module's value as the gateway sees it (the interim memory store has no users or guilds). */
export const GATEWAY_STORE = moduleKey<Partial<Pick<Store, 'users' | 'guilds' | 'messages'>>>('store');

/** The store ports the gateway uses. */
export type GatewayStore = Pick<Store, 'users' | 'guilds' | 'messages'>;

/** Configuration of the gateway module. */
export const gatewayConfigSchema = {
  host: stringSetting('CHAT_HTTP_HOST', { default: '127.0.0.1', description: 'address of the HTTP server (REST API and WebSocket gateway)' }),
  port: portSetting('CHAT_HTTP_PORT', { default: 8080, description: 'port of the HTTP server (REST API and WebSocket gateway; 0 picks a free one)' }),
  publicUrl: stringSetting('CHAT_GATEWAY_PUBLIC_URL', { default: '', description: 'WebSocket URL handed to clients (READY resume_gateway_url, GET /gateway); default ws://host:port' }),
  heartbeatIntervalMs: intSetting('CHAT_GATEWAY_HEARTBEAT_INTERVAL_MS', { default: 41_250, min: 100, max: 600_000, unit: 'ms', description: 'HELLO heartbeat_interval' }),
  resumeWindowMs: intSetting('CHAT_GATEWAY_RESUME_WINDOW_MS', { default: 180_000, min: 0, max: 3_600_000, unit: 'ms', description: 'how long a disconnected session can be resumed' }),
  replayCapacity: intSetting('CHAT_GATEWAY_REPLAY_BUFFER', { default: 1_000, min: 1, max: 100_000, description: 'dispatches per session kept for RESUME' }),
  privilegedIntents: enumSetting('CHAT_GATEWAY_PRIVILEGED_INTENTS', ['open', 'application-flags'], {
    default: 'open',
    description: 'open: every bot may use GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT; application-flags: only with the application\'s GATEWAY_* flags (else 4014)',
  }),
  nodeId: stringSetting('CHAT_GATEWAY_NODE_ID', { default: 'gateway-0', description: "this gateway node's id (AttachSession.node_id, StreamDispatches.node_id)" }),
  guildNodes: stringSetting('CHAT_GATEWAY_GUILD_NODES', {
    default: '',
    description: 'guild ring (sessions attach through GuildService and receive StreamDispatches), id=host:port,...; empty: one node guild-0 on this process\'s gRPC server',
  }),
  guildTimeoutMs: intSetting('CHAT_GATEWAY_GUILD_TIMEOUT_MS', { default: 5_000, min: 100, max: 60_000, unit: 'ms', description: 'deadline of GuildService calls' }),
};

/**
 * The gateway's peers, where the REST API's messages go, and its rate limits. Kept apart from
 * gatewayConfigSchema so callers that build the module's config by hand may
 * leave it out (then every ring is this process's gRPC server and Discord's
 * rate limits apply).
 */
export const gatewayMessagesConfigSchema = {
  peers: stringSetting('CHAT_GATEWAY_PEERS', {
    default: '',
    description:
      "every gateway node's gRPC address, id=host:port,... (this node's own entry may be listed): a RESUME of a session another node holds moves the session here, so RESUME works on any node; empty: such a RESUME gets op 9",
  }),
  drainGraceMs: intSetting('CHAT_GATEWAY_DRAIN_GRACE_MS', {
    default: 3_000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    description: 'on stop, how long drained sessions (op 7) have to RESUME on another node (CHAT_GATEWAY_PEERS) before the rest are closed',
  }),
  restRateLimits: rateLimitSetting(restBuckets()),
  dataNodes: stringSetting('CHAT_GATEWAY_DATA_NODES', {
    default: '',
    description:
      "data-service ring for REST messages, id=host:port,... (channel-affine MessagesRouter); empty: one node data-0 on this process's gRPC server",
  }),
  searchNodes: stringSetting('CHAT_GATEWAY_SEARCH_NODES', {
    default: '',
    description: "search nodes (SearchService) for the REST search routes, id=host:port,... used in turn; empty: this process's gRPC server",
  }),
  readStatesNodes: stringSetting('CHAT_GATEWAY_READ_STATES_NODES', {
    default: '',
    description:
      "read-states ring (by user id) for acks, READY's read_state and MESSAGE_ACK, id=host:port,...; empty: one node on this process's gRPC server",
  }),
};

/** The gateway module's configuration as the module manager hands it over. */
export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema> & ConfigOf<typeof gatewayMessagesConfigSchema> & GuildMembershipConfig & DataRingConfig;

/** What `create` takes: the messages and guild-ring keys may be left out (defaults apply). */
type GatewayCreateConfig = ConfigOf<typeof gatewayConfigSchema> & Partial<ConfigOf<typeof gatewayMessagesConfigSchema>> & Partial<GuildMembershipConfig> & Partial<DataRingConfig>;

/** The gateway module's definition; `create` also takes a config without the messages keys. */
export type GatewayModuleDefinition = Omit<ModuleDefinition<typeof gatewayConfigSchema & typeof gatewayMessagesConfigSchema & typeof guildMembershipConfigSchema & typeof dataRingConfigSchema, GatewayValue>, 'create'> & {
  create(config: GatewayCreateConfig): Module<GatewayValue>;
};

/** Optional wiring the app passes in. */
export interface GatewayModuleOptions {
  /**
   * The REST API handler for /api/*. Default: the REST API over the store,
   * with messages sent to the data service over gRPC (channel-affine, CHAT_GATEWAY_DATA_NODES),
   * guild events published through GuildService and user events
   * delivered to the user's sessions on this node and every peer
   * (CHAT_GATEWAY_PEERS, GatewayService).
   */
  restApi?: (context: { store: GatewayStore; gatewayUrl: string; gateway: GatewayServer }) => HttpHandler | Promise<HttpHandler>;
}

/** What the gateway module shares with modules that depend on it. */
export interface GatewayValue {
  readonly gateway: GatewayServer;
  readonly http: GatewayHttpServer;
  readonly gatewayUrl: string;
}

/** The gateway module's definition, with optional wiring. */
export function createGatewayModule(options: GatewayModuleOptions = {}): GatewayModuleDefinition {
  return defineModule({
    name: 'gateway',
    kind: 'service',
    dependsOn: [GRPC_SERVER.name, GATEWAY_STORE.name, IDS.name, BUS.name],
    configSchema: { ...gatewayConfigSchema, ...gatewayMessagesConfigSchema, ...guildMembershipConfigSchema, ...dataRingConfigSchema },
    create: (config: GatewayCreateConfig) => {
      let http: GatewayHttpServer | undefined;
      let gateway: GatewayServer | undefined;
      let endpoints: Record<string, string> = {};
      let guildWiring: GuildServiceWiring | undefined;
      let messagesRouter: MessagesRouter | undefined;
      let search: GrpcSearchService | undefined;
      let readStates: ReadStatesWiring | undefined;
      let peers: GatewayPeers | undefined;
      return {
        grpcServices: ['chat.gateway.v1.GatewayService'],
        async start(context) {
          const raw = context.get(GATEWAY_STORE);
          if (!raw.users || !raw.guilds || !raw.messages) {
            throw new Error('the gateway needs the store module with users, guilds and messages ports (@chat/store storeModule), not the interim memory store');
          }
          const store: GatewayStore = { users: raw.users, guilds: raw.guilds, messages: raw.messages };
          const grpcPort = context.get(GRPC_SERVER).port;
          const nodes = ringOrLocal(config.guildNodes, 'CHAT_GATEWAY_GUILD_NODES', 'guild-0', grpcPort);
          guildWiring = await wireGuildService({
            nodeId: config.nodeId,
            guildNodes: nodes,
            membership: {
              membership: config.membership ?? defaultGuildMembershipConfig.membership,
              probeIntervalMs: config.probeIntervalMs ?? defaultGuildMembershipConfig.probeIntervalMs,
              probeFailures: config.probeFailures ?? defaultGuildMembershipConfig.probeFailures,
            },
            timeoutMs: config.guildTimeoutMs,
            onError: (error, where) => context.logger.warn({ err: error, where }, 'guild service call failed'),
          });
          const dataNodes = ringOrLocal(config.dataNodes, 'CHAT_GATEWAY_DATA_NODES', 'data-0', grpcPort);
          messagesRouter = new MessagesRouter({
            membership: dataRingMembership(dataNodes, {
              dataRingMembership: config.dataRingMembership ?? defaultDataRingConfig.dataRingMembership,
              dataRingProbeMs: config.dataRingProbeMs ?? defaultDataRingConfig.dataRingProbeMs,
              dataRingProbeFailures: config.dataRingProbeFailures ?? defaultDataRingConfig.dataRingProbeFailures,
            }),
          });
          await messagesRouter.start();
          const readStateNodes = ringOrLocal(config.readStatesNodes, 'CHAT_GATEWAY_READ_STATES_NODES', 'read-states-0', grpcPort);
          readStates = await wireReadStates({
            nodes: readStateNodes,
            gatewayNodeId: config.nodeId,
            timeoutMs: config.guildTimeoutMs,
            bus: context.get(BUS),
            deliver: (userId, frame, exceptSessionId) => gateway?.hub.deliverToUsers([userId], frame, { exclude: [exceptSessionId] }),
            onError: (error, where) => context.logger.warn({ err: error, where }, 'read states call failed'),
          });
          const wiring = guildWiring;
          const router = messagesRouter;
          const reads = readStates;
          const peerList = config.peers === undefined || config.peers === '' ? [] : parseMemberList(config.peers, 'CHAT_GATEWAY_PEERS');
          if (peerList.length > 0) peers = new GatewayPeers(peerList, config.nodeId, { onError: (error, where) => context.logger.warn({ err: error, where }, 'gateway peer call failed') });
          const server = new GatewayHttpServer((req, socket, head) => gateway?.handleUpgrade(req, socket, head));
          http = server;
          const port = await server.listen(config.host, config.port);
          const gatewayUrl = config.publicUrl || `ws://${config.host}:${port}`;
          gateway = new GatewayServer({
            users: store.users,
            guildIdsOf: (userId) => store.guilds.listGuildIdsForUser(userId),
            relay: wiring.relay,
            members: wiring.members,
            publicUrl: gatewayUrl,
            heartbeatIntervalMs: config.heartbeatIntervalMs,
            resumeWindowMs: config.resumeWindowMs,
            replayCapacity: config.replayCapacity,
            privilegedIntents: config.privilegedIntents,
            log: context.logger,
            readStatesOf: reads.entriesOf,
            voice: wiring.voice,
            ...(peers ? { peers, drainGraceMs: config.drainGraceMs ?? 3_000 } : {}),
          });
          const searchNodes = ringOrLocal(config.searchNodes, 'CHAT_GATEWAY_SEARCH_NODES', 'search-0', context.get(GRPC_SERVER).port);
          search = grpcSearchService(searchNodes.map((node) => node.address), { timeoutMs: config.guildTimeoutMs });
          const messages = grpcMessageService(router, { timeoutMs: config.guildTimeoutMs });
          server.setApiHandler(await (options.restApi ?? defaultRestApi(context.logger, wiring, messages, context.get(IDS), reads, search, parseRateLimits(config.restRateLimits ?? 'discord', restBuckets()), peers))({ store, gatewayUrl, gateway }));
          registerActorMetrics(gateway.hub.system, context.metrics);
          RelayMetrics.of(context.metrics).attach(wiring.relay);
          context.get(GRPC_SERVER).addService(gatewayV1.GatewayServiceService, gatewayServiceHandlers(gateway.hub));
          endpoints = { api: `http://${config.host}:${port}/api`, gateway: gatewayUrl };
          const value: GatewayValue = { gateway, http: server, gatewayUrl };
          return value;
        },
        async stop() {
          await gateway?.close();
          await http?.close();
          await guildWiring?.relay.close();
          guildWiring?.close();
          messagesRouter?.close();
          search?.close();
          await readStates?.close();
          peers?.close();
        },
        endpoints: () => endpoints,
      };
    },
  });
}

/** A configured ring (`id=host:port,...`), or, when the setting is empty, one node `localId` on this process's gRPC server. */
function ringOrLocal(value: string | undefined, key: string, localId: string, grpcPort: number | undefined): Member[] {
  return value === undefined || value === '' ? [{ id: localId, address: `127.0.0.1:${grpcPort ?? 0}` }] : parseMemberList(value, key);
}


/** The intents a user-level dispatch needs: DM messages and typing; everything else goes to every session. */
function userDispatchIntents(dispatch: RestDispatch): number {
  if (dispatch.type.startsWith('MESSAGE_')) return GatewayIntentBits.DirectMessages;
  if (dispatch.type === 'TYPING_START') return GatewayIntentBits.DirectMessageTyping;
  return 0;
}

/**
 * The default REST wiring: messages through the data service over gRPC when
 * `messages` is given (guild-service mode), else written to the store; guild events through
 * GuildService.PublishEvent when the guild service is wired, else fanned out
 * on this node; user events delivered to the user's sessions here and on every peer.
 */
function defaultRestApi(
  logger: { warn(o: object, m?: string): void; error(o: object, m?: string): void },
  wiring: GuildServiceWiring,
  messages: RestMessageService,
  ids: SnowflakeGenerator,
  readStates: RestReadStates,
  search: RestSearchService | undefined,
  rateLimits: RateLimitConfig,
  peers: GatewayPeers | undefined,
) {
  return async ({ store, gatewayUrl, gateway }: { store: GatewayStore; gatewayUrl: string; gateway: GatewayServer }): Promise<HttpHandler> => {
    return createRestApi({
      store,
      nextId: () => ids.next(),
      messages,
      ...(search ? { search } : {}),
      readStates,
      publishGuildEvent: (guildId, dispatch) => wiring.publish(guildId, dispatch),
      // User-addressed events reach the user's sessions on this node and, through GatewayService, on every peer.
      dispatchToUsers: async (userIds, dispatch) => {
        const intents = userDispatchIntents(dispatch);
        gateway.hub.deliverToUsers(userIds, createDispatchFrame(dispatch.type, dispatch.payloadJson), { intents });
        await peers?.dispatchToUsers({ userIds: [...userIds], type: dispatch.type, payloadJson: Buffer.from(dispatch.payloadJson), excludeSessionIds: [], intents });
      },
      voice: {
        moderate: async (input) => {
          await wiring.moderateVoice(input);
        },
      },
      attachUserToGuild: async (userId, guildId) => {
        await Promise.all([gateway.hub.attachUserToGuild(userId, guildId), peers?.attachUserToGuild(userId, guildId)]);
      },
      gatewayUrl,
      logger,
      rateLimits,
    });
  };
}

/** The gateway module with default wiring (guild, data, read-states and search services over gRPC, REST API over the store). */
export const gatewayModule = createGatewayModule();

