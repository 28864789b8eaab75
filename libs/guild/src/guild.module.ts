import { defineModule, GRPC_SERVER, moduleKey } from '@chat/modules';
import { guildV1 } from '@chat/proto';
import { registerActorMetrics } from '@chat/actor';
import { guildRingMembership } from '@chat/guild-client';
import { parseMemberList, RingView, type Member, type Membership } from '@chat/ring';
import { serviceNameOf } from '@chat/rpc';
import { registerBatcherMetrics } from './batcher-metrics';
import { GuildStoreMissingError } from './errors';
import { guildConfigSchema } from './guild.config';
import { GuildNode } from './guild-node';
import { guildServiceHandlers } from './guild-service';
import type { GuildStorePorts } from './guild-state';
import { RingVoiceClients } from './voice/voice-clients';

/** The `store` module as the guild service sees it (guilds and users ports). */
const STORE = moduleKey<Partial<GuildStorePorts>>('store');

/**
 * The guild service module: one actor per guild this node owns on the guild
 * ring (CHAT_GUILD_NODES, or a single-node ring of CHAT_GUILD_NODE_ID; peers
 * that fail health checks leave it, CHAT_GUILD_RING_MEMBERSHIP),
 * GuildService on the shared gRPC server, batched StreamDispatches per
 * gateway node; voice states call VoiceService on the voice ring
 * (CHAT_GUILD_VOICE_NODES, or this process's gRPC server). Needs the `store` module of @chat/store. On stop, guild
 * actors stop and every dispatch stream ends.
 */
export const guildModule = defineModule({
  name: 'guild',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, STORE.name],
  configSchema: guildConfigSchema,
  create: (config) => {
    let node: GuildNode | undefined;
    let ring: RingView | undefined;
    let membership: Membership | undefined;
    let voice: RingVoiceClients | undefined;
    return {
      grpcServices: [serviceNameOf(guildV1.GuildServiceService)],
      async start(context) {
        const store = context.get(STORE);
        if (typeof store.guilds?.getGuild !== 'function' || typeof store.users?.getUsers !== 'function') throw new GuildStoreMissingError();
        const members: Member[] = config.nodes === '' ? [{ id: config.nodeId, address: 'local' }] : parseMemberList(config.nodes, 'CHAT_GUILD_NODES');
        membership = guildRingMembership(members, config, config.nodeId);
        ring = new RingView(membership);
        await membership.start();
        const voiceNodes: Member[] =
          config.voiceNodes === '' ? [{ id: 'voice-0', address: `127.0.0.1:${context.get(GRPC_SERVER).port ?? 0}` }] : parseMemberList(config.voiceNodes, 'CHAT_GUILD_VOICE_NODES');
        voice = new RingVoiceClients(voiceNodes);
        node = new GuildNode({
          nodeId: config.nodeId,
          ring,
          store: { guilds: store.guilds, users: store.users, ...(store.records ? { records: store.records } : {}) },
          passiveThreshold: config.passiveThreshold,
          flushIntervalMs: config.flushIntervalMs,
          maxBatchItems: config.maxBatchItems,
          replayCapacity: config.replayItems,
          idleTimeoutMs: config.idleTimeoutMs,
          gatewayGraceMs: config.gatewayGraceMs,
          memberWorkers: config.memberWorkers,
          workerMinMembers: config.workerMinMembers,
          logger: context.logger,
          voice,
        });
        registerActorMetrics(node.system, context.metrics);
        registerBatcherMetrics(node.batcher, context.metrics);
        context.get(GRPC_SERVER).addService(guildV1.GuildServiceService, guildServiceHandlers(node));
        context.logger.info({ nodeId: config.nodeId, ringNodes: members.map((m) => m.id), voiceNodes: voiceNodes.map((m) => m.id) }, 'guild node ready');
      },
      async stop() {
        await membership?.stop();
        await node?.stop();
        ring?.close();
        voice?.close();
      },
    };
  },
});
