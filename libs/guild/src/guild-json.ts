/**
 * Discord v10 JSON of the guild actor's state: the shapes themselves are
 * @chat/discord's (one copy for the REST API and the guild service); the
 * presence object is the guild's own.
 */
import { toDiscordChannel, toDiscordGuild, toDiscordMember } from '@chat/discord';
import type { StoredChannel, StoredGuild, StoredMember, StoredRole, StoredUser } from '@chat/store';

/** Discord's guild member object, with at least the user's id when the user record is missing. */
export function memberJson(member: StoredMember, user: StoredUser | undefined): Record<string, unknown> {
  const json = toDiscordMember(member, user);
  return user ? { ...json } : { user: { id: member.userId }, ...json };
}

/** Discord's guild channel object. */
export function channelJson(channel: StoredChannel): Record<string, unknown> {
  return { ...toDiscordChannel(channel) };
}

/** Discord's guild object with roles (no channels, no members). */
export function guildJson(guild: StoredGuild, roles: Iterable<StoredRole>): Record<string, unknown> {
  return { ...toDiscordGuild(guild, [...roles]) };
}

/** A presence as the guild keeps it. */
export interface PresenceRecord {
  status: 'online' | 'idle' | 'dnd' | 'invisible' | 'offline';
  activities: unknown[];
  clientStatus: Record<string, string>;
}

/** Discord's presence update object; invisible shows as offline. */
export function presenceJson(guildId: string, userId: string, presence: PresenceRecord): Record<string, unknown> {
  const visible = presence.status === 'invisible' ? 'offline' : presence.status;
  return {
    user: { id: userId },
    guild_id: guildId,
    status: visible,
    activities: visible === 'offline' ? [] : presence.activities,
    client_status: visible === 'offline' ? {} : presence.clientStatus,
  };
}
