/**
 * Discord v10 JSON shapes of the guild actor's state (guild, channel, role,
 * member, user, presence), built from the store's records. Kept here rather
 * than imported from the gateway: the guild service must not depend on it.
 */
import type { StoredChannel, StoredGuild, StoredMember, StoredRole, StoredUser } from '@chat/store';

/** Discord's partial user object as members carry it. */
export function userJson(user: StoredUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    global_name: user.globalName,
    avatar: user.avatar,
    bot: user.bot,
    public_flags: user.flags,
    flags: user.flags,
    primary_guild: null,
  };
}

/** Discord's role object. */
export function roleJson(role: StoredRole): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: role.hoist,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: role.mentionable,
    flags: 0,
  };
}

/** Discord's guild channel object. */
export function channelJson(channel: StoredChannel): Record<string, unknown> {
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    topic: channel.topic,
    position: channel.position,
    parent_id: channel.parentId,
    nsfw: channel.nsfw,
    rate_limit_per_user: channel.rateLimitPerUser,
    bitrate: channel.bitrate ?? undefined,
    user_limit: channel.userLimit ?? undefined,
    last_message_id: channel.lastMessageId,
    last_pin_timestamp: channel.lastPinTimestamp?.toISOString() ?? null,
    permission_overwrites: channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })),
  };
}

/** Discord's guild member object (with `user` when known). */
export function memberJson(member: StoredMember, user: StoredUser | undefined): Record<string, unknown> {
  return {
    user: user ? userJson(user) : { id: member.userId },
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roleIds,
    joined_at: member.joinedAt.toISOString(),
    premium_since: null,
    deaf: member.deaf,
    mute: member.mute,
    flags: 0,
    pending: false,
  };
}

/** Discord's guild object with roles (no channels, no members). */
export function guildJson(guild: StoredGuild, roles: Iterable<StoredRole>): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: guild.verificationLevel,
    default_message_notifications: guild.defaultMessageNotifications,
    explicit_content_filter: guild.explicitContentFilter,
    roles: [...roles].map(roleJson),
    emojis: [],
    stickers: [],
    features: guild.features,
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    vanity_url_code: null,
    description: guild.description,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
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
