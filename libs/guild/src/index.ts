/**
 * @chat/guild: the guild service (one actor per guild on its owning guild
 * node, GuildService over gRPC, batched StreamDispatches per gateway node).
 */
export { guildModule } from './guild.module';
export { guildConfigSchema } from './guild.config';
export { GuildNode, actorId, type GuildNodeOptions } from './guild-node';
export { guildServiceHandlers } from './guild-service';
export { guildBehaviour, type GuildSnapshot, type GuildActorDeps, type DispatchOutbox, type GuildState } from './guild.actor';
export type { GuildMsg, AttachInput } from './guild.messages';
export { DispatchBatcher, type DispatchBatcherOptions, type BatcherStats } from './dispatch-batcher';
export { DispatchStream } from './dispatch-stream';
export { registerBatcherMetrics } from './batcher-metrics';
export { ReplayLog } from './replay-log';
export type { GuildStorePorts } from './guild-state';
export { GuildNotOwnedError, UnknownGuildError, InvalidGuildRequestError, UnknownChannelError, GuildStoreMissingError } from './errors';
export { RingVoiceClients, callKey, type VoiceClients, type VoiceApi } from './voice/voice-clients';
export { NotVoiceChannelError, VoicePermissionError, VoiceChannelFullError, NotInVoiceError, VoiceServerUnavailableError } from './errors';
