/**
 * What a dispatch type implies when the publisher leaves it open: the intent
 * a session needs for it, and which sessions (by passive/active mode) get it.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';

/** Intent bits a dispatch type needs (0: none). */
export function defaultIntents(type: string): number {
  if (type.startsWith('GUILD_MEMBER_')) return GatewayIntentBits.GuildMembers;
  if (type === 'GUILD_EMOJIS_UPDATE' || type === 'GUILD_STICKERS_UPDATE') return GatewayIntentBits.GuildExpressions;
  if (type.startsWith('GUILD_') || type.startsWith('CHANNEL_') || type.startsWith('THREAD_')) return GatewayIntentBits.Guilds;
  if (type.startsWith('MESSAGE_REACTION_')) return GatewayIntentBits.GuildMessageReactions;
  if (type.startsWith('MESSAGE_POLL_VOTE_')) return GatewayIntentBits.GuildMessagePolls;
  if (type.startsWith('MESSAGE_')) return GatewayIntentBits.GuildMessages;
  if (type === 'TYPING_START') return GatewayIntentBits.GuildMessageTyping;
  if (type === 'PRESENCE_UPDATE') return GatewayIntentBits.GuildPresences;
  if (type === 'VOICE_STATE_UPDATE') return GatewayIntentBits.GuildVoiceStates;
  if (type === 'WEBHOOKS_UPDATE') return GatewayIntentBits.GuildWebhooks;
  return 0;
}

/** Audience of a dispatch type: guild-level changes reach passive sessions too. */
export function defaultAudience(type: string): guildV1.Audience {
  if (type === 'PASSIVE_UPDATE_V1') return guildV1.Audience.PASSIVE;
  if (type.startsWith('GUILD_MEMBER_') || type === 'GUILD_MEMBERS_CHUNK') return guildV1.Audience.ACTIVE;
  if (type.startsWith('GUILD_') || type.startsWith('CHANNEL_') || type === 'VOICE_STATE_UPDATE') return guildV1.Audience.ALL;
  return guildV1.Audience.ACTIVE;
}

/** Event types after which the actor reloads guild, channels, roles, emojis and stickers. */
export function changesStructure(type: string): boolean {
  return type === 'GUILD_UPDATE' || type === 'GUILD_EMOJIS_UPDATE' || type === 'GUILD_STICKERS_UPDATE' || type.startsWith('CHANNEL_') || type.startsWith('GUILD_ROLE_');
}

/** Event types after which the actor reloads one member. */
export function changesMember(type: string): boolean {
  return type === 'GUILD_MEMBER_ADD' || type === 'GUILD_MEMBER_UPDATE' || type === 'GUILD_MEMBER_REMOVE';
}
