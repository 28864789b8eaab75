/**
 * The API service module: Discord's REST API mounted on /api of the
 * process's HTTP server. It holds no state of its own (rate-limit windows
 * aside), so any number of API nodes serve the same fleet behind a load
 * balancer. Each downstream service has its own ring and deadline.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { intSetting, stringSetting, type ConfigOf } from '@chat/config';
import { GatewayNodes, parseGatewayNodeList } from '@chat/gateway-client';
import { guildMembershipConfigSchema, guildRingMembership, GuildRouter } from '@chat/guild-client';
import type { HttpServer } from '@chat/http-server';
import { dataRingConfigSchema, dataRingMembership, MessagesRouter } from '@chat/messages-client';
import { defineModule, GRPC_SERVER, HTTP_SERVER, IDS, moduleKey, type Module, type ModuleDefinition } from '@chat/modules';
import { memberListOrLocal, type Member, type Membership } from '@chat/ring';
import type { Store } from '@chat/store';
import { guildEvents } from './clients/guild-events';
import { readStatesClient, type ReadStatesClient } from './clients/read-states-client';
import { createRestApi } from './create-rest-api';
import { DEFAULT_BODY_LIMIT_BYTES } from './http/json-body';
import { grpcMessageService } from './messages/grpc-message-service';
import { parseRateLimits, rateLimitSetting } from './rate-limit-setting';
import { DEFAULT_UPLOAD_LIMITS, type RestDispatch } from './rest-deps';
import { OBJECT_STORE_MODULE } from '@chat/object-store';
import { sweepAttachments } from './attachments/attachment-sweep';
import { createCdnHandler, createExpressionCdnHandler } from './attachments/cdn-handler';
import { CdnSigner, loadCdnSecret } from './attachments/cdn-signing';
import { restBuckets } from './route-table';
import { grpcSearchService, type GrpcSearchService } from './search/grpc-search-service';

/** The `store` module's value as the API sees it. */
export const API_STORE = moduleKey<Partial<Pick<Store, 'users' | 'guilds' | 'records' | 'reactions'>>>('store');

const ring = (key: string, what: string, local: string) =>
  stringSetting(key, { default: '', description: `${what}, id=host:port,...; empty: one node ${local} on this process's gRPC server` });
const deadline = (key: string, what: string, defaultMs: number) => intSetting(key, { default: defaultMs, min: 100, max: 60_000, unit: 'ms', description: `deadline of the API's ${what} calls` });

/** Configuration of the API module. */
export const apiConfigSchema = {
  gatewayUrl: stringSetting('CHAT_API_GATEWAY_URL', { default: '', description: 'WebSocket URL GET /gateway and /gateway/bot hand out; default ws:// and this process\'s HTTP host:port' }),
  guildNodes: ring('CHAT_API_GUILD_NODES', 'guild ring the API publishes guild events to (GuildService.PublishEvent, ModerateVoiceState)', 'guild-0'),
  dataNodes: ring('CHAT_API_DATA_NODES', 'data-service ring for messages (channel-affine MessageService)', 'data-0'),
  searchNodes: ring('CHAT_API_SEARCH_NODES', 'search nodes (SearchService) for the search routes, used in turn', 'search-0'),
  readStatesNodes: ring('CHAT_API_READ_STATES_NODES', 'read-states ring (by user id) for acks', 'read-states-0'),
  gatewayNodes: stringSetting('CHAT_API_GATEWAY_NODES', {
    default: '',
    description:
      "every gateway node (GatewayService), where user events (DMs, GUILD_CREATE after a join) go: id=host:port,..., or dns:host:port for every address of a headless Service (looked up again every 5 s); empty: one node gateway-0 on this process's gRPC server",
  }),
  guildTimeoutMs: deadline('CHAT_API_GUILD_TIMEOUT_MS', 'GuildService', 5_000),
  dataTimeoutMs: deadline('CHAT_API_DATA_TIMEOUT_MS', 'MessageService', 5_000),
  searchTimeoutMs: deadline('CHAT_API_SEARCH_TIMEOUT_MS', 'SearchService', 10_000),
  readStatesTimeoutMs: deadline('CHAT_API_READ_STATES_TIMEOUT_MS', 'ReadStateService', 3_000),
  gatewayTimeoutMs: deadline('CHAT_API_GATEWAY_TIMEOUT_MS', 'GatewayService', 2_000),
  cdnUrl: stringSetting('CHAT_CDN_URL', { default: '', description: "origin of attachment URLs (the CDN route /attachments is served by this process); default this process's HTTP host:port" }),
  cdnSecret: stringSetting('CHAT_CDN_SECRET', { default: '', description: 'secret that signs attachment URLs; every API node needs the same one (default: one generated once and kept in the store)' }),
  uploadFileLimitBytes: intSetting('CHAT_API_UPLOAD_FILE_LIMIT_BYTES', { default: DEFAULT_UPLOAD_LIMITS.fileBytes, min: 1024, max: 1024 * 1024 * 1024, unit: 'bytes', description: 'largest uploaded file (413 code 40005 above it)' }),
  uploadRequestLimitBytes: intSetting('CHAT_API_UPLOAD_REQUEST_LIMIT_BYTES', { default: DEFAULT_UPLOAD_LIMITS.requestBytes, min: 1024, max: 2 * 1024 * 1024 * 1024, unit: 'bytes', description: 'largest multipart request, all files together (read into memory; 413 code 40005 above it)' }),
  attachmentSweepMs: intSetting('CHAT_API_ATTACHMENT_SWEEP_MS', { default: 60 * 60 * 1000, min: 0, max: 7 * 24 * 60 * 60 * 1000, unit: 'ms', description: 'how often the sweep removes attachment bytes no message holds (0: never)' }),
  attachmentGraceMs: intSetting('CHAT_API_ATTACHMENT_GRACE_MS', { default: 60 * 60 * 1000, min: 0, max: 7 * 24 * 60 * 60 * 1000, unit: 'ms', description: 'age before the sweep looks at an attachment (longer than any upload takes)' }),
  pollEndingMs: intSetting('CHAT_API_POLL_ENDING_MS', { default: 30_000, min: 1000, max: 60 * 60 * 1000, unit: 'ms', description: 'how often polls that ran out are ended (their result notice posted)' }),
  bodyLimitBytes: intSetting('CHAT_API_BODY_LIMIT_BYTES', { default: DEFAULT_BODY_LIMIT_BYTES, min: 1024, max: 512 * 1024 * 1024, unit: 'bytes', description: 'largest request body (413 above it)' }),
  rateLimits: rateLimitSetting(restBuckets()),
  ...dataRingConfigSchema,
  ...guildMembershipConfigSchema,
};

