/** @chat/guild-client: GuildService clients routed by guild_id over the guild ring. */
export { GuildRouter, notOwnedBy, type GuildRouterOptions, type GuildServiceClient } from './guild-router';
export { NoGuildNodeError } from './errors';
export {
  guildMembershipConfigSchema,
  guildRingMembership,
  defaultGuildMembershipConfig,
  type GuildMembershipConfig,
} from './guild-membership';
