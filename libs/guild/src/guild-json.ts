/**
 * Discord v10 JSON of the guild actor's state: the shapes themselves are
 * @chat/discord's (one copy for the REST API and the guild service); the
 * presence object is the guild's own.
 */
import { toDiscordMember } from '@chat/discord';
import type { StoredMember, StoredUser } from '@chat/store';

/** Discord's guild member object, with at least the user's id when the user record is missing. */
export function memberJson(member: StoredMember, user: StoredUser | undefined): Record<string, unknown> {
  const json = toDiscordMember(member, user);
  // Spread into a plain record (the guild's payload builders take records).
  return user ? { ...json } : { user: { id: member.userId }, ...json };
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
