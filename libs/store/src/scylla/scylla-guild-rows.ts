/**
 * Columns and row mappers of the Scylla guild tables.
 */
import { dateOf } from '@chat/snowflake';
import { inviteExpiry, sortOverwrites } from '../guilds/guild-records';
import type { PermissionOverwrite, StoredChannel, StoredGuild, StoredInvite, StoredMember, StoredRole } from '../guilds/guild-store.port';
import { boolOr, dateOrNull, idList, idText, idTextOrNull, intOr, textList, textOrNull, type CqlRow } from './scylla-values';

/** guilds columns. */
export const GUILD_COLUMNS = `id, name, owner_id, icon, description, system_channel_id, verification_level,
  default_message_notifications, explicit_content_filter, preferred_locale, features`;
/** channels columns. */
export const CHANNEL_COLUMNS = `id, type, guild_id, name, topic, position, parent_id, nsfw, rate_limit_per_user, bitrate,
  user_limit, last_message_id, last_pin_timestamp, recipient_ids, owner_id, overwrites`;
/** roles columns. */
export const ROLE_COLUMNS = 'guild_id, role_id, name, color, hoist, position, permissions, managed, mentionable';
/** members columns. */
export const MEMBER_COLUMNS = 'guild_id, user_id, nick, role_ids, joined_at, deaf, mute';
/** invites columns. */
export const INVITE_COLUMNS = 'code, guild_id, channel_id, inviter_id, uses, max_uses, max_age, temporary, created_at';

/** guilds row -> StoredGuild. */
export function toGuild(row: CqlRow): StoredGuild {
  const id = idText(row.get('id'));
  return {
    id,
    name: row.get('name') as string,
    ownerId: idText(row.get('owner_id')),
    icon: textOrNull(row.get('icon')),
    description: textOrNull(row.get('description')),
    systemChannelId: idTextOrNull(row.get('system_channel_id')),
    verificationLevel: intOr(row.get('verification_level'), 0),
    defaultMessageNotifications: intOr(row.get('default_message_notifications'), 0),
    explicitContentFilter: intOr(row.get('explicit_content_filter'), 0),
    preferredLocale: textOrNull(row.get('preferred_locale')) ?? 'en-US',
    features: textList(row.get('features')),
    createdAt: dateOf(id),
  };
}

/** An overwrite as stored in the channels.overwrites map value. */
export function encodeOverwrite(o: PermissionOverwrite): string {
  return JSON.stringify({ type: o.type, allow: o.allow, deny: o.deny });
}

function decodeOverwrites(value: unknown): PermissionOverwrite[] {
  if (value === null || value === undefined) return [];
  const entries = Object.entries(value as Record<string, string>).map(([id, json]) => {
    const { type, allow, deny } = JSON.parse(json) as { type: 0 | 1; allow: string; deny: string };
    return { id, type, allow, deny };
  });
  return sortOverwrites(entries);
}

/** channels row -> StoredChannel. */
export function toChannel(row: CqlRow): StoredChannel {
  const id = idText(row.get('id'));
  return {
    id,
    type: intOr(row.get('type'), 0),
    guildId: idTextOrNull(row.get('guild_id')),
    name: textOrNull(row.get('name')),
    topic: textOrNull(row.get('topic')),
    position: intOr(row.get('position'), 0),
    parentId: idTextOrNull(row.get('parent_id')),
    nsfw: boolOr(row.get('nsfw')),
    rateLimitPerUser: intOr(row.get('rate_limit_per_user'), 0),
    bitrate: (row.get('bitrate') as number | null) ?? null,
    userLimit: (row.get('user_limit') as number | null) ?? null,
    lastMessageId: idTextOrNull(row.get('last_message_id')),
    lastPinTimestamp: dateOrNull(row.get('last_pin_timestamp')),
    recipientIds: idList(row.get('recipient_ids')),
    ownerId: idTextOrNull(row.get('owner_id')),
    permissionOverwrites: decodeOverwrites(row.get('overwrites')),
    createdAt: dateOf(id),
  };
}

/** roles row -> StoredRole. */
export function toRole(row: CqlRow): StoredRole {
  return {
    id: idText(row.get('role_id')),
    guildId: idText(row.get('guild_id')),
    name: row.get('name') as string,
    color: intOr(row.get('color'), 0),
    hoist: boolOr(row.get('hoist')),
    position: intOr(row.get('position'), 0),
    permissions: textOrNull(row.get('permissions')) ?? '0',
    managed: boolOr(row.get('managed')),
    mentionable: boolOr(row.get('mentionable')),
  };
}

/** members row -> StoredMember (role ids ascending). */
export function toMember(row: CqlRow): StoredMember {
  const roles = idList(row.get('role_ids')).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return {
    guildId: idText(row.get('guild_id')),
    userId: idText(row.get('user_id')),
    nick: textOrNull(row.get('nick')),
    roleIds: roles,
    joinedAt: row.get('joined_at') as Date,
    deaf: boolOr(row.get('deaf')),
    mute: boolOr(row.get('mute')),
  };
}

/** invites row -> StoredInvite. */
export function toInvite(row: CqlRow): StoredInvite {
  const createdAt = row.get('created_at') as Date;
  const maxAge = intOr(row.get('max_age'), 0);
  return {
    code: row.get('code') as string,
    guildId: idText(row.get('guild_id')),
    channelId: idText(row.get('channel_id')),
    inviterId: idTextOrNull(row.get('inviter_id')),
    uses: intOr(row.get('uses'), 0),
    maxUses: intOr(row.get('max_uses'), 0),
    maxAge,
    temporary: boolOr(row.get('temporary')),
    createdAt,
    expiresAt: inviteExpiry(createdAt, maxAge),
  };
}

/** Sorts by (position, id) as Discord lists channels and roles. */
export function byPositionThenId<T extends { position: number; id: string }>(items: T[]): T[] {
  return items.sort((a, b) => a.position - b.position || (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}
