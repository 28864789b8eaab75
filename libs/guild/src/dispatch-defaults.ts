/**
 * What a dispatch type implies when the publisher leaves it open: the intent
 * a session needs for it, and which sessions (by passive/active mode) get it.
 */
import { guildV1 } from '@chat/proto';

const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_VOICE_STATES = 1 << 7;
const GUILD_PRESENCES = 1 << 8;
const GUILD_MESSAGES = 1 << 9;
const GUILD_MESSAGE_REACTIONS = 1 << 10;
const GUILD_MESSAGE_TYPING = 1 << 11;

/** Intent bits a dispatch type needs (0: none). */
export function defaultIntents(type: string): number {
  if (type.startsWith('GUILD_MEMBER_')) return GUILD_MEMBERS;
  if (type.startsWith('GUILD_') || type.startsWith('CHANNEL_') || type.startsWith('THREAD_')) return GUILDS;
  if (type.startsWith('MESSAGE_REACTION_')) return GUILD_MESSAGE_REACTIONS;
  if (type.startsWith('MESSAGE_')) return GUILD_MESSAGES;
  if (type === 'TYPING_START') return GUILD_MESSAGE_TYPING;
  if (type === 'PRESENCE_UPDATE') return GUILD_PRESENCES;
  if (type === 'VOICE_STATE_UPDATE') return GUILD_VOICE_STATES;
  return 0;
}

/** Audience of a dispatch type: guild-level changes reach passive sessions too. */
export function defaultAudience(type: string): guildV1.Audience {
  if (type === 'PASSIVE_UPDATE_V1') return guildV1.Audience.PASSIVE;
  if (type.startsWith('GUILD_MEMBER_') || type === 'GUILD_MEMBERS_CHUNK') return guildV1.Audience.ACTIVE;
  if (type.startsWith('GUILD_') || type.startsWith('CHANNEL_') || type === 'VOICE_STATE_UPDATE') return guildV1.Audience.ALL;
  return guildV1.Audience.ACTIVE;
}

/** Event types after which the actor reloads guild, channels and roles. */
export function changesStructure(type: string): boolean {
  return type === 'GUILD_UPDATE' || type.startsWith('CHANNEL_') || type.startsWith('GUILD_ROLE_');
}

/** Event types after which the actor reloads one member. */
export function changesMember(type: string): boolean {
  return type === 'GUILD_MEMBER_ADD' || type === 'GUILD_MEMBER_UPDATE' || type === 'GUILD_MEMBER_REMOVE';
}
