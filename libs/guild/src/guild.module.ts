import { grpcServiceModule, moduleKey } from '@chat/modules';
import { guildV1 } from '@chat/proto';
import { RingView, StaticMembership, type Member } from '@chat/ring';
import { guildConfigSchema } from './guild.config';
import { GuildNode } from './guild-node';
import { guildServiceHandlers } from './guild-service';
import type { GuildStorePorts } from './guild-state';
import { parseGuildNodes } from './guild-nodes';

/** The `store` module as the guild service sees it (guilds and users ports). */
const STORE = moduleKey<GuildStorePorts>('store');

/**
 * The guild service module: one actor per guild this node owns on the guild
 * ring (CHAT_GUILD_NODES, or a single-node ring), GuildService on the shared
 * gRPC server, batched StreamDispatches per gateway node. Needs `store`.
 */
export const guildModule = grpcServiceModule({
  name: 'guild',
  definition: guildV1.GuildServiceService,
  configSchema: guildConfigSchema,
  dependsOn: [STORE.name],
  handlers: (config, context) => {
    const members: Member[] = config.nodes === '' ? [{ id: config.nodeId, address: 'local' }] : parseGuildNodes(config.nodes);
    const ring = new RingView(new StaticMembership(members));
    const node = new GuildNode({
      nodeId: config.nodeId,
      ring,
      store: context.get(STORE),
      passiveThreshold: config.passiveThreshold,
      flushIntervalMs: config.flushIntervalMs,
      maxBatchItems: config.maxBatchItems,
      replayCapacity: config.replayItems,
      idleTimeoutMs: config.idleTimeoutMs,
      logger: context.logger,
    });
    context.logger.info({ nodeId: config.nodeId, ringNodes: members.map((m) => m.id) }, 'guild node ready');
    return guildServiceHandlers(node);
  },
});
