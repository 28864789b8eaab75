/** Settings of the guild module. */
import { intSetting, stringSetting } from '@chat/config';
import { guildMembershipConfigSchema } from '@chat/guild-client';
import { availableParallelism } from 'node:os';

/** Default member workers: one core is the node's own thread, so min(2, cores - 1), at least 1. */
const DEFAULT_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));

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
  memberWorkers: intSetting('CHAT_GUILD_WORKERS', {
    default: DEFAULT_WORKERS,
    min: 0,
    max: 64,
    unit: 'count',
    description: 'worker threads that list members of large guilds off the main thread (0: list on the main thread); default min(2, cpus - 1), at least 1',
  }),
  workerMinMembers: intSetting('CHAT_GUILD_WORKER_MIN_MEMBERS', { default: 1000, min: 0, max: 100_000_000, unit: 'count', description: 'guilds with more members than this list their members in a worker thread' }),
  voiceNodes: stringSetting('CHAT_GUILD_VOICE_NODES', {
    default: '',
    description: "voice nodes (VoiceService) for voice channels, id=host:port,...; a call (guild_id:channel_id) lives on one node of this consistent-hash ring; empty: one node voice-0 on this process's gRPC server",
  }),
  ...guildMembershipConfigSchema,
  idleTimeoutMs: intSetting('CHAT_GUILD_IDLE_MS', { default: 600_000, min: 1000, unit: 'ms', description: 'a guild without sessions passivates after this long idle' }),
};
