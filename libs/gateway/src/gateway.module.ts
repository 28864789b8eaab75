/**
 * The gateway service module: Discord's WebSocket gateway on the process's
 * HTTP server (every upgrade the API does not claim), one session actor per
 * connection, and GatewayService on the shared gRPC server, through which
 * the API delivers user-addressed events and peers hand sessions over.
 */
import { intSetting, enumSetting, stringSetting, type ConfigOf } from '@chat/config';
import { registerActorMetrics } from '@chat/actor';
import { BUS } from '@chat/bus';
import { defaultGuildMembershipConfig, guildMembershipConfigSchema, type GuildMembershipConfig } from '@chat/guild-client';
import type { HttpServer } from '@chat/http-server';
import { defineModule, GRPC_SERVER, HTTP_SERVER, moduleKey, type Module, type ModuleDefinition } from '@chat/modules';
import { gatewayV1 } from '@chat/proto';
import { parseGatewayNodeList } from '@chat/gateway-client';
import { memberListOrLocal } from '@chat/ring';
import type { Store } from '@chat/store';
import { RelayMetrics } from './relay/relay-metrics';
import { wireReadStates, type ReadStatesWiring } from './read-states-wiring';
import { GatewayPeers } from './session/gateway-peers';
import { wireGuildService, type GuildServiceWiring } from './guild-service-wiring';
import { GatewayServer } from './ws/gateway-server';
import { gatewayServiceHandlers } from './ws/gateway-service.handlers';

/** The `store` module's value as the gateway sees it. */
export const GATEWAY_STORE = moduleKey<Partial<Pick<Store, 'users' | 'guilds'>>>('store');

/** Configuration of the gateway module. */
export const gatewayConfigSchema = {
  publicUrl: stringSetting('CHAT_GATEWAY_PUBLIC_URL', { default: '', description: 'WebSocket URL handed to clients (READY resume_gateway_url); default ws:// and the HTTP server\'s host:port' }),
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
  peers: stringSetting('CHAT_GATEWAY_PEERS', {
    default: '',
    description:
      "every gateway node's gRPC address, id=host:port,... or dns:host:port (every address of a headless Service, looked up again every 5 s; this node finds itself by its interface addresses); this node may be listed: a RESUME of a session another node holds moves the session here, so RESUME works on any node; empty: such a RESUME gets op 9",
  }),
  drainGraceMs: intSetting('CHAT_GATEWAY_DRAIN_GRACE_MS', {
    default: 3_000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    description: 'on stop, how long drained sessions (op 7) have to RESUME on another node (CHAT_GATEWAY_PEERS) before the rest are closed',
  }),
  readStatesNodes: stringSetting('CHAT_GATEWAY_READ_STATES_NODES', {
    default: '',
    description: "read-states ring (by user id) for READY's read_state and MESSAGE_ACK, id=host:port,...; empty: one node on this process's gRPC server",
  }),
  ...guildMembershipConfigSchema,
};

/** The gateway module's configuration as the module manager hands it over. */
export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema> & GuildMembershipConfig;

/** What the gateway module shares with modules that depend on it. */
export interface GatewayValue {
  readonly gateway: GatewayServer;
  readonly gatewayUrl: string;
}

/** The gateway module: sessions on the HTTP server's upgrades, attached to guilds over the guild ring. */
export const gatewayModule: ModuleDefinition<typeof gatewayConfigSchema, GatewayValue> = defineModule({
  name: 'gateway',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, HTTP_SERVER.name, GATEWAY_STORE.name, BUS.name],
  configSchema: gatewayConfigSchema,
  create: (config): Module<GatewayValue> => {
    let gateway: GatewayServer | undefined;
    let endpoints: Record<string, string> = {};
    let guildWiring: GuildServiceWiring | undefined;
    let readStates: ReadStatesWiring | undefined;
    let peers: GatewayPeers | undefined;
    return {
      grpcServices: ['chat.gateway.v1.GatewayService'],
      async start(context) {
        const store = context.get(GATEWAY_STORE);
        if (!store.users || !store.guilds) throw new Error('the gateway needs the store module with users and guilds ports (@chat/store storeModule)');
        const { users, guilds } = store;
        const local = `127.0.0.1:${context.get(GRPC_SERVER).port ?? 0}`;
        guildWiring = await wireGuildService({
          nodeId: config.nodeId,
          guildNodes: memberListOrLocal(config.guildNodes, 'CHAT_GATEWAY_GUILD_NODES', 'guild-0', local),
          membership: {
            membership: config.membership ?? defaultGuildMembershipConfig.membership,
            probeIntervalMs: config.probeIntervalMs ?? defaultGuildMembershipConfig.probeIntervalMs,
            probeFailures: config.probeFailures ?? defaultGuildMembershipConfig.probeFailures,
          },
          timeoutMs: config.guildTimeoutMs,
          onError: (error, where) => context.logger.warn({ err: error, where }, 'guild service call failed'),
        });
        readStates = await wireReadStates({
          nodes: memberListOrLocal(config.readStatesNodes, 'CHAT_GATEWAY_READ_STATES_NODES', 'read-states-0', local),
          gatewayNodeId: config.nodeId,
          timeoutMs: config.guildTimeoutMs,
          bus: context.get(BUS),
          deliver: (userId, frame, exceptSessionId) => gateway?.hub.deliverToUsers([userId], frame, { exclude: [exceptSessionId] }),
          onError: (error, where) => context.logger.warn({ err: error, where }, 'read states call failed'),
        });
        if (config.peers !== '') {
          peers = new GatewayPeers(parseGatewayNodeList(config.peers, 'CHAT_GATEWAY_PEERS'), { id: config.nodeId, grpcPort: context.get(GRPC_SERVER).port }, {
            onError: (error, where) => context.logger.warn({ err: error, where }, 'gateway peer call failed'),
          });
          // A first pod finds no peers (nothing behind the Service is ready yet): that is not an error; RESUMEs list them again.
          await peers.refresh().catch((error: unknown) => context.logger.warn({ err: error }, 'listing the gateway peers failed; retried on the next RESUME'));
        }
        const http: HttpServer = context.get(HTTP_SERVER);
        const gatewayUrl = config.publicUrl || http.wsUrl;
        const server = new GatewayServer({
          users,
          guildIdsOf: (userId) => guilds.listGuildIdsForUser(userId),
          relay: guildWiring.relay,
          members: guildWiring.members,
          publicUrl: gatewayUrl,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          resumeWindowMs: config.resumeWindowMs,
          replayCapacity: config.replayCapacity,
          privilegedIntents: config.privilegedIntents,
          log: context.logger,
          readStatesOf: readStates.entriesOf,
          voice: guildWiring.voice,
          ...(peers ? { peers, drainGraceMs: config.drainGraceMs } : {}),
        });
        gateway = server;
        http.handleUpgrades((req, socket, head) => server.handleUpgrade(req, socket, head));
        registerActorMetrics(server.hub.system, context.metrics);
        RelayMetrics.of(context.metrics).attach(guildWiring.relay);
        context.get(GRPC_SERVER).addService(gatewayV1.GatewayServiceService, gatewayServiceHandlers(server.hub));
        endpoints = { gateway: gatewayUrl };
        return { gateway: server, gatewayUrl };
      },
      async stop() {
        await gateway?.close();
        await guildWiring?.relay.close();
        guildWiring?.close();
        await readStates?.close();
        peers?.close();
      },
      endpoints: () => endpoints,
    };
  },
});
