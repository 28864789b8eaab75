/**
 * Row mappers of the SQLite guild tables.
 */
import { dateOf } from '@chat/snowflake';
import type { PermissionOverwrite, StoredChannel, StoredGuild, StoredInvite, StoredMember, StoredRole } from '../guilds/guild-store.port';
import { inviteExpiry } from '../guilds/guild-records';
import { bool, date, dateOrNull, idText, idTextOrNull, int, intOrNull, stringList, type SqliteRow } from './sqlite-values';

/** guilds row -> StoredGuild. */
export function toGuild(row: SqliteRow): StoredGuild {
  const id = idText(row.id);
  return {
    id,
    name: row.name as string,
    ownerId: idText(row.owner_id),
    icon: (row.icon as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    systemChannelId: idTextOrNull(row.system_channel_id),
    verificationLevel: int(row.verification_level),
    defaultMessageNotifications: int(row.default_message_notifications),
    explicitContentFilter: int(row.explicit_content_filter),
    preferredLocale: row.preferred_locale as string,
    features: stringList(row.features),
    createdAt: dateOf(id),
  };
}

/** permission_overwrites row -> PermissionOverwrite. */
export function toOverwrite(row: SqliteRow): PermissionOverwrite {
  return { id: idText(row.target_id), type: int(row.type) as 0 | 1, allow: row.allow as string, deny: row.deny as string };
}

/** channels row (+ its recipients and overwrites) -> StoredChannel. */
export function toChannel(row: SqliteRow, recipientIds: string[], overwrites: PermissionOverwrite[]): StoredChannel {
  const id = idText(row.id);
  return {
    id,
    type: int(row.type),
    guildId: idTextOrNull(row.guild_id),
    name: (row.name as string | null) ?? null,
    topic: (row.topic as string | null) ?? null,
    position: int(row.position),
    parentId: idTextOrNull(row.parent_id),
    nsfw: bool(row.nsfw),
    rateLimitPerUser: int(row.rate_limit_per_user),
    bitrate: intOrNull(row.bitrate),
    userLimit: intOrNull(row.user_limit),
    lastMessageId: idTextOrNull(row.last_message_id),
    lastPinTimestamp: dateOrNull(row.last_pin_timestamp),
    recipientIds,
    ownerId: idTextOrNull(row.owner_id),
    permissionOverwrites: overwrites,
    createdAt: dateOf(id),
  };
}

/** roles row -> StoredRole. */
export function toRole(row: SqliteRow): StoredRole {
  return {
    id: idText(row.id),
    guildId: idText(row.guild_id),
    name: row.name as string,
    color: int(row.color),
    hoist: bool(row.hoist),
    position: int(row.position),
    permissions: row.permissions as string,
    managed: bool(row.managed),
    mentionable: bool(row.mentionable),
  };
}

/** members row (+ role ids) -> StoredMember. */
export function toMember(row: SqliteRow, roleIds: string[]): StoredMember {
  return {
    guildId: idText(row.guild_id),
    userId: idText(row.user_id),
    nick: (row.nick as string | null) ?? null,
    roleIds,
    joinedAt: date(row.joined_at),
    deaf: bool(row.deaf),
    mute: bool(row.mute),
  };
}

/** invites row -> StoredInvite. */
export function toInvite(row: SqliteRow): StoredInvite {
  const createdAt = date(row.created_at);
  const maxAge = int(row.max_age);
  return {
    code: row.code as string,
    guildId: idText(row.guild_id),
    channelId: idText(row.channel_id),
    inviterId: idTextOrNull(row.inviter_id),
    uses: int(row.uses),
    maxUses: int(row.max_uses),
    maxAge,
    temporary: bool(row.temporary),
    createdAt,
    expiresAt: inviteExpiry(createdAt, maxAge),
  };
}
