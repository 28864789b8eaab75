/** Settings of the guild module. */
import { intSetting, stringSetting } from '@chat/config';
import { guildMembershipConfigSchema } from '@chat/guild-client';

/** The guild module's configuration schema. */
export const guildConfigSchema = {
  nodeId: stringSetting('CHAT_GUILD_NODE_ID', { default: 'guild-0', description: "this guild node's id on the guild ring" }),
  nodes: stringSetting('CHAT_GUILD_NODES', {
    default: '',
    description: 'guild ring members as id=host:port,...; empty runs a single-node ring of this node',
  }),
  passiveThreshold: intSetting('CHAT_GUILD_PASSIVE_THRESHOLD', { default: 75, min: 0, max: 1_000_000, unit: 'count', description: 'guilds with more members attach user sessions as passive until they subscribe' }),
  flushIntervalMs: intSetting('CHAT_GUILD_FLUSH_MS', { default: 5, min: 1, max: 1000, unit: 'ms', description: 'dispatch batch flush tick per gateway node' }),
  maxBatchItems: intSetting('CHAT_GUILD_MAX_BATCH_ITEMS', { default: 512, min: 1, max: 100_000, unit: 'count', description: 'flush at once when this many stream items are queued' }),
  replayItems: intSetting('CHAT_GUILD_REPLAY_ITEMS', { default: 4096, min: 1, max: 1_000_000, unit: 'count', description: 'stream items kept per guild for gateway reconnect cursors' }),
  gatewayGraceMs: intSetting('CHAT_GUILD_GATEWAY_GRACE_MS', { default: 60_000, min: 0, unit: 'ms', description: "a gateway node whose dispatch stream stays closed this long loses its sessions on this guild node" }),
  ...guildMembershipConfigSchema,
  idleTimeoutMs: intSetting('CHAT_GUILD_IDLE_MS', { default: 600_000, min: 1000, unit: 'ms', description: 'a guild without sessions passivates after this long idle' }),
};