/** The API module's configuration as the module manager hands it over. */
export type ApiConfig = ConfigOf<typeof apiConfigSchema>;

/** The longest poll (768 hours) and a day: how far back a starting node looks for polls that ran out. */
const POLL_MAX_LOOK_BACK_MS = (768 + 24) * 60 * 60 * 1000;

/** The intents a user-level dispatch needs: DM messages, reactions, poll votes and typing; everything else goes to every session. */
function userDispatchIntents(dispatch: RestDispatch): number {
  if (dispatch.intents !== undefined) return dispatch.intents;
  if (dispatch.type.startsWith('MESSAGE_REACTION_')) return GatewayIntentBits.DirectMessageReactions;
  if (dispatch.type.startsWith('MESSAGE_POLL_VOTE_')) return GatewayIntentBits.DirectMessagePolls;
  if (dispatch.type.startsWith('MESSAGE_')) return GatewayIntentBits.DirectMessages;
  if (dispatch.type === 'TYPING_START') return GatewayIntentBits.DirectMessageTyping;
  return 0;
}

/** The API module: REST on the HTTP server, everything behind it over gRPC. */
export const apiModule: ModuleDefinition<typeof apiConfigSchema, void> = defineModule({
  name: 'api',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, HTTP_SERVER.name, API_STORE.name, OBJECT_STORE_MODULE.name, IDS.name],
  configSchema: apiConfigSchema,
  create: (config): Module<void> => {
    let guilds: GuildRouter | undefined;
    let messages: MessagesRouter | undefined;
    let search: GrpcSearchService | undefined;
    let readStates: ReadStatesClient | undefined;
    let gateways: GatewayNodes | undefined;
    let memberships: Membership[] = [];
    let sweepTimer: NodeJS.Timeout | undefined;
    let pollTimer: NodeJS.Timeout | undefined;
    let endpoints: Record<string, string> = {};
    return {
      async start(context) {
        const store = context.get(API_STORE);
        if (!store.users || !store.guilds || !store.records || !store.reactions) throw new Error('the API needs the store module with users, guilds, records and reactions ports (@chat/store storeModule)');
        const grpcPort = context.get(GRPC_SERVER).port;
        const nodes = (value: string, key: string, localId: string): Member[] => memberListOrLocal(value, key, localId, `127.0.0.1:${grpcPort}`);
        const warn = (what: string) => (error: unknown, where: string) => context.logger.warn({ err: error, where }, `${what} call failed`);

        const guildRing = guildRingMembership(nodes(config.guildNodes, 'CHAT_API_GUILD_NODES', 'guild-0'), {
          membership: config.membership,
          probeIntervalMs: config.probeIntervalMs,
          probeFailures: config.probeFailures,
        });
        const dataRing = dataRingMembership(nodes(config.dataNodes, 'CHAT_API_DATA_NODES', 'data-0'), {
          dataRingMembership: config.dataRingMembership,
          dataRingProbeMs: config.dataRingProbeMs,
          dataRingProbeFailures: config.dataRingProbeFailures,
        });
        memberships = [guildRing, dataRing];
        guilds = new GuildRouter({ membership: guildRing });
        await guilds.start();
        messages = new MessagesRouter({ membership: dataRing });
        await messages.start();
        search = grpcSearchService(nodes(config.searchNodes, 'CHAT_API_SEARCH_NODES', 'search-0').map((node) => node.address), { timeoutMs: config.searchTimeoutMs });
        readStates = readStatesClient(nodes(config.readStatesNodes, 'CHAT_API_READ_STATES_NODES', 'read-states-0'), config.readStatesTimeoutMs);
        const gatewayList = config.gatewayNodes === '' ? nodes('', 'CHAT_API_GATEWAY_NODES', 'gateway-0') : parseGatewayNodeList(config.gatewayNodes, 'CHAT_API_GATEWAY_NODES');
        const gatewayNodes = new GatewayNodes(gatewayList, { timeoutMs: config.gatewayTimeoutMs, onError: warn('gateway') });
        gateways = gatewayNodes;
        const events = guildEvents(guilds, { timeoutMs: config.guildTimeoutMs });
        const http: HttpServer = context.get(HTTP_SERVER);
        const ids = context.get(IDS);
        const objects = context.get(OBJECT_STORE_MODULE);
        const cdn = { baseUrl: config.cdnUrl || http.url, secret: await loadCdnSecret(store.records, config.cdnSecret) };
        const messageService = grpcMessageService(messages, { timeoutMs: config.dataTimeoutMs });
        http.mount('/attachments', createCdnHandler({ objects, signer: new CdnSigner(cdn.secret), clock: Date.now, logger: context.logger }));
        const expressionImages = createExpressionCdnHandler({ objects, logger: context.logger });
        http.mount('/emojis', expressionImages);
        http.mount('/stickers', expressionImages);
        if (config.attachmentSweepMs > 0) {
          const records = store.records;
          sweepTimer = setInterval(() => {
            sweepAttachments({ objects, records, messages: messageService }, { now: Date.now(), graceMs: config.attachmentGraceMs }).then(
              (result) => context.logger.info({ ...result }, 'attachment sweep done'),
              (error: unknown) => context.logger.warn({ err: error }, 'attachment sweep failed'),
            );
          }, config.attachmentSweepMs);
          sweepTimer.unref();
        }
        const rest = createRestApi({
            store: { users: store.users, guilds: store.guilds, records: store.records, reactions: store.reactions },
            nextId: () => ids.next(),
            messages: messageService,
            objects,
            cdn,
            uploads: { fileBytes: config.uploadFileLimitBytes, requestBytes: config.uploadRequestLimitBytes },
            search,
            readStates,
            publishGuildEvent: (guildId, dispatch) => events.publish(guildId, dispatch),
            dispatchToUsers: async (userIds, dispatch) => {
              await gatewayNodes.dispatchToUsers({ userIds: [...userIds], type: dispatch.type, payloadJson: Buffer.from(dispatch.payloadJson), excludeSessionIds: [], intents: userDispatchIntents(dispatch), ...(dispatch.shardGuildId ? { shardGuildId: dispatch.shardGuildId } : {}), sessionIds: dispatch.sessionIds ?? [] });
            },
            attachUserToGuild: async (userId, guildId) => {
              await gatewayNodes.attachUserToGuild(userId, guildId);
            },
            voice: events.voice,
            gatewayUrl: config.gatewayUrl || http.wsUrl,
            logger: context.logger,
            rateLimits: parseRateLimits(config.rateLimits, restBuckets()),
            bodyLimitBytes: config.bodyLimitBytes,
          });
        http.mount('/api', rest);
        // Polls that ran out: the first pass looks back over the longest poll (a node may have been down), later ones two hours.
        let lookBackMs = POLL_MAX_LOOK_BACK_MS;
        pollTimer = setInterval(() => {
          rest.endDuePolls(Date.now(), lookBackMs).then(
            (result) => {
              lookBackMs = 2 * 60 * 60 * 1000;
              if (result.ended > 0) context.logger.info({ ...result }, 'polls ended');
            },
            (error: unknown) => context.logger.warn({ err: error }, 'ending due polls failed'),
          );
        }, config.pollEndingMs);
        pollTimer.unref();
        endpoints = { api: `${http.url}/api` };
      },
      async stop() {
        if (sweepTimer) clearInterval(sweepTimer);
        if (pollTimer) clearInterval(pollTimer);
        guilds?.close();
        messages?.close();
        search?.close();
        readStates?.close();
        gateways?.close();
        await Promise.all(memberships.map((membership) => membership.stop()));
      },
      endpoints: () => endpoints,
    };
  },
});
